"""Helpers of the taxonomy tests (tests/taxonomy is on sys.path): reading the tables of noisy
queries (queries.toml, sentences.toml) and the accuracy the matcher must reach on them."""

from __future__ import annotations

from collections.abc import Iterator

# Top-1 accuracy the matcher keeps on the held-out queries and chat messages.
MIN_ACCURACY = 0.95


def table_cases(table: dict) -> Iterator[tuple[str, str, str]]:
    """(query, expected level, what is expected) for each case of one table: a table searched at
    level "any" says each case's level, the others say it once for all."""
    for case in table["cases"]:
        if table["level"] == "any":
            query, level, expected = case
        else:
            (query, expected), level = case, table["level"]
        yield query, level, expected


def assert_accurate(misses: list[str], total: int, what: str) -> None:
    """Print the accuracy and every miss (pytest -s), and fail below MIN_ACCURACY."""
    accuracy = 1 - len(misses) / total
    print(f"\ntop-1 accuracy {accuracy:.1%} over {total} {what}; misses:")
    for miss in misses:
        print("  " + miss)
    assert accuracy >= MIN_ACCURACY, "\n".join(misses)
