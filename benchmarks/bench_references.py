"""What issue 19 adds to the sending turn: reading the document references of the draft and
writing them (store/references.py), and the duplicate check (store/similar.py), with 10,000
demands in the store.

    python -m benchmarks --only references [--quick]
    python -m benchmarks.bench_references [--quick] [--no-postgres]

The store is seeded in bulk: 1,000 requesters with 10 demands each (a third open), every demand
citing a number or two. The requester measured has the worst case a person plausibly reaches:
MAX_CANDIDATES open demands, a third of them of the draft's classification, and a draft that cites
a number none of them does, so every step runs to its end (no early match). Each sample is one
sending turn's added work, timed inside its transaction, after a first statement as in a turn
whose transaction is under way: `similar_open_demand` (extraction, the candidates with the
shared-number probe, fuzzy matching), then the demand's creation event written with the
references it cites (`references.insert_event`: one statement on PostgreSQL, two on SQLite); and,
in the same transaction, the same event written alone, as a turn without the feature would. The
figure is the difference of their percentiles: how much later the turn's p50 and p99 come.
Target: p99 < 1 ms. Beside it, a `SELECT 1` in the same transaction: the floor of one round trip on
the machine at that moment (a loaded machine's p99 is its scheduler's).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from benchmarks.common import latency_figures, postgres_database, print_results  # noqa: E402

TARGET_P99_MS = 1.0
ONE = text("SELECT 1")
DEMANDS, REQUESTERS = 10_000, 1_000
CLASSIFICATIONS = (("servicos", "srv-execucao-despesa", "liberar-liquidacao"),
                   ("sistemas", "sis-erros-duvidas", "fpe"), ("sistemas", "sis-erros-duvidas", "cadin"))
DESCRIPTION = ("Bom dia. Ao liquidar o empenho {ne} no FPE a retenção do ISS é recusada com a mensagem "
               "'valor de retenção inválido'. Já conferimos a nota fiscal e o cadastro do credor (CNPJ "
               "11.222.333/0001-81) e está tudo certo; o prazo de pagamento vence nesta sexta-feira. "
               "Pedimos orientação sobre como proceder com a liquidação {nl}, caso {case}.")


# The draft measured: as long, citing numbers nobody cites, about something else (no early match).
DRAFT_DESCRIPTION = ("Prezados, o servidor não consegue acessar o módulo de conciliação bancária desde a "
                     "atualização de ontem; aparece 'usuário sem perfil' ao abrir a tela. Precisamos concluir a "
                     "conciliação do mês e emitir o relatório para a auditoria; a requisição é a 2025RQ000777 "
                     "e o processo PROA 25/1300-0001234-5. Obrigado pela atenção e aguardamos retorno breve.")


def _description(number: int) -> str:
    return DESCRIPTION.format(ne=f"2025NE{number:06d}", nl=f"2025NL{number:06d}", case=number)


async def seed(store) -> tuple[int, int]:
    """The demands, in bulk; returns (the measured requester's id, the first demand of someone else's)."""
    from sqlalchemy import insert

    from store.models import DemandReferenceRow, DemandRow, EventRow, PersonRow
    from store.similar import MAX_CANDIDATES

    now = datetime(2026, 12, 1, 12, tzinfo=timezone.utc)
    people = [{"id": i, "name": f"Pessoa {i}", "is_attendant": False, "created_at": now, "updated_at": now}
              for i in range(1, REQUESTERS + 1)]
    demands, events, references = [], [], []
    measured = 1
    for number in range(1, DEMANDS + 1):
        requester = measured if number <= MAX_CANDIDATES else 2 + number % (REQUESTERS - 1)
        open_ = requester == measured or number % 3 == 0
        type_key, category_key, subject_key = CLASSIFICATIONS[number % len(CLASSIFICATIONS)]
        demands.append({"id": number, "number": number, "protocol": f"CAGE-{number:05d}-A0B0",
                        "title": f"Liquidação {number}", "organ_key": "sefaz", "type_key": type_key,
                        "category_key": category_key, "subject_key": subject_key,
                        "description": _description(number), "status": "EM_ANDAMENTO" if open_ else "RESOLVIDO",
                        "requester_id": requester, "survey_pending": False,
                        "created_at": now - timedelta(minutes=number), "updated_at": now})
        events.append({"id": number, "demand_id": number, "kind": "created", "author_id": requester,
                       "visibility": "public", "created_at": now})
        references += [{"demand_id": number, "event_id": number, "kind": kind, "value": f"2025{kind.upper()}{number:06d}",
                        "created_at": now} for kind in ("ne", "nl")]
    async with store.transaction() as tx:
        for table, rows in ((PersonRow, people), (DemandRow, demands), (EventRow, events),
                            (DemandReferenceRow, references)):
            for start in range(0, len(rows), 1000):
                await tx.session.execute(insert(table.__table__), rows[start:start + 1000])
    if store.dialect == "postgresql":
        async with store.engine.begin() as connection:
            for table in ("people", "demands", "events", "demand_references"):
                await connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                              f"(SELECT max(id) FROM {table}))"))
            await connection.execute(text("ANALYZE"))
    return measured, MAX_CANDIDATES + 1


async def measure(url: str, samples: int, folder: Path) -> dict:
    from dataclasses import replace

    from samples import DRAFT  # tests/ is on sys.path (benchmarks.common)
    from store import Actor, Store, references

    store = await Store.open(url, attachments_dir=folder)
    try:
        person, others = await seed(store)
        actor = Actor(person)
        draft = replace(DRAFT, type_key=CLASSIFICATIONS[0][0], category_key=CLASSIFICATIONS[0][1],
                        subject_key=CLASSIFICATIONS[0][2], subject_detail=None, description=DRAFT_DESCRIPTION)
        texts = (draft.title, draft.description)
        similar_s, cited_s, alone_s, floor_s = [], [], [], []
        for sample in range(samples + 50):  # the first 50 warm statements and connections up
            async with store.transaction() as tx:
                # The sending turn has begun its transaction long before (tx.open_turn): on
                # PostgreSQL the BEGIN goes out with the first statement, and it is not this work's.
                await tx.session.execute(ONE)
                started = time.perf_counter()
                found = await tx.similar_open_demand(actor, draft)
                checked = time.perf_counter()
                # What open_demand writes: the same texts, on a demand that does not cite them yet
                # (someone else's: the measured requester's demands must stay unlike the draft).
                event = {"demand_id": others + sample, "kind": "created", "author_id": person, "text": None,
                         "data": None, "visibility": "public", "created_at": tx.now()}
                await references.insert_event(tx.session, event, references.cited_anew(texts))
                cited = time.perf_counter()
                await references.insert_event(tx.session, event, ())
                alone = time.perf_counter()
                # The floor on this machine at this moment: one trivial round trip.
                await tx.session.execute(ONE)
                floor_s.append(time.perf_counter() - alone)
            assert found is None, "the measured draft must run every step of the check"
            if sample >= 50:
                similar_s.append(checked - started)
                cited_s.append(cited - checked)
                alone_s.append(alone - cited)
    finally:
        await store.close()
    # What the turn's p50 and p99 gain: its part with the feature (the check, then the event with
    # its references) against the same part without (the event alone), percentile against percentile.
    check, cited, alone = latency_figures(similar_s), latency_figures(cited_s), latency_figures(alone_s)
    with_feature = latency_figures([check_s + event_s for check_s, event_s in zip(similar_s, cited_s)])
    floor = latency_figures(floor_s[50:])
    return {"demands": DEMANDS, "samples": samples,
            **{key: round(with_feature[key] - alone[key], 2) for key in ("p50_ms", "p99_ms")},
            "with_p50_ms": with_feature["p50_ms"], "with_p99_ms": with_feature["p99_ms"],
            "select_1_p50_ms": floor["p50_ms"], "select_1_p99_ms": floor["p99_ms"],
            "similar_p50_ms": check["p50_ms"], "similar_p99_ms": check["p99_ms"],
            "event_cited_p50_ms": cited["p50_ms"], "event_cited_p99_ms": cited["p99_ms"],
            "event_alone_p50_ms": alone["p50_ms"], "event_alone_p99_ms": alone["p99_ms"]}


async def run(quick: bool = False, postgres: bool = True) -> dict:
    samples = 300 if quick else 2_000
    results: dict = {"benchmark": "references", "target_p99_ms": TARGET_P99_MS, "runs": []}
    with tempfile.TemporaryDirectory() as folder:
        figures = await measure(f"sqlite+aiosqlite:///{folder}/references.db", samples, Path(folder))
        results["runs"].append({"database": "sqlite", **figures})
        if postgres:
            try:
                async with postgres_database() as url:
                    figures = await measure(url, samples, Path(folder))
                results["runs"].append({"database": "postgresql", **figures})
            except OSError as error:
                results["postgresql"] = f"not available: {error}"
    return results


def rows(results: dict) -> list[tuple[str, str, str]]:
    return [(f"references + duplicate check per send, {r['database']}, {r['demands']:,} demands",
             f"added p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms (p50/p99 check + event with references "
             f"{r['with_p50_ms']}/{r['with_p99_ms']}: check {r['similar_p50_ms']}/{r['similar_p99_ms']}, "
             f"event with references {r['event_cited_p50_ms']}/{r['event_cited_p99_ms']}; event alone "
             f"{r['event_alone_p50_ms']}/{r['event_alone_p99_ms']}; "
             f"SELECT 1 {r['select_1_p50_ms']}/{r['select_1_p99_ms']})",
             f"p99 < {results['target_p99_ms']} ms") for r in results["runs"]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    print_results(asyncio.run(run(args.quick, postgres=not args.no_postgres)), rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
