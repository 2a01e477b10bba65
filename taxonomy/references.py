"""Document references in free text: empenhos, liquidações, notas financeiras, requisições, PROA
processes, CNPJ/CPF and UO codes, as `references.toml` describes them (patterns are data).

    from taxonomy.references import default_references
    default_references().extract("empenho 2025NE123 e CNPJ 11.222.333/0001-81")
    # (Reference(kind='ne', value='2025NE000123'), Reference(kind='cnpj', value='11222333000181'))

Pure: no store, no dialogs. The loader validates the file and names the kind to fix in each
error (a `ValueError` in pt-BR, the operator's language, as taxonomy/data.py does).
"""

from __future__ import annotations

import functools
import re
import string
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_PATH = Path(__file__).with_name("references.toml")
MAX_VALUE_LENGTH = 40  # demand_references.value
_KEY_RE = re.compile(r"[a-z]{1,10}")
_FIELDS = ({"key", "pattern", "canonical"}, {"display", "zfill", "check"})


def _mod11_digits(digits: str, weights_of: Callable[[int], list[int]], count: int) -> str:
    """The `count` check digits of `digits` by the mod-11 rule CPF and CNPJ share."""
    body = digits
    for _ in range(count):
        total = sum(int(d) * w for d, w in zip(body, weights_of(len(body))))
        rest = total % 11
        body += "0" if rest < 2 else str(11 - rest)
    return body[len(digits):]


def _cpf_weights(length: int) -> list[int]:
    return list(range(length + 1, 1, -1))


def _cnpj_weights(length: int) -> list[int]:
    return ([6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2] if length == 13 else [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])


def valid_cpf(digits: str) -> bool:
    # Eleven equal digits pass the arithmetic but are no one's CPF.
    return len(digits) == 11 and len(set(digits)) > 1 and _mod11_digits(digits[:9], _cpf_weights, 2) == digits[9:]


def valid_cnpj(digits: str) -> bool:
    return len(digits) == 14 and len(set(digits)) > 1 and _mod11_digits(digits[:12], _cnpj_weights, 2) == digits[12:]


CHECKS: dict[str, Callable[[str], bool]] = {"cpf": valid_cpf, "cnpj": valid_cnpj}


@dataclass(frozen=True, order=True)
class Reference:
    """One document number as stored and searched: its kind ("ne") and canonical value."""

    kind: str
    value: str


@dataclass(frozen=True)
class Kind:
    key: str
    pattern: re.Pattern
    canonical: str
    display: str | None = None
    zfill: tuple[tuple[str, int], ...] = ()
    check: str | None = None

    def reference(self, match: re.Match) -> tuple[Reference, str] | None:
        """The reference `match` is, with how it is shown; None when its check digits fail."""
        groups = {name: value.upper() for name, value in match.groupdict().items() if value is not None}
        for name, width in self.zfill:
            groups[name] = groups[name].zfill(width)
        value = self.canonical.format(**groups)
        if len(value) > MAX_VALUE_LENGTH or (self.check and not CHECKS[self.check](value)):
            return None
        return Reference(self.key, value), (self.display or self.canonical).format(**groups)


class References:
    """The kinds of references.toml, in order; `extract` finds them in a text."""

    def __init__(self, kinds: tuple[Kind, ...]):
        self.kinds = kinds
        self._by_key = {kind.key: kind for kind in kinds}

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self._by_key)

    def extract(self, *texts: str | None) -> tuple[Reference, ...]:
        """Every reference cited in `texts`, once each, in the order first cited. Where two kinds
        match overlapping characters the longer match is the one meant."""
        return self._extract(texts)

    # A sending turn reads the same title and description twice (the duplicate check, then the
    # store writing the references): the second reading is free.
    @functools.lru_cache(maxsize=256)
    def _extract(self, texts: tuple[str | None, ...]) -> tuple[Reference, ...]:
        found: dict[Reference, None] = {}  # ordered, once each
        for text in texts:
            if not text:
                continue
            spans: list[tuple[int, int, Kind, re.Match]] = []
            for kind in self.kinds:
                spans += [(m.start(), -(m.end() - m.start()), kind, m) for m in kind.pattern.finditer(text)]
            spans.sort(key=lambda item: (item[0], item[1]))
            taken_until = -1
            for start, _, kind, match in spans:
                if start < taken_until:
                    continue
                result = kind.reference(match)
                if result is None:
                    continue  # invalid check digits: not a reference, and leaves its characters free
                found.setdefault(result[0], None)
                taken_until = match.end()
        return tuple(found)

    def shown(self, reference: Reference) -> str:
        """How a reference reads to a person ("11.222.333/0001-81" for a CNPJ stored as digits)."""
        kind = self._by_key.get(reference.kind)
        if kind is None or kind.display is None:
            return reference.value
        # The canonical form is one the pattern reads too (digits only): its groups give the display.
        match = kind.pattern.fullmatch(reference.value)
        result = kind.reference(match) if match else None
        return result[1] if result else reference.value


# --- loading and checking the file -------------------------------------------------------------------

def load(path: str | Path | None = None) -> References:
    path = Path(path or DEFAULT_PATH)
    return loads(path.read_text(encoding="utf-8"), str(path))


def loads(text: str, source: str = "<texto>") -> References:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{source}: TOML inválido: {error}") from None
    rows = raw.get("kind")
    if not isinstance(rows, list) or not rows:
        raise ValueError(f"{source}: nenhum [[kind]] definido")
    kinds = tuple(_kind(row, f"{source}: [[kind]] nº {index}") for index, row in enumerate(rows, start=1))
    keys = [kind.key for kind in kinds]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise ValueError(f"{source}: chave repetida: {', '.join(repeated)}")
    return References(kinds)


@functools.cache
def default_references() -> References:
    return load()


def _kind(row: Any, where: str) -> Kind:
    if not isinstance(row, dict):
        raise ValueError(f"{where}: não é uma tabela")
    required, optional = _FIELDS
    missing, unknown = required - row.keys(), row.keys() - required - optional
    if missing or unknown:
        raise ValueError(f"{where}: campos faltando {sorted(missing)} ou desconhecidos {sorted(unknown)}")
    key = row["key"]
    if not isinstance(key, str) or not _KEY_RE.fullmatch(key):
        raise ValueError(f"{where}: key {key!r} deve ter de 1 a 10 letras minúsculas")
    where = f"{where} ({key})"
    try:
        pattern = re.compile(row["pattern"], re.IGNORECASE)
    except (re.error, TypeError) as error:
        raise ValueError(f"{where}: pattern inválido: {error}") from None
    groups = set(pattern.groupindex)
    templates = {name: row[name] for name in ("canonical", "display") if name in row}
    for name, template in templates.items():
        fields = _template_fields(template, where, name)
        if not fields <= groups:
            raise ValueError(f"{where}: {name} usa grupos que o pattern não tem: {sorted(fields - groups)}")
    zfill = row.get("zfill", {})
    if not isinstance(zfill, dict) or not all(
            name in groups and isinstance(width, int) and 0 < width <= MAX_VALUE_LENGTH for name, width in zfill.items()):
        raise ValueError(f"{where}: zfill deve dar a largura (1 a {MAX_VALUE_LENGTH}) de grupos do pattern")
    check = row.get("check")
    if check is not None and check not in CHECKS:
        raise ValueError(f"{where}: check {check!r} desconhecido (conhecidos: {', '.join(sorted(CHECKS))})")
    return Kind(key=key, pattern=pattern, canonical=row["canonical"], display=row.get("display"),
                zfill=tuple(zfill.items()), check=check)


def _template_fields(template: Any, where: str, name: str) -> set[str]:
    if not isinstance(template, str) or not template:
        raise ValueError(f"{where}: {name} deve ser um texto")
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as error:
        raise ValueError(f"{where}: {name} inválido: {error}") from None
    fields = {field for _, field, spec, _ in parsed if field is not None}
    if "" in fields or any(spec for _, field, spec, _ in parsed if field):
        raise ValueError(f"{where}: {name} deve nomear grupos, sem formato: {template!r}")
    return fields
