"""The requester's profile ("Meus dados"): asked on first access, editable later.

Each answer is saved at once through the store, which validates e-mail and phone; a refusal is
shown and the same question asked again. Where e-mail codes prove identities (dialogs/identity.py),
an e-mail counts only once the code sent to it is typed back (step "code").
"""

from __future__ import annotations

from typing import Any

from dialogs import choice_ids as ids
from dialogs import choosing, identity, render
from dialogs.flow import Flow, Reply, Step, Turn
from dialogs.states import MENU, ProfileState
from dialogs.texts import CATALOGUE
from store import StoreError
from store.outbox import EMAIL_CHANNEL
from store.validation import normalize_email

FIELDS = ("name", "email", "phone", "cargo", "organ")
NIGHT = "night"  # the quiet-hours switch: not a field asked, one press turns it over
ATTRIBUTES = {"name": "name", "email": "email", "phone": "phone", "cargo": "cargo", "organ": "organ_key"}


def complete(person: Any) -> bool:
    return bool(getattr(person, "profile_complete", False))


def _value(turn: Turn, field: str) -> str | None:
    value = getattr(turn.person, ATTRIBUTES[field], None)
    if field == "organ":
        return render.organ_name(turn.taxonomy, value)
    return value


async def start_first_access(turn: Turn, *, then_new_demand: bool = False, then_text: str | None = None) -> None:
    """Ask what is missing, then carry on with a new demand or with reading `then_text`."""
    # The name comes from the channel: it is shown to be confirmed, then only what is missing is asked.
    await turn.start(ProfileState(step="name", first=True, then_new_demand=then_new_demand, then_text=then_text))


def _first_missing(turn: Turn) -> str | None:
    for field in FIELDS:
        if not getattr(turn.person, ATTRIBUTES[field], None):
            return field
    return None


async def view(turn: Turn) -> None:
    await turn.start(ProfileState(step="view"))


def _night(turn: Turn) -> tuple[str, str]:
    """Whether pushes at night make a sound (store/workdays.py: quiet hours), as the view shows it."""
    silent = turn.person.silent_at_night
    return turn.t("profile.night"), turn.t("profile.night_silent" if silent else "profile.night_sound")


async def _shown(turn: Turn, field: str) -> str | None:
    """A field as the view shows it: an e-mail the person proved says so."""
    value = _value(turn, field)
    if field == "email" and value and await identity.email_proved(turn, value):
        return turn.t("profile.email_proved", email=value)
    return value


async def ask_view(turn: Turn) -> None:
    fields = [(turn.t("field." + field), await _shown(turn, field)) for field in FIELDS] + [_night(turn)]
    lines = [turn.t("profile.view")] + [f"{label}: {value or '—'}" for label, value in fields]
    choices = [turn.choice(ids.profile_field(field), f"profile.edit_{field}") for field in FIELDS]
    choices.append(turn.choice(ids.profile_field(NIGHT), "profile.edit_night_sound" if turn.person.silent_at_night
                               else "profile.edit_night_silent"))
    choices.append(turn.choice(ids.PUSHES, "profile.pushes"))
    choices.append(turn.choice(ids.MENU, "menu.back"))
    turn.say_text("\n".join(lines), choices=choices,
                  card={"kind": "profile", "fields": [[label, value or ""] for label, value in fields]})


async def answer_view(turn: Turn, reply: Reply) -> None:
    field = ids.profile_field_of(reply.choice)
    if field in FIELDS:
        return await turn.goto(field)
    if field == NIGHT:
        turn.person = await turn.tx.set_silent_at_night(turn.person.id, not turn.person.silent_at_night)
        turn.say("profile.saved")
        return await turn.ask()
    if reply.choice == ids.PUSHES:
        return await turn.goto("pushes")
    if reply.choice:
        turn.say("stale")
        return await turn.ask()
    from dialogs.menu import understand

    await understand(turn, reply.text)


def organ_options(turn: Turn) -> choosing.Options:
    return choosing.Options(prefix="org", entries=turn.taxonomy.organs, level="organ", label=render.organ_label)


def _asker(field: str):
    async def ask(turn: Turn) -> None:
        current = _value(turn, field)
        intro = turn.t(f"profile.ask_{field}")
        if current:
            intro += "\n" + turn.t("current", value=current)
        keep = [turn.choice(ids.KEEP, "keep")] if current else []
        if field == "organ":
            choosing.show(turn, organ_options(turn), intro, keep=bool(keep))
        else:
            turn.say_text(intro, choices=keep)
    return ask


def _answerer(field: str):
    async def answer(turn: Turn, reply: Reply) -> None:
        if reply.choice == ids.KEEP and _value(turn, field):
            return await _next(turn)
        if field == "organ":
            entry = await choosing.pick(turn, organ_options(turn), reply)
            if entry is None:
                return
            value = entry.key
        elif reply.choice:
            turn.say("stale")
            return await turn.ask()
        else:
            value = " ".join(reply.text.split())
            if not value:
                return await turn.ask()
        if field == "email" and identity.proves_emails(turn):
            return await _prove_email(turn, value)
        try:
            turn.person = await turn.tx.update_profile(turn.person.id, **{ATTRIBUTES[field]: value})
        except StoreError as error:
            turn.refuse(error)
            return await turn.ask()
        await _next(turn)
    return answer


async def _prove_email(turn: Turn, typed: str) -> None:
    """An e-mail that must be proved: in an allowed domain, then its code typed back."""
    try:
        address = normalize_email(typed)
    except StoreError as error:
        turn.refuse(error)
        return await turn.ask()
    if await identity.email_proved(turn, address):  # by a code before, or by Teams' directory
        turn.person = await turn.tx.update_profile(turn.person.id, email=address)
        return await _next(turn)
    if not turn.verification.domain_allowed(address):
        turn.say("identity.domain_refused", domains=", ".join(turn.verification.email_domains))
        return await turn.ask()
    sent = await identity.send_code(turn, address)
    if sent or await turn.tx.waiting_code_address(turn.person.id) == address:
        return await turn.goto("code", address=address)
    await turn.ask()


async def ask_code(turn: Turn) -> None:
    turn.say("identity.ask_code", choices=[turn.choice(ids.NEW_CODE, "identity.new_code")])


async def answer_code(turn: Turn, reply: Reply) -> None:
    if reply.choice == ids.NEW_CODE:
        await identity.send_code(turn, turn.state.address)
        return await turn.ask()
    if reply.choice:
        turn.say("stale")
        return await turn.ask()
    typed = "".join(reply.text.split())
    if not (typed.isdigit() and len(typed) == 6):
        turn.say("identity.code_format")
        return await turn.ask()
    if await identity.check_code(turn, typed) == "verified":
        return await _next(turn)
    await turn.ask()


async def _push_channels(turn: Turn) -> list[tuple[str, bool]]:
    """Each channel the person could hear from, and whether pushes go there (they do unless
    turned off)."""
    channels = await turn.tx.account_channels(turn.person.id)
    if turn.person.email:
        channels.append(EMAIL_CHANNEL)
    chosen = await turn.tx.push_preferences(turn.person.id)
    return [(channel, chosen.get(channel, True)) for channel in channels]


async def ask_pushes(turn: Turn) -> None:
    choices = [turn.choice(ids.push_toggle(channel), "profile.push_on" if on else "profile.push_off",
                           channel=turn.t(f"channel.{channel}") if f"channel.{channel}" in CATALOGUE else channel)
               for channel, on in await _push_channels(turn)]
    turn.say("profile.ask_pushes", choices=[*choices, turn.choice(ids.KEEP, "profile.pushes_done")])


async def answer_pushes(turn: Turn, reply: Reply) -> None:
    channel = ids.push_toggle_of(reply.choice)
    current = dict(await _push_channels(turn))
    if channel in current:
        await turn.tx.set_push_preference(turn.person.id, channel, not current[channel])
        return await turn.ask()
    if reply.choice == ids.KEEP:
        return await turn.goto("view")
    turn.say("stale" if reply.choice else "profile.pushes_how")
    await turn.ask()


async def _next(turn: Turn) -> None:
    state = turn.state
    if not state.first:
        turn.say("profile.saved")
        return await turn.goto("view")
    missing = _first_missing(turn)
    if missing:
        return await turn.goto(missing)
    turn.say("profile.done")
    from dialogs import menu

    await menu.resume(turn, state.then_new_demand, state.then_text)


async def back(turn: Turn) -> None:
    if not turn.state.first:
        return await turn.goto("view")
    current = turn.state.step
    earlier = FIELDS[:FIELDS.index(current)] if current in FIELDS else ()
    if earlier:
        return await turn.goto(earlier[-1])
    await turn.menu()


async def cancel(turn: Turn) -> None:
    await turn.menu("profile.cancelled" if turn.state.first else "cancelled")


STEPS = {
    "view": Step(ask=ask_view, answer=answer_view, help="help.profile.view"),
    "name": Step(ask=_asker("name"), answer=_answerer("name"), back=back, help="help.profile.name"),
    "email": Step(ask=_asker("email"), answer=_answerer("email"), back=back, help="help.profile.email"),
    "phone": Step(ask=_asker("phone"), answer=_answerer("phone"), back=back, help="help.profile.phone"),
    "cargo": Step(ask=_asker("cargo"), answer=_answerer("cargo"), back=back, help="help.profile.cargo"),
    "organ": Step(ask=_asker("organ"), answer=_answerer("organ"), back=back, help="help.profile.organ"),
    "pushes": Step(ask=ask_pushes, answer=answer_pushes, back=lambda turn: turn.goto("view"),
                   help="help.profile.pushes"),
    "code": Step(ask=ask_code, answer=answer_code, back=lambda turn: turn.goto("email"), help="help.profile.code"),
}
# A first access goes on to what the person wanted (a new demand, or reading what they wrote).
FLOW = Flow(name=ProfileState.FLOW, state=ProfileState, steps=STEPS, returns_to=MENU, cancel=cancel)
