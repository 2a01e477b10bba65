"""The loader of `anexo_i.toml`: reads the file an operator edits and checks everything it can.

Each error names the entry to fix (a `ValueError` in pt-BR, the operator's language).
"""

from __future__ import annotations

import dataclasses
import functools
import re
import tomllib
from pathlib import Path
from typing import Any

from taxonomy.model import OTHER_SUBJECT_KEY, SUBJECT_MODES, Entry, Taxonomy, fold, fold_all
from taxonomy.vocabulary import SECTIONS as VOCABULARY_SECTIONS
from taxonomy.vocabulary import build_vocabulary

DEFAULT_PATH = Path(__file__).with_name("anexo_i.toml")

MAX_KEY_LENGTH = 40

_KEY_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

# What each table of the file may hold; anything else is most likely a typo an operator should see.
_FIELDS = {
    "types": ({"key", "name", "subject_mode"}, {"aliases", "description", "name_en"}),
    "categories": ({"key", "name", "type"}, {"aliases", "description", "systems", "name_en", "fallback"}),
    "services": ({"key", "name"}, {"aliases", "description", "category"}),
    "systems": ({"key", "name"}, {"aliases", "description"}),
    "organs": ({"key", "name"}, {"aliases", "description", "acronym"}),
}
_LIST_FIELDS = {"aliases", "systems"}
_BOOL_FIELDS = {"fallback"}
_NOT_TEXT_FIELDS = _LIST_FIELDS | _BOOL_FIELDS
_TABLE_LABELS = {
    "types": "tipo",
    "categories": "categoria",
    "services": "serviço",
    "systems": "sistema",
    "organs": "órgão",
}


def load(path: str | Path | None = None) -> Taxonomy:
    """Read and validate an Anexo I file (the packaged `anexo_i.toml` by default)."""
    path = Path(path) if path is not None else DEFAULT_PATH
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"{path}: não foi possível ler o arquivo ({exc.strerror or exc})") from exc
    return loads(text, source=str(path))


def loads(text: str, source: str = "<texto>") -> Taxonomy:
    """Like `load`, from the text of a file; `source` names it in error messages."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{source}: TOML inválido: {exc}") from exc
    return _Builder(raw, source).build()


@functools.cache
def default_taxonomy() -> Taxonomy:
    return load()


class _Builder:
    """Turns the parsed TOML into a Taxonomy, raising a ValueError at the first problem."""

    def __init__(self, raw: dict[str, Any], source: str) -> None:
        self.raw = raw
        self.source = source
        self.texts: list[Any] = []  # every text of the tables, as rows() goes through them
        self.all_clean = False  # no text of the tables could have a markup problem (see _all_clean)

    def fail(self, where: str, problem: str) -> None:
        raise ValueError(f"{self.source}: {where}: {problem}")

    def build(self) -> Taxonomy:
        sections = [*_FIELDS, "proa", *VOCABULARY_SECTIONS]
        unknown = set(self.raw) - set(sections)
        if unknown:
            self.fail(
                "seção desconhecida " + ", ".join(sorted(unknown)),
                "as seções válidas são " + ", ".join(sections),
            )
        tables = {name: self.rows(name) for name in _FIELDS}
        proa = self.raw.get("proa")
        phrases = proa.get("phrases") if isinstance(proa, dict) else None
        self.all_clean = _all_clean(self.texts + (phrases if isinstance(phrases, list) else []))

        types, modes = self.build_types(tables["types"])
        mode_owner = {mode: key for key, mode in modes.items()}
        categories, category_systems = self.build_categories(tables["categories"], modes)
        services = self.build_services(tables["services"], categories, mode_owner["service"])
        systems = [
            self.entry("subject", row, "systems", type_key=mode_owner["system"])
            for row in tables["systems"]
        ]
        organs = [self.entry("organ", row, "organs") for row in tables["organs"]]

        subjects = services + systems
        folded: list[str] = []  # every name and synonym, folded once for both checks
        for level, entries in (
            ("type", types),
            ("category", categories),
            ("subject", subjects),
            ("organ", organs),
        ):
            self.check_unique_keys(level, entries)
            folded += self.check_names_and_aliases(entries)

        system_keys = {s.key for s in systems}
        for category_key, allowed in category_systems.items():
            for key in allowed:
                if key not in system_keys:
                    self.fail(f"categoria {category_key!r}", f"systems cita o sistema desconhecido {key!r}")

        return Taxonomy(
            types=tuple(types),
            categories=tuple(categories),
            subjects=tuple(subjects),
            organs=tuple(organs),
            subject_modes=modes,
            category_systems=category_systems,
            proa_phrases=self.build_proa(),
            vocabulary=build_vocabulary(self.raw, folded, self.fail),
        )

    # -- tables --

    def rows(self, table: str) -> list[dict[str, Any]]:
        rows = self.raw.get(table, [])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            self.fail(f"[[{table}]]", "deve ser uma lista de tabelas ([[" + table + "]])")
        required, optional = _FIELDS[table]
        allowed = required | optional
        label = _TABLE_LABELS[table]
        for index, row in enumerate(rows, start=1):
            fields = row.keys()
            if not (required <= fields <= allowed):
                where = _where(label, row, index)
                missing = required - fields
                if missing:
                    self.fail(where, "faltam os campos " + ", ".join(sorted(missing)))
                extra, valid = ", ".join(sorted(fields - allowed)), ", ".join(sorted(allowed))
                self.fail(where, f"campo desconhecido {extra} (válidos: {valid})")
            for field, value in row.items():
                if field in _LIST_FIELDS:
                    if not isinstance(value, list):
                        self.fail(_where(label, row, index), f"{field} deve ser uma lista de textos entre colchetes")
                    self.texts += value
                elif field in _BOOL_FIELDS:
                    if not isinstance(value, bool):
                        self.fail(_where(label, row, index), f"{field} deve ser true ou false (sem aspas)")
                elif isinstance(value, str):
                    self.texts.append(value)
                else:
                    self.fail(_where(label, row, index), f"{field} deve ser um texto entre aspas")
        return rows

    def build_types(self, rows: list[dict[str, Any]]) -> tuple[list[Entry], dict[str, str]]:
        types: list[Entry] = []
        modes: dict[str, str] = {}
        for row in rows:
            entry = self.entry("type", row, "types")
            mode = row["subject_mode"]
            if mode not in SUBJECT_MODES:
                self.fail(
                    f"tipo {entry.key!r}",
                    f"subject_mode {mode!r} inválido (use {', '.join(SUBJECT_MODES)})",
                )
            if mode in modes.values():
                self.fail(f"tipo {entry.key!r}", f"já há outro tipo com subject_mode {mode!r}")
            types.append(entry)
            modes[entry.key] = mode
        for mode in SUBJECT_MODES:
            if mode not in modes.values():
                self.fail("[[types]]", f"falta um tipo com subject_mode = {mode!r}")
        return types, modes

    def build_categories(
        self, rows: list[dict[str, Any]], modes: dict[str, str]
    ) -> tuple[list[Entry], dict[str, tuple[str, ...]]]:
        categories: list[Entry] = []
        category_systems: dict[str, tuple[str, ...]] = {}
        for row in rows:
            entry = self.entry("category", row, "categories", type_key=row["type"])
            where = f"categoria {entry.key!r}"
            if entry.type not in modes:
                self.fail(where, f"type {entry.type!r} não é a key de nenhum tipo")
            if "systems" in row:
                if modes[entry.type] != "system":
                    self.fail(where, "systems só vale em categorias do tipo de sistemas")
                category_systems[entry.key] = self.strings(row["systems"], where, "systems")
            if row.get("fallback"):
                if modes[entry.type] != "system":
                    self.fail(where, "fallback só vale em categorias do tipo de sistemas")
                if any(c.fallback and c.type == entry.type for c in categories):
                    self.fail(where, "já há outra categoria com fallback = true neste tipo")
                entry = dataclasses.replace(entry, fallback=True)
            categories.append(entry)
        return categories, category_systems

    def build_services(
        self, rows: list[dict[str, Any]], categories: list[Entry], service_type: str
    ) -> list[Entry]:
        service_categories = {c.key for c in categories if c.type == service_type}
        services: list[Entry] = []
        for row in rows:
            key = row["key"]
            where = f"serviço {key!r}"
            category = row.get("category")
            if key == OTHER_SUBJECT_KEY:
                if category is not None:
                    self.fail(where, "o assunto especial 'outro' não tem category (vale para todas)")
            elif category is None:
                self.fail(where, "falta o campo category (a categoria de Serviços do Quadro 2)")
            elif category not in service_categories:
                self.fail(where, f"category {category!r} não é uma categoria de Serviços")
            services.append(
                self.entry("subject", row, "services", type_key=service_type, category=category)
            )
        if not any(s.key == OTHER_SUBJECT_KEY for s in services):
            self.fail("[[services]]", f"falta o assunto especial key = {OTHER_SUBJECT_KEY!r} (\"Outro\")")
        return services

    def build_proa(self) -> tuple[str, ...]:
        proa = self.raw.get("proa", {})
        if not isinstance(proa, dict) or set(proa) - {"phrases"}:
            self.fail("[proa]", "deve conter apenas phrases = [...]")
        phrases = self.strings(proa.get("phrases", []), "[proa]", "phrases")
        seen: set[str] = set()
        for phrase in phrases:
            if fold(phrase) in seen:
                self.fail("[proa]", f"a expressão {phrase!r} está repetida")
            seen.add(fold(phrase))
        return phrases

    # -- one entry --

    def entry(
        self,
        level: str,
        row: dict[str, Any],
        table: str,
        type_key: str | None = None,
        category: str | None = None,
    ) -> Entry:
        key = row["key"]
        where = f"{_TABLE_LABELS[table]} {key!r}"
        if not isinstance(key, str) or not _KEY_RE.fullmatch(key) or len(key) > MAX_KEY_LENGTH:
            self.fail(
                where,
                f"key inválida: use minúsculas sem acento, dígitos e hífens, até {MAX_KEY_LENGTH} caracteres",
            )
        name = self.clean_text(row["name"], where, "name")
        aliases = self.strings(row.get("aliases", []), where, "aliases")
        acronym = None
        if "acronym" in row:
            acronym = self.clean_text(row["acronym"], where, "acronym")
            # The acronym is how servants most often name an organ, so it is searched like an alias.
            if fold(acronym) not in {fold(a) for a in aliases}:
                aliases = (acronym, *aliases)
        description = name_en = None
        if "description" in row:
            description = self.clean_text(row["description"], where, "description")
        if "name_en" in row:
            name_en = self.clean_text(row["name_en"], where, "name_en")
        return Entry(
            level=level,
            key=key,
            name=name,
            aliases=aliases,
            type=type_key,
            category=category,
            acronym=acronym,
            description=description,
            name_en=name_en,
        )

    def strings(self, value: Any, where: str, field: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            self.fail(where, f"{field} deve ser uma lista de textos entre colchetes")
        return tuple(self.clean_text(item, where, field) for item in value)

    def clean_text(self, value: Any, where: str, field: str) -> str:
        if not isinstance(value, str):
            self.fail(where, f"{field} deve ser um texto entre aspas")
        problem = None if self.all_clean else markup_problem(value)
        if problem:
            self.fail(where, f"{field} {value!r}: {problem}")
        return value

    # -- cross-entry checks --

    def check_unique_keys(self, level: str, entries: list[Entry]) -> None:
        seen: set[str] = set()
        for entry in entries:
            if entry.key in seen:
                self.fail(f"{_level_label(entry)} {entry.key!r}", "key repetida (deve ser única no nível)")
            seen.add(entry.key)

    def check_names_and_aliases(self, entries: list[Entry]) -> list[str]:
        """Names and aliases must tell entries of the same level and type apart; returns them folded."""
        texts = [(entry, i, text) for entry in entries for i, text in enumerate((entry.name, *entry.aliases))]
        folded = fold_all([text for _, _, text in texts])
        owners: dict[tuple[str | None, str], Entry] = {}
        for (entry, index, text), folded_text in zip(texts, folded):
            slot = (entry.type, folded_text)
            owner = owners.get(slot)
            if owner is entry:
                self.fail(
                    f"{_level_label(entry)} {entry.key!r}",
                    f"o sinônimo {text!r} repete o nome ou outro sinônimo da entrada",
                )
            if owner is not None:
                what = "nome" if index == 0 else "sinônimo"
                self.fail(
                    f"{_level_label(entry)} {entry.key!r}",
                    f"o {what} {text!r} já é nome ou sinônimo de {_level_label(owner)} {owner.key!r}",
                )
            owners[slot] = entry
        return folded


# Anything markup_problem could object to; most texts have none, and are let through at once.
# (Only a file with some suspect text gets here: see _all_clean.)
_SUSPECT = re.compile(r"^\s|\s$|  |[\n\r\t<>]|\*\*|__")


_MARKUP_MARKS = ("<", ">", "**", "__", "\0\0", "\0 ", " \0")  # the last three: empty, or spaces at an end


def _all_clean(texts: list[Any]) -> bool:
    """Whether no text can have a markup problem, found with a few searches of all of them joined
    by NULs instead of one per text; the texts of a file that fails get checked one by one."""
    try:
        joined = "\0" + "\0".join(texts) + "\0"
    except TypeError:  # not all texts: rows() and clean_text() say which
        return False
    # Whitespace only single spaces (no line break, tab or other space, none doubled) and no mark.
    return " ".join(joined.split()) == joined and not any(mark in joined for mark in _MARKUP_MARKS)


def markup_problem(text: str) -> str | None:
    """Why `text` looks like extraction debris, or None when it is clean."""
    if text and not _SUSPECT.search(text):
        return None
    if not text.strip():
        return "está vazio"
    if text != text.strip():
        return "tem espaços no início ou no fim"
    if "  " in text:
        return "tem espaços duplos"
    if any(ch in text for ch in "\n\r\t"):
        return "tem quebra de linha ou tabulação"
    if "<" in text or ">" in text:
        return "tem marcação (< ou >)"
    if "**" in text or "__" in text:
        return "tem marcação (** ou __)"
    return None


def _where(label: str, row: dict[str, Any], index: int) -> str:
    """The row named for the operator: by its key, or its place when the key is missing."""
    return f"{label} {row.get('key', f'nº {index}')!r}"


def _level_label(entry: Entry) -> str:
    return {"type": "tipo", "category": "categoria", "subject": "assunto", "organ": "órgão"}[entry.level]
