"""The evaluation set (eval/tuning.toml, eval/held_out.toml): whole requests of servants, each with
the classification a help-desk attendant would give it. A floor on each part keeps what was won;
`python -m benchmarks --only understanding` prints the figures per level, type and language."""

from __future__ import annotations

from pathlib import Path

import pytest

from taxonomy import default_taxonomy
from taxonomy.evaluation import evaluate, read_cases

EVAL = Path(__file__).with_name("eval")
# Top-1 shares each part keeps. The issue asks triple >= 95% and type >= 99% on the held-out part:
# both are met (95.9% triple, was 91.8%; 99.2% type), measured once after the round that grew the
# tuning part by five batches each written before it was run (97.1% / 99.1% of 1054 there).
FLOORS = {
    "tuning": {"triple": 0.97, "type": 0.99},
    "held_out": {"triple": 0.95, "type": 0.99},
}


@pytest.fixture(scope="module")
def tax():
    return default_taxonomy()


@pytest.mark.parametrize("part", sorted(FLOORS))
def test_the_proposal_reads_whole_requests(tax, part):
    report = evaluate(tax, read_cases(EVAL / f"{part}.toml"))
    print("\n" + report.table(part) + "\nmisses:\n  " + "\n  ".join(report.misses))
    for level, floor in FLOORS[part].items():
        assert report.overall.share("top1", level) >= floor, (level, report.misses)


def test_the_set_is_broad_and_bilingual():
    for part in FLOORS:
        cases = read_cases(EVAL / f"{part}.toml")
        assert len(cases) >= 100
        assert {case.language for case in cases} == {"pt", "en"}
        assert {case.expected[0] for case in cases} == {"servicos", "orientacao", "sistemas"}
    tuning = {case.text for case in read_cases(EVAL / "tuning.toml")}
    assert not tuning & {case.text for case in read_cases(EVAL / "held_out.toml")}


def test_every_expected_key_exists(tax):
    for part in FLOORS:
        for case in read_cases(EVAL / f"{part}.toml"):
            type_key, category_key, subject_key = case.expected
            assert tax.category(category_key).type == type_key, case
            if subject_key:
                assert subject_key in {s.key for s in tax.subjects(type_key, category_key)}, case
