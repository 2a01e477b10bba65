"""Where a conversation stands: one frozen dataclass per flow, stored as readable JSON.

The store keeps a conversation as JSON: {"flow": "new", "step": "organ", "draft": {...}, "shown":
[[id, label], ...]} (a page turn is [id, label, true]: it takes no number). Each flow's state type turns itself into that dict (`to_json`, fields at
their default left out) and back (`from_json`); `from_json` is the one place where a stored state
is checked, so a state from an old deploy, a corrupt one, or a draft naming an Anexo I entry
removed since, is refused there (`InvalidState`) and nowhere else. Steps never change a state in
place: `Turn` replaces it (dialogs/flow.py).

Files never live here: a file received for a draft, a comment or an attendant's answer waits in
the store (dialogs/held_files.py), and the state keeps its `HeldFile` reference (id, name, size).
"""

from __future__ import annotations

import functools
from datetime import datetime
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, ClassVar

from store.pending import HeldFile

MENU = "menu"


class InvalidState(ValueError):
    """A stored conversation state that cannot be continued."""


# --- reading JSON, strictly ------------------------------------------------------------------------

def _optional(data: dict, key: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
    value = data.get(key)
    if value is None:
        return default
    if not isinstance(value, kind):
        raise InvalidState(f"{key} is not {kind}: {value!r}")
    return value


def _required(data: dict, key: str, kind: type | tuple[type, ...] = str) -> Any:
    value = _optional(data, key, kind)
    if value is None:
        raise InvalidState(f"{key} is missing")
    return value


def _object(data: Any, what: str) -> dict:
    if not isinstance(data, dict):
        raise InvalidState(f"{what} is not an object: {data!r}")
    return data


def _json(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_json(item) for item in value]
    if isinstance(value, HeldFile):
        return _held_file_json(value)
    if isinstance(value, Draft):
        return value.to_json()
    return value


@functools.cache
def _names(kind: type) -> frozenset[str]:
    return frozenset(item.name for item in fields(kind))


def changed(value: Any, **changes: Any) -> Any:
    """A copy of the frozen state (or draft) `value` with `changes`: dataclasses.replace, without
    its cost. A turn replaces its state several times; replace() re-runs __init__ through every
    field (about 9 µs for a new demand's state, against 1 µs here), which benchmarks.bench_dialogs
    showed as a few per cent of a turn. No state type has a __post_init__ to skip."""
    unknown = changes.keys() - _names(type(value))
    if unknown:
        raise TypeError(f"{type(value).__name__} has no field {sorted(unknown)}")
    copy = object.__new__(type(value))
    copy.__dict__.update(value.__dict__)
    copy.__dict__.update(changes)
    return copy


@functools.cache
def _defaults(kind: type) -> tuple[tuple[str, Any], ...]:
    """(name, default) of each field of a state type; every default is immutable, so made once
    (every turn saves its state: this keeps the saving cheap)."""
    return tuple((item.name, item.default if item.default_factory is MISSING else item.default_factory())
                 for item in fields(kind))


@functools.cache
def _scratch(kind: type) -> dict[str, Any]:
    return {name: default for name, default in _defaults(kind) if name in kind.SCRATCH}


def _changed_fields(value: Any) -> dict[str, Any]:
    """The fields that are not at their default, as JSON: what a reader of the stored state needs."""
    return {name: _json(getattr(value, name)) for name, default in _defaults(type(value))
            if getattr(value, name) != default}


# --- files held until something is sent: references, the contents wait in the store ------------------

def _held_file_json(file: HeldFile) -> dict[str, Any]:
    data = {"id": file.id, "filename": file.filename, "size": file.size}
    if file.content_type:
        data["content_type"] = file.content_type
    return data


def _held_file(data: Any) -> HeldFile:
    data = _object(data, "file")
    return HeldFile(id=_required(data, "id", int), filename=_required(data, "filename"),
                    size=_required(data, "size", int), content_type=_optional(data, "content_type", str))


def _files(data: dict, key: str = "files") -> tuple[HeldFile, ...]:
    return tuple(_held_file(item) for item in _optional(data, key, list, []))


# --- when a pending action began (dialogs/pending.py: it expires) -----------------------------------

def _started_at(data: dict) -> str:
    """The ISO 8601 time (with its zone) a pending action began; "" for a state saved before the
    time was kept."""
    value = _optional(data, "started_at", str, "")
    if value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise InvalidState(f"started_at {value!r}") from None
        if moment.tzinfo is None:
            raise InvalidState(f"started_at without a time zone: {value!r}")
    return value


def _started_time(started_at: str) -> datetime | None:
    """When the pending action began; None for a state saved before the time was kept."""
    return datetime.fromisoformat(started_at) if started_at else None


# --- the shared part of every flow's state --------------------------------------------------------------

@dataclass(frozen=True)
class FlowState:
    FLOW: ClassVar[str]
    # The question's scratch space: back at its default whenever the flow moves to a step.
    SCRATCH: ClassVar[tuple[str, ...]] = ()

    step: str
    page: int = 0  # the page of the list the question shows
    # A new demand's draft left unsent (dialogs/new_demand.py): carried from flow to flow, offered
    # again by the next "Nova demanda". Its files stay held.
    kept: Draft | None = None

    def at(self, step: str, **changes: Any) -> FlowState:
        """This state moved to `step`, its scratch space fresh, its list at the first page."""
        return changed(self, step=step, page=0, **{**_scratch(type(self)), **changes})

    def to_json(self) -> dict[str, Any]:
        return {"flow": self.FLOW, "step": self.step, **_changed_fields(self)}

    @staticmethod
    def _common(data: dict) -> dict[str, Any]:
        kept = data.get("kept")
        # Its Anexo I keys are checked when it is taken up again, not in every flow it crosses.
        return {"step": _required(data, "step"), "page": _optional(data, "page", int, 0),
                "kept": None if kept is None else Draft.from_json(kept)}


@dataclass(frozen=True)
class MenuState(FlowState):
    """At the menu; `demand` is the demand last shown, which "cancelar ela" or "linha do tempo" mean."""

    FLOW: ClassVar[str] = MENU
    step: str = MENU
    demand: str | None = None

    @classmethod
    def from_json(cls, data: dict, taxonomy: Any = None) -> MenuState:
        return cls(**cls._common(data), demand=_optional(data, "demand", str))


# --- a new demand ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Draft:
    """A demand being written. `done` lists the steps answered, in any order."""

    done: tuple[str, ...] = ()
    title: str | None = None
    organ_key: str | None = None
    type_key: str | None = None
    category_key: str | None = None
    subject_key: str | None = None
    subject_detail: str | None = None
    description: str | None = None
    overflow: str | None = None  # what did not fit in the description: sent as comments
    proa_ok: bool = False  # the requester insisted after the PROA warning
    suggested_title: str | None = None
    free_text: str | None = None  # the sentence a proposal was made from
    files: tuple[HeldFile, ...] = ()

    TEXTS: ClassVar[tuple[str, ...]] = ("title", "organ_key", "type_key", "category_key", "subject_key",
                                        "subject_detail", "description", "overflow", "suggested_title",
                                        "free_text")
    # The Anexo I entry each key names, looked up by the taxonomy's method of that name.
    ENTRIES: ClassVar[tuple[tuple[str, str], ...]] = (
        ("type_key", "type_entry"), ("category_key", "category"), ("subject_key", "subject"),
        ("organ_key", "organ"))

    def to_json(self) -> dict[str, Any]:
        return _changed_fields(self)

    @classmethod
    def from_json(cls, data: Any, taxonomy: Any = None) -> Draft:
        data = _object(data, "draft")
        done = _optional(data, "done", list, [])
        if not all(isinstance(step, str) for step in done):
            raise InvalidState(f"done: {done!r}")
        draft = cls(done=tuple(done), proa_ok=_optional(data, "proa_ok", bool, False), files=_files(data),
                    **{name: _optional(data, name, str) for name in cls.TEXTS})
        if taxonomy is not None:
            for name, lookup in cls.ENTRIES:
                key = getattr(draft, name)
                try:
                    if key is not None:
                        getattr(taxonomy, lookup)(key)
                except (KeyError, TypeError):
                    raise InvalidState(f"{name} {key!r} is not in Anexo I") from None
        return draft


@dataclass(frozen=True)
class NewDemandState(FlowState):
    FLOW: ClassVar[str] = "new"
    SCRATCH: ClassVar[tuple[str, ...]] = ("listing", "other", "long_text", "proa", "similar", "named_subject")
    # What a step needs of the draft before it can ask its question.
    NEEDS: ClassVar[dict[str, tuple[str, ...]]] = {
        "category": ("type_key",), "subject": ("type_key", "category_key"), "module": ("type_key",),
        "propose": ("free_text",),
        "summary": ("title", "organ_key", "type_key", "category_key", "description"),
        "similar": ("title", "organ_key", "type_key", "category_key", "description"),
    }

    draft: Draft = field(default_factory=Draft)
    editing: bool = False  # a field edited from the summary goes back to the summary
    listing: bool = False  # the órgão question shows the list rather than "confirm yours?"
    other: bool = False  # the subject is "Outro": its text is asked
    long_text: str | None = None  # a description over the limit, until split or rewritten
    proa: bool = False  # the PROA warning is waiting for an answer
    similar: str | None = None  # "similar": the protocol of the open demand this one may repeat
    named_subject: str | None = None  # "category": a subject written at the type or category question

    @classmethod
    def from_json(cls, data: dict, taxonomy: Any = None) -> NewDemandState:
        state = cls(**cls._common(data), draft=Draft.from_json(data.get("draft", {}), taxonomy),
                    editing=_optional(data, "editing", bool, False), listing=_optional(data, "listing", bool, False),
                    other=_optional(data, "other", bool, False), long_text=_optional(data, "long_text", str),
                    proa=_optional(data, "proa", bool, False), similar=_optional(data, "similar", str),
                    named_subject=_optional(data, "named_subject", str))
        missing = [name for name in cls.NEEDS.get(state.step, ()) if getattr(state.draft, name) is None]
        if missing:
            raise InvalidState(f"step {state.step} needs {missing}")
        if state.step == "similar" and not state.similar:
            raise InvalidState("step similar needs the similar demand's protocol")
        return state


# --- following a demand ------------------------------------------------------------------------------

@dataclass(frozen=True)
class FollowState(FlowState):
    FLOW: ClassVar[str] = "follow"
    SCRATCH: ClassVar[tuple[str, ...]] = ("files",)
    # The steps that wait for a text of the requester's (dialogs/follow_pending.py); "confirm" asks
    # whether a text that looked like a request is that content after all.
    PENDING_STEPS: ClassVar[frozenset[str]] = frozenset({"comment", "reopen", "rating_comment"})
    STEPS_ON_A_DEMAND: ClassVar[frozenset[str]] = frozenset({"cancel", "rating", "confirm"}) | PENDING_STEPS

    demand: str | None = None
    open_only: bool = False  # the list shows the open demands only
    then: str | None = None  # what a protocol looked up is for ("can", "tl"...)
    rating: int | None = None  # the survey's rating, while its comment is asked
    files: tuple[HeldFile, ...] = ()  # sent with the comment
    started_at: str = ""  # when the pending step began (ISO 8601, UTC): it expires
    confirming: str | None = None  # "confirm": the pending step whose content `text` would be
    text: str | None = None  # "confirm": the text asked about

    @classmethod
    def from_json(cls, data: dict, taxonomy: Any = None) -> FollowState:
        state = cls(**cls._common(data), demand=_optional(data, "demand", str),
                    open_only=_optional(data, "open_only", bool, False), then=_optional(data, "then", str),
                    rating=_optional(data, "rating", int), files=_files(data), started_at=_started_at(data),
                    confirming=_optional(data, "confirming", str), text=_optional(data, "text", str))
        if state.step in cls.STEPS_ON_A_DEMAND and state.demand is None:
            raise InvalidState(f"step {state.step} needs a demand")
        if (state.step == "rating_comment" or state.confirming == "rating_comment") and state.rating not in (
                1, 2, 3, 4, 5):
            raise InvalidState(f"rating {state.rating!r}")
        if state.step == "confirm" and (state.confirming not in cls.PENDING_STEPS or not state.text):
            raise InvalidState(f"confirm of {state.confirming!r} needs its text")
        return state

    def started(self) -> datetime | None:
        return _started_time(self.started_at)


# --- the profile --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ProfileState(FlowState):
    FLOW: ClassVar[str] = "profile"

    first: bool = False  # asked on first access: only what is missing, then on to what was wanted
    then_new_demand: bool = False  # the person had asked for a new demand
    then_text: str | None = None  # the person had written this: read it once the profile is done
    address: str | None = None  # the e-mail a code was sent to, at the step "code"

    @classmethod
    def from_json(cls, data: dict, taxonomy: Any = None) -> ProfileState:
        state = cls(**cls._common(data), first=_optional(data, "first", bool, False),
                    then_new_demand=_optional(data, "then_new_demand", bool, False),
                    then_text=_optional(data, "then_text", str), address=_optional(data, "address", str))
        if state.step == "code" and not state.address:
            raise InvalidState("the code step needs its address")
        return state


# --- an attendant's action waiting for its text or its kind --------------------------------------------

@dataclass(frozen=True)
class AttendantState(FlowState):
    FLOW: ClassVar[str] = "att"
    WRITTEN: ClassVar[tuple[str, ...]] = ("ans", "req", "sol")

    protocol: str = ""
    action: str | None = None  # one of WRITTEN, once known
    text: str = ""  # the reply to a card, while its action is asked; the text asked about ("confirm")
    files: tuple[HeldFile, ...] = ()
    started_at: str = ""  # when the action began (ISO 8601, UTC): a pending action expires

    @classmethod
    def from_json(cls, data: dict, taxonomy: Any = None) -> AttendantState:
        state = cls(**cls._common(data), protocol=_required(data, "protocol"),
                    action=_optional(data, "action", str), text=_optional(data, "text", str, ""),
                    files=_files(data), started_at=_started_at(data))
        if state.step in ("text", "confirm") and state.action not in cls.WRITTEN:
            raise InvalidState(f"action {state.action!r}")
        if state.step == "confirm" and not state.text:
            raise InvalidState("confirm needs the text it asks about")
        return state

    def started(self) -> datetime | None:
        return _started_time(self.started_at)
