"""How well `Taxonomy.propose` reads whole sentences: accuracy over a labelled set of requests.

A set is a TOML file whose tables (one per language, "pt", "en") hold
``cases = [[message, type key, category key, subject key], ...]``; an empty subject means the
type has a free subject (Orientação). The test of the evaluation set, its benchmark and
``python -m taxonomy eval FILE`` all count the same way, here:

* a level is right at top-1 when the first reading has the expected entry there, at top-3 when
  one of the (at most three) readings offered has it;
* the triple is right when type, category and (where expected) subject of one reading all are.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from taxonomy.data import Taxonomy
    from taxonomy.proposal import Proposal

LEVELS = ("type", "category", "subject", "triple")


@dataclass(frozen=True)
class Case:
    text: str
    language: str
    expected: tuple[str, str, str]  # type, category, subject ("" when the subject is free)


def read_cases(path: str | Path) -> list[Case]:
    raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    cases = []
    for language, table in raw.items():
        for row in table["cases"]:
            text, type_key, category_key, subject_key = row
            cases.append(Case(text, language, (type_key, category_key, subject_key)))
    return cases


def readings(proposal: Proposal | None) -> list[tuple[str | None, str | None, str | None]]:
    """The (type, category, subject) keys of the readings a proposal offers, best first."""
    if proposal is None:
        return []
    found = [proposal, *getattr(proposal, "alternatives", ())]
    return [tuple(e.key if e is not None else None for e in (p.type, p.category, p.subject)) for p in found][:3]


def _right(reading: tuple, expected: tuple[str, str, str], level: str) -> bool:
    if level == "triple":
        return all(_right(reading, expected, one) for one in ("type", "category", "subject"))
    index = ("type", "category", "subject").index(level)
    return not expected[index] or reading[index] == expected[index]


@dataclass
class Tally:
    cases: int = 0
    top1: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    top3: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, offered: list[tuple], expected: tuple[str, str, str]) -> None:
        self.cases += 1
        for level in LEVELS:
            self.top1[level] += bool(offered) and _right(offered[0], expected, level)
            self.top3[level] += any(_right(reading, expected, level) for reading in offered)

    def share(self, which: str, level: str) -> float:
        counts = self.top1 if which == "top1" else self.top3
        return counts[level] / self.cases if self.cases else 0.0


@dataclass
class Report:
    overall: Tally
    by_type: dict[str, Tally]
    by_language: dict[str, Tally]
    misses: list[str]

    def figures(self) -> dict:
        def of(tally: Tally) -> dict:
            return {"cases": tally.cases, **{
                f"{which}_{level}": round(tally.share(which, level), 3)
                for which in ("top1", "top3") for level in LEVELS}}
        return {"overall": of(self.overall),
                "by_type": {key: of(t) for key, t in self.by_type.items()},
                "by_language": {key: of(t) for key, t in self.by_language.items()}}

    def table(self, title: str) -> str:
        lines = [f"{title}: {self.overall.cases} cases",
                 f"{'':<14}" + "".join(f"{level + ' 1/3':>18}" for level in LEVELS)]
        rows = [("all", self.overall), *self.by_type.items(), *self.by_language.items()]
        for name, tally in rows:
            cells = "".join(f"{tally.share('top1', lv):>11.1%}/{tally.share('top3', lv):>6.1%}" for lv in LEVELS)
            lines.append(f"{name + f' ({tally.cases})':<14}{cells}")
        return "\n".join(lines)


def evaluate(tax: Taxonomy, cases: list[Case]) -> Report:
    report = Report(Tally(), defaultdict(Tally), defaultdict(Tally), [])
    for case in cases:
        offered = readings(tax.propose(case.text))
        for tally in (report.overall, report.by_type[case.expected[0]], report.by_language[case.language]):
            tally.add(offered, case.expected)
        if not offered or not _right(offered[0], case.expected, "triple"):
            report.misses.append(f"{case.text!r}: expected {case.expected}, got {offered[:1]}")
    report.by_type, report.by_language = dict(report.by_type), dict(report.by_language)
    return report
