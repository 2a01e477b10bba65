"""`python -m benchmarks [--quick] [--json PATH] [--only NAME...] [--checkout PATH]`: run every
benchmark, print one table, write the figures as JSON (default benchmarks/results/latest.json).

With --checkout, the bot processes of the Telegram benchmarks run that other checkout's code (with
its .venv), under this checkout's driver and Bot API server (benchmarks/checkout.py): a branch and
an older commit measured by the same rig on the same machine.

A benchmark is a module of this package with `run(...)` (sync or async) returning a dict; its rows
in the table come from the module's `rows(results)` or, for the older ones, from an adapter here.
PostgreSQL benchmarks create and drop scratch databases on ECAGE_TEST_POSTGRES_URL.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import inspect
import json
import logging
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.checkout import CHECKOUT_VARIABLE, target
from benchmarks.common import PACE_STEPS, machine

DEFAULT_JSON = Path(__file__).parent / "results" / "latest.json"
Row = tuple[str, str, str]


def _taxonomy_rows(results: dict) -> list[Row]:
    worst = max(results["levels"].items(), key=lambda item: item[1]["p99_us"])
    return [("taxonomy cold load + index", f"{results['cold_ms']} ms", ""),
            ("taxonomy match, worst level p99", f"{worst[1]['p99_us']} µs ({worst[0]})",
             f"< {results['target_p99_us']:.0f} µs")]


def _notifier_rows(results: dict) -> list[Row]:
    return [(f"notifier {name}", f"{f['events_per_s']} events/s, p50 {f['p50_ms']} ms, p99 {f['p99_ms']} ms", "")
            for name, f in results.items() if isinstance(f, dict) and "events_per_s" in f]


@dataclass(frozen=True)
class Benchmark:
    module: str
    arguments: Callable[[bool], dict]  # quick -> keyword arguments of run()
    rows: Callable[[dict], list[Row]] | None = None  # None: the module's own rows()


BENCHMARKS: dict[str, Benchmark] = {
    "taxonomy": Benchmark("benchmarks.bench_taxonomy", lambda quick: {"queries": 2_000 if quick else 10_000},
                          _taxonomy_rows),
    "understanding": Benchmark("benchmarks.bench_understanding", lambda quick: {"quick": quick}),
    "notifier": Benchmark("benchmarks.bench_notifier",
                          lambda quick: {"events": 200, "chats": 20} if quick else {}, _notifier_rows),
    "overhead": Benchmark("benchmarks.bench_overhead", lambda quick: {"quick": quick}),
    "dialogs": Benchmark("benchmarks.bench_dialogs", lambda quick: {"quick": quick}),
    "replies": Benchmark("benchmarks.bench_replies", lambda quick: {"quick": quick}),
    "push": Benchmark("benchmarks.bench_push", lambda quick: {"quick": quick}),
    "scaleout": Benchmark("benchmarks.bench_scaleout", lambda quick: {"quick": quick}),
    "memory": Benchmark("benchmarks.bench_memory", lambda quick: {"quick": quick}),
    "references": Benchmark("benchmarks.bench_references", lambda quick: {"quick": quick}),
}


def run_one(name: str, quick: bool) -> tuple[dict | None, list[Row]]:
    spec = BENCHMARKS[name]
    try:
        module = importlib.import_module(spec.module)
    except ImportError as error:
        return None, [(name, f"not available ({error})", "")]
    run = getattr(module, "run", None)
    if run is None:
        return None, [(name, "not available (no run())", "")]
    arguments = spec.arguments(quick)
    results = asyncio.run(run(**arguments)) if inspect.iscoroutinefunction(run) else run(**arguments)
    rows = (spec.rows or module.rows)(results)
    return results, rows


def format_table(rows: list[Row]) -> str:
    header = ("benchmark", "figure", "target")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    line = "| " + " | ".join(f"{{:<{w}}}" for w in widths) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line.format(*header), rule, *(line.format(*row) for row in rows)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller loads: a smoke run in about a minute")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"where to write (default {DEFAULT_JSON})")
    parser.add_argument("--only", nargs="+", choices=list(BENCHMARKS), metavar="NAME",
                        help=f"run only these: {', '.join(BENCHMARKS)}")
    parser.add_argument("--checkout", type=Path, help="the bot processes run this checkout's code")
    args = parser.parse_args(argv)
    if args.checkout:
        os.environ[CHECKOUT_VARIABLE] = str(args.checkout.resolve())
    logging.basicConfig(level=logging.ERROR)
    started = time.perf_counter()
    report: dict = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"), "quick": args.quick,
                    "machine": machine(), "results": {}, "seconds": {}}
    rows: list[Row] = []
    failed = False
    for name in args.only or list(BENCHMARKS):
        print(f"running {name}...", file=sys.stderr, flush=True)
        begun = time.perf_counter()
        try:
            results, new_rows = run_one(name, args.quick)
        except Exception:
            failed = True
            traceback.print_exc()
            results, new_rows = None, [(name, "FAILED (see the error above)", "")]
        report["seconds"][name] = round(time.perf_counter() - begun, 1)
        if results is not None:
            report["results"][name] = results
        rows.extend(new_rows)
    report["elapsed_s"] = round(time.perf_counter() - started, 1)
    after = machine()
    report["load_after"], report["pace_after_s"] = after["load"], after["pace_s"]
    m = report["machine"]
    print(format_table(rows))
    print(f"\n{m['cores']} cores, {m['cpu']}, {m['memory_gib']} GiB, Python {m['python']}; "
          f"{report['elapsed_s']} s in all" + (" (--quick)" if args.quick else "") +
          f"; load average {m['load']} before, {report['load_after']} after; a {PACE_STEPS:,}-step Python loop "
          f"{m['pace_s']} s before, {report['pace_after_s']} s after; bot code: {target().name}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"figures written to {args.json}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
