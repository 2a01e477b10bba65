"""Held-out chat messages (sentences.toml): propose() and match() on the way servants really write."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from taxonomy_support import assert_accurate, table_cases

from taxonomy import default_taxonomy

SENTENCES = Path(__file__).with_name("sentences.toml")


def load() -> dict:
    return tomllib.loads(SENTENCES.read_text(encoding="utf-8"))


def propose_misses(tax, cases) -> list[str]:
    misses = []
    for text, type_key, category_key, subject_key in cases:
        proposal = tax.propose(text)
        if not type_key:
            ok = proposal is None
        else:
            ok = (
                proposal is not None
                and proposal.type.key == type_key
                and (not category_key or (proposal.category and proposal.category.key) == category_key)
                and (not subject_key or (proposal.subject and proposal.subject.key) == subject_key)
            )
        if not ok:
            got = None
            if proposal is not None:
                got = tuple(e.key if e else None for e in (proposal.type, proposal.category, proposal.subject))
                got = (*got, proposal.score)
            expected = (type_key, category_key, subject_key) if type_key else None
            misses.append(f"[propose] {text!r}: expected {expected}, got {got}")
    return misses


def match_misses(tax, name, table) -> list[str]:
    misses = []
    for query, level, key in table_cases(table):
        result = tax.match(query, level=table["level"], type_key=table.get("type"))
        top = result.candidates[0] if result.candidates else None
        if key:
            ok = top is not None and (top.entry.level, top.entry.key) == (level, key)
        else:
            ok = top is None
        if not ok:
            got = [(m.entry.key, m.score) for m in result.candidates]
            misses.append(f"[{name}] {query!r}: expected {key or 'nothing'!r}, got {got}")
    return misses


def all_misses(tax) -> tuple[int, list[str]]:
    data = load()
    cases = data["propose"]["cases"]
    misses = propose_misses(tax, cases)
    total = len(cases)
    for name, table in data["match"].items():
        misses += match_misses(tax, name, table)
        total += len(table["cases"])
    return total, misses


@pytest.fixture(scope="module")
def tax():
    return default_taxonomy()


def test_chat_messages_top1_accuracy(tax):
    total, misses = all_misses(tax)
    assert_accurate(misses, total, "chat messages")


def test_the_held_out_set_is_broad():
    data = load()
    cases = data["propose"]["cases"]
    assert len(cases) >= 100
    assert {c[1] for c in cases} == {"servicos", "orientacao", "sistemas", ""}
    assert sum(1 for c in cases if not c[1]) >= 10
    assert len({c[2] for c in cases if c[2]}) >= 40
    assert {t["level"] for t in data["match"].values()} == {"type", "category", "subject", "organ", "any"}
