"""Command line over Anexo I: `python -m taxonomy list|match|propose ...` (see --help)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Iterable, TextIO

from taxonomy.data import Entry, Taxonomy, load
from taxonomy.evaluation import evaluate, read_cases
from taxonomy.matching import LEVELS, MatchResult, Proposal

# `list types` reads naturally, so the listing also takes plural level names.
_LEVEL_NAMES = {
    "type": "type", "types": "type", "tipo": "type", "tipos": "type",
    "category": "category", "categories": "category", "categoria": "category", "categorias": "category",
    "subject": "subject", "subjects": "subject", "assunto": "subject", "assuntos": "subject",
    "organ": "organ", "organs": "organ", "orgao": "organ", "orgaos": "organ",
}
_LIST_ORDER = ("type", "category", "subject", "organ")

_DESCRIPTION = """\
Look up Anexo I of the e-CAGE Portal quick guide: demand types, categories, subjects
(the services of Quadro 1, and the systems) and organs.

Examples:
  python -m taxonomy list --level category --type orientacao
  python -m taxonomy match --level organ "secretaria da educaçao"
  python -m taxonomy match --level subject --type sistemas "erro ao salvar nota de empenho no fpe"
  printf 'sefaz\\nbrigada\\n' | python -m taxonomy match --level organ --json -
  python -m taxonomy propose "preciso liberar uma liquidação travada no FPE"
"""


def _level(value: str) -> str:
    level = _LEVEL_NAMES.get(value.lower())
    if level is None:
        raise argparse.ArgumentTypeError(
            f"unknown level {value!r}: use type, category, subject or organ"
        )
    return level


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m taxonomy",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--file", metavar="PATH", help="the Anexo I TOML file (default: taxonomy/anexo_i.toml)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")

    listing = commands.add_parser(
        "list",
        help="list the entries (key, name, and type and category where they apply)",
        description="List the entries of Anexo I, one a line: level, key, name and, where they "
        "apply, the type and the category.",
    )
    listing.add_argument(
        "level_name", nargs="?", type=_level, metavar="LEVEL",
        help="the same as --level (types, categories, subjects, organs also work)",
    )
    listing.add_argument("--level", type=_level, help="only this level: type, category, subject or organ")
    listing.add_argument("--type", metavar="KEY", help="only the categories and subjects of this type (e.g. servicos)")

    matching = commands.add_parser(
        "match",
        help="fuzzy search for a text (typos, missing accents, phrases, acronyms)",
        description="Fuzzy search for QUERY in Anexo I. Shows the trustworthy candidates, best "
        "first, scored 0 to 100; \"ambiguous\" when the first two are too close to tell apart.",
    )
    matching.add_argument(
        "--level", choices=LEVELS, default="any",
        help="where to search (default: any = everywhere). With subject, --type sistemas for the "
        "systems or --type servicos for the services of Quadro 1",
    )
    matching.add_argument("--type", metavar="KEY", help="only the categories and subjects of this type")
    matching.add_argument(
        "--category", metavar="KEY", help="with --level subject: only the subjects of this category"
    )
    matching.add_argument("--limit", type=int, default=3, metavar="N", help="at most N candidates (default: 3)")
    matching.add_argument(
        "--json", action="store_true",
        help="one JSON line per query: a list of objects with level, key, name, score, type, category",
    )
    matching.add_argument(
        "query", nargs="+", metavar="QUERY",
        help='the text to search for; "-" reads one query a line from standard input and writes one '
        "result line per query, in the same order",
    )

    proposing = commands.add_parser(
        "propose",
        help="suggest type, category and subject for a free sentence",
        description="Suggest type, category and subject from the free description of a demand.",
    )
    proposing.add_argument("--json", action="store_true", help="one JSON line per sentence")
    proposing.add_argument("text", nargs="+", metavar="TEXT", help='the sentence; "-" reads one a line from standard input')

    evaluating = commands.add_parser(
        "eval",
        help="accuracy of the proposals over labelled requests (tests/taxonomy/eval/*.toml)",
        description="Propose for each labelled request of FILE and print top-1/top-3 accuracy per "
        "level, type and language, then the misses: check an edit of the data against them.",
    )
    evaluating.add_argument("files", nargs="+", metavar="FILE", help="a TOML file of cases (see taxonomy/evaluation.py)")
    return parser


# -- output ---------------------------------------------------------------------------------------


def entry_json(entry: Entry) -> dict:
    data: dict = {"level": entry.level, "key": entry.key, "name": entry.name}
    if entry.type is not None:
        data["type"] = entry.type
    if entry.category is not None:
        data["category"] = entry.category
    if entry.acronym is not None:
        data["acronym"] = entry.acronym
    return data


def result_json(result: MatchResult) -> str:
    items = [
        {**entry_json(m.entry), "score": m.score, "ambiguous": result.ambiguous}
        for m in result.candidates
    ]
    return json.dumps(items, ensure_ascii=False)


def _where(entry: Entry) -> str:
    parts = [entry.level, entry.key]
    if entry.type:
        parts.append(f"type {entry.type}")
    if entry.category:
        parts.append(f"category {entry.category}")
    return ", ".join(parts)


def result_text(result: MatchResult) -> str:
    if not result.candidates:
        return "(no trustworthy candidate)"
    line = " | ".join(f"{m.entry.name} [{_where(m.entry)}] {m.score:.1f}" for m in result.candidates)
    return ("(ambiguous) " if result.ambiguous else "") + line


def proposal_json(proposal: Proposal | None) -> str:
    if proposal is None:
        return json.dumps(None)
    return json.dumps(
        {
            "type": entry_json(proposal.type),
            "category": entry_json(proposal.category) if proposal.category else None,
            "subject": entry_json(proposal.subject) if proposal.subject else None,
            "score": proposal.score,
            "ambiguous": proposal.ambiguous,
        },
        ensure_ascii=False,
    )


def proposal_text(proposal: Proposal | None) -> str:
    if proposal is None:
        return "(no trustworthy suggestion)"
    readings = proposal.close_call() or (proposal,)
    paths = [" > ".join(e.name for e in (p.type, p.category, p.subject) if e) + f" {p.score:.1f}" for p in readings]
    return ("(ambiguous) " if proposal.ambiguous else "") + " | ".join(paths)


def list_lines(taxonomy: Taxonomy, level: str | None, type_key: str | None) -> Iterable[str]:
    for name in _LIST_ORDER if level is None else (level,):
        for entry in taxonomy.entries(name):
            if type_key is not None and (entry.key if entry.level == "type" else entry.type) != type_key:
                continue  # organs have no type, so --type leaves them out
            extra = []
            if entry.type and entry.level != "type":
                extra.append(f"type={entry.type}")
            if entry.category:
                extra.append(f"category={entry.category}")
            if entry.acronym:
                extra.append(f"acronym={entry.acronym}")
            yield f"{entry.level:<8}  {entry.key:<40}  {entry.name}" + (f"  ({', '.join(extra)})" if extra else "")


# -- commands -------------------------------------------------------------------------------------


def _queries(words: list[str], stdin: TextIO) -> Iterable[str]:
    text = " ".join(words)
    if text == "-":
        for line in stdin:
            yield line.rstrip("\r\n")
    else:
        yield text


def main(argv: list[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        taxonomy = load(args.file)
    except ValueError as error:
        parser.exit(1, f"{parser.prog}: error: {error}\n")

    if args.command == "list":
        if args.level and args.level_name and args.level != args.level_name:
            parser.error("give the level once")
        level = args.level or args.level_name
        if args.type is not None:
            _check_type(parser, taxonomy, args.type)
        for line in list_lines(taxonomy, level, args.type):
            stdout.write(line + "\n")
        return 0

    if args.command == "match":
        if args.limit < 1:
            parser.error("--limit must be at least 1")
        if args.type is not None:
            _check_type(parser, taxonomy, args.type)
        if args.category is not None:
            if args.level != "subject" or args.type is None:
                parser.error("--category needs --level subject and --type")
            if args.category not in {c.key for c in taxonomy.categories(args.type)}:
                parser.error(f"there is no category {args.category!r} in type {args.type!r}")
        for query in _queries(args.query, stdin):
            if not query.strip():
                stdout.write(("[]" if args.json else "") + "\n")
            else:
                result = taxonomy.match(
                    query, level=args.level, type_key=args.type, category_key=args.category, limit=args.limit
                )
                stdout.write((result_json(result) if args.json else result_text(result)) + "\n")
            stdout.flush()  # one answer per line as soon as it is known, for scripts that talk to us
        return 0

    if args.command == "eval":
        for path in args.files:
            report = evaluate(taxonomy, read_cases(path))
            stdout.write(report.table(path) + "\n" + "".join(f"  miss: {miss}\n" for miss in report.misses))
        return 0

    for text in _queries(args.text, stdin):
        proposal = taxonomy.propose(text) if text.strip() else None
        stdout.write((proposal_json(proposal) if args.json else proposal_text(proposal)) + "\n")
        stdout.flush()
    return 0


def _check_type(parser: argparse.ArgumentParser, taxonomy: Taxonomy, key: str) -> None:
    try:
        taxonomy.type_entry(key)
    except KeyError:
        keys = ", ".join(t.key for t in taxonomy.types)
        parser.error(f"unknown type {key!r} (use {keys})")


if __name__ == "__main__":
    for stream in (sys.stdin, sys.stdout):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    try:
        sys.exit(main())
    except BrokenPipeError:  # `... | head`: the reader left, which is not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit
        sys.exit(0)
