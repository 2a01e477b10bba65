"""`python -m taxonomy`, run as a separate process the way operators and scripts run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def run(*args: str, stdin: str | None = None, hash_seed: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if hash_seed is not None:
        env["PYTHONHASHSEED"] = hash_seed
    return subprocess.run(
        [sys.executable, "-m", "taxonomy", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=env,
        timeout=60,
    )


def test_help_describes_the_commands():
    result = run("--help")
    assert result.returncode == 0
    assert "list" in result.stdout and "match" in result.stdout and "propose" in result.stdout
    match_help = run("match", "--help")
    assert match_help.returncode == 0 and "--level" in match_help.stdout and "--json" in match_help.stdout


def test_list_types_and_filtered_categories():
    types = run("list", "--level", "type")
    assert types.returncode == 0
    assert [line.split()[1] for line in types.stdout.splitlines()] == ["servicos", "orientacao", "sistemas"]
    assert run("list", "types").stdout == types.stdout

    categories = run("list", "--level", "category", "--type", "orientacao").stdout.splitlines()
    assert len(categories) == 19
    assert all(line.split()[1].startswith("ori-") and "type=orientacao" in line for line in categories)

    services = run("list", "--level", "subject", "--type", "servicos").stdout
    assert "Liberar liquidação" in services and "category=srv-execucao-despesa" in services


def test_list_everything_includes_organs():
    result = run("list")
    assert result.returncode == 0
    assert any(line.startswith("organ") and "SEFAZ" in line for line in result.stdout.splitlines())


def test_match_json_systems_and_services():
    systems = run("match", "--level", "subject", "--type", "sistemas", "--json", "erro ao salvar nota de empenho no fpe")
    assert systems.returncode == 0
    [line] = systems.stdout.splitlines()
    top = json.loads(line)[0]
    assert (top["level"], top["key"], top["name"], top["type"]) == ("subject", "fpe", "FPE", "sistemas")
    assert 0 < top["score"] <= 100

    services = json.loads(run("match", "--level", "subject", "--type", "servicos", "--json", "conciliaçao patrimonial").stdout)
    assert services[0]["key"] == "conciliacao-patrimonial"
    assert services[0]["category"] == "srv-controle-contabil" and services[0]["type"] == "servicos"


def test_match_query_in_several_words_and_limit():
    result = json.loads(run("match", "--level", "subject", "--type", "servicos", "--limit", "1", "--json", "conciliação", "bancária").stdout)
    assert [item["key"] for item in result] == ["conciliacao-bancaria"]


def test_match_reads_one_query_per_line_from_stdin_json():
    lines = ["secretaria da educaçao", "", "sefaz", "asdfgh", "brigada", "bom dia"]
    result = run("match", "--level", "organ", "--json", "-", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == len(lines)
    assert [items[0]["key"] if items else None for items in out] == [
        "seduc", None, "sefaz", None, "brigada-militar", None,
    ]
    assert all({"level", "key", "name", "score"} <= set(item) for items in out for item in items)


def test_match_reads_stdin_readable_lines():
    lines = ["conciliaçao patrimonial", "", "qual a previsão do tempo", "estorno de pagamento"]
    result = run("match", "--level", "subject", "--type", "servicos", "-", stdin="\n".join(lines))
    out = result.stdout.split("\n")
    assert out[-1] == "" and len(out) == len(lines) + 1  # one line per query, newline-terminated
    assert out[0].startswith("Conciliação patrimonial")
    assert out[1] == ""
    assert out[2] == "(no trustworthy candidate)"
    assert out[3].startswith("Controle do Estorno de Pagamento")


def test_output_does_not_depend_on_the_process_hash_seed():
    queries = "\n".join(["conciliação", "contratos", "cadastro", "secretaria", "treinamento no fpe", "transparência"])
    outputs = {run("match", "--limit", "10", "--json", "-", stdin=queries, hash_seed=seed).stdout for seed in ("1", "2", "3")}
    assert len(outputs) == 1


def test_match_any_level_marks_ambiguity():
    out = run("match", "--level", "category", "contratos").stdout
    assert out.startswith("(ambiguous) Contratos")


def test_propose_json():
    result = run("propose", "--json", "quais os requisitos para aditivar um convênio")
    proposal = json.loads(result.stdout)
    assert proposal["type"]["key"] == "orientacao"
    assert proposal["category"]["key"] == "ori-convenios"
    assert proposal["subject"] is None
    assert json.loads(run("propose", "--json", "bom dia").stdout) is None


def test_bad_arguments_are_refused_in_portuguese():
    unknown_type = run("match", "--type", "nope", "fpe")
    assert unknown_type.returncode == 2 and "unknown type" in unknown_type.stderr
    bad_level = run("match", "--level", "sistema", "fpe")
    assert bad_level.returncode == 2
    wrong_category = run("match", "--level", "subject", "--type", "servicos", "--category", "sis-acesso-cadastro", "fpe")
    assert wrong_category.returncode == 2 and "there is no category" in wrong_category.stderr


def test_eval_prints_the_accuracy_of_a_labelled_file(tmp_path):
    cases = tmp_path / "cases.toml"
    cases.write_text('[pt]\ncases = [\n  ["liberar liquidação", "servicos", "srv-execucao-despesa", "liberar-liquidacao"],\n'
                     '  ["bom dia", "servicos", "srv-contratos", "desbloquear-contrato"],\n]\n', encoding="utf-8")
    result = run("eval", str(cases))
    assert result.returncode == 0
    assert "2 cases" in result.stdout and "50.0%" in result.stdout
    assert "miss: 'bom dia'" in result.stdout


def test_a_close_call_prints_its_readings():
    result = run("propose", "solicitação de transferência de numerário")
    assert result.returncode == 0 and result.stdout.startswith("(ambiguous) ")
    assert "Solicitação de transferência de numerário" in result.stdout and " | " in result.stdout
