"""Benchmarks of e-CAGE Chat: `python -m benchmarks [--quick] [--json PATH] [--only NAME...]`.

Each module exposes `run(quick: bool = False) -> dict` (sync or async) and `rows(results) -> list`
for the summary table; benchmarks/__main__.py runs them in turn.
"""
