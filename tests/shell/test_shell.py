"""The real `python -m bot shell` process, driven by piped scripts."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from samples import CARGO, EMAIL, PDF, PHONE

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]

PROFILE = ["oi", "1", EMAIL, PHONE, CARGO, "sefaz"]
NEW_DEMAND = ["1", "Liberar liquidação do empenho 123", "sim", "serviços", "execução da despesa",
              "liberar liquidação", "A liquidação está travada desde ontem.", "/anexo {pdf}", "concluir", "enviar"]


def run_bot(tmp_path: Path, lines: list[str], *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("TELEGRAM_BOT_TOKEN", "MICROSOFT_APP_ID")}
    environment.update({
        "ECAGE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'ecage.db'}",
        "ECAGE_ATTACHMENTS_DIR": str(tmp_path / "attachments"),
        "PYTHONPATH": str(ROOT),
    })
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot", *args], input="\n".join(lines) + "\n", text=True,
                          capture_output=True, cwd=tmp_path, env=environment, timeout=60)


@pytest.fixture
def pdf(tmp_path) -> Path:
    path = tmp_path / "nota.pdf"
    path.write_bytes(PDF)
    return path


def test_a_piped_conversation_opens_follows_comments_cancels_and_reopens(tmp_path, pdf):
    first = run_bot(tmp_path, PROFILE + [line.format(pdf=pdf) for line in NEW_DEMAND],
                    "shell", "--user", "u1", "--name", "Maria Silva")
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "> oi\nOlá, Maria Silva!" in out
    assert "  1. Nova demanda\n  2. Minhas demandas ativas" in out
    assert "Anexos: nota.pdf" in out
    protocol = re.search(r"Demanda criada! Protocolo: (CAGE-\d{5}-[A-Z]\d[A-Z]\d)", out).group(1)

    number = protocol.split("-")[1]
    # A second process on the same database: the same person, their demand, every follow-up.
    second = run_bot(tmp_path, [
        f"qual a situação da {protocol.lower()}?", "linha do tempo", "2", "Segue a nota de empenho.",
        f"andamento da {number}", "3", "sim", f"reabrir {protocol}", "Preciso corrigir o valor.",
        "todas as demandas",
    ], "shell", "--user", "u1")
    assert second.returncode == 0, second.stderr
    out = second.stdout
    assert f"📄 {protocol} — Liberar liquidação do empenho 123" in out and "Situação: Em Andamento" in out
    assert f"Linha do tempo de {protocol}" in out
    assert "Comentário registrado" in out
    assert "Confirma o cancelamento" in out and f"Demanda {protocol} cancelada" in out
    assert f"Demanda {protocol} reaberta (situação: Em Andamento)" in out
    assert "Todas as demandas — página 1 de 1 (1 no total)" in out


def test_a_conversation_continues_in_a_new_process(tmp_path):
    run_bot(tmp_path, PROFILE + ["1", "Título da demanda"], "shell", "--user", "u2")
    later = run_bot(tmp_path, ["sim"], "shell", "--user", "u2")
    assert "> sim\nQual é o tipo da demanda?" in later.stdout


def test_numbers_pick_from_the_last_list_and_missing_files_are_reported(tmp_path):
    result = run_bot(tmp_path, PROFILE + ["6", "/anexo /nao/existe.pdf"], "shell", "--user", "u3")
    assert result.returncode == 0
    assert "> 6\nAjuda do Portal e-CAGE no chat." in result.stdout  # 6 = "Ajuda" of the menu
    assert "(arquivo não encontrado: /nao/existe.pdf)" in result.stdout


def test_printed_numbers_are_the_numbers_accepted(tmp_path):
    # Categories of Serviços: 4 pages. Page turns are printed last, without a number.
    to_page_two = PROFILE + ["1", "Título da demanda", "sim", "serviços", "mais"]
    shown = run_bot(tmp_path, to_page_two, "shell", "--user", "u6").stdout
    page_two = shown.rsplit("> mais\n", 1)[1]
    assert "(página 2 de 4)" in page_two
    assert page_two.rstrip().endswith("  ◀ Anteriores\n  Mais ▶")
    numbered = re.findall(r"^  (\d+)\. (.+)$", page_two, flags=re.M)
    assert [int(n) for n, _ in numbered] == list(range(1, len(numbered) + 1))
    beyond = str(len(numbered) + 1)  # where "◀ Anteriores" was numbered
    # Each number printed picks its option; the one after them is text, not a page turn.
    result = run_bot(tmp_path, [beyond, numbered[-1][0], "voltar"], "shell", "--user", "u6")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"> {beyond}\nNão encontrei “{beyond}”" in out
    picked = numbered[-1][1]
    assert f"> {numbered[-1][0]}\n✔ {picked}" in out or f"> {numbered[-1][0]}\nQual é o serviço" in out
    # Back at the category (page 1): the numbers of the first time, "Manter" after the options.
    page_one = re.findall(r"^  (\d+)\. (.+)$", shown.rsplit("> serviços\n", 1)[1].split("> mais\n")[0],
                          flags=re.M)
    back = out.rsplit("> voltar\n", 1)[1]
    again = re.findall(r"^  (\d+)\. (.+)$", back, flags=re.M)
    assert again == page_one + [(str(len(page_one) + 1), "Manter")]
    assert back.rstrip().endswith(f"  {len(page_one) + 1}. Manter\n  Mais ▶")
    assert f"Atual: {picked}" in back
    with sqlite3.connect(tmp_path / "ecage.db") as db:
        [(state,)] = db.execute("select state from conversations where user_id = 'u6'").fetchall()
    state = json.loads(state)
    assert state["step"] == "category" and state["draft"]["category_key"]
    # The page as printed, then the rest of the list, which a pressed id may still pick (Teams shows it all).
    page = [entry for entry in state["shown"] if entry[2:] != ["listed"]]
    assert state["shown"][:len(page)] == page and len(state["shown"]) > len(page)
    assert page[-1] == ["pg:next", "Mais ▶", True]
    assert [label for _, label in page[:-1]] == [label for _, label in again]


def test_english_locale(tmp_path):
    result = run_bot(tmp_path, ["hello"], "shell", "--user", "u4", "--name", "John", "--locale", "en")
    assert "Hello, John!" in result.stdout and "What is your full name?" in result.stdout


def test_python_m_bot_without_channels_opens_the_shell(tmp_path):
    result = run_bot(tmp_path, ["oi"], env={"USER": "servidor", "LOGNAME": "servidor"})
    assert result.returncode == 0, result.stderr
    assert "> oi\nOlá, servidor!" in result.stdout


def test_empty_input_exits_cleanly(tmp_path):
    result = run_bot(tmp_path, [], "shell", "--user", "u5")
    assert result.returncode == 0 and result.stdout.strip() == ""


def test_a_long_script_is_never_flood_limited(tmp_path, pdf):
    # The flood guard protects network chats; the local terminal answers every line however fast.
    lines = PROFILE + [line.format(pdf=pdf) for line in NEW_DEMAND] + ["menu", "2", "menu", "3"] * 5
    result = run_bot(tmp_path, lines, "shell", "--user", "u1")
    assert result.returncode == 0, result.stderr
    assert "rápido demais" not in result.stdout
    assert result.stdout.count("O que você deseja fazer?") >= 10


# --- start-up checks (bot/preflight.py): one line on stderr, exit code 2, before anyone is served ---

def _refused_to_start(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    [line] = result.stderr.splitlines()  # one line, no traceback
    assert line.startswith("e-CAGE Chat cannot start: ")
    return line


@pytest.mark.parametrize("attachments", ["a-file", "a-file/inside"])
def test_an_attachments_directory_that_cannot_be_written_stops_the_start(tmp_path, attachments):
    (tmp_path / "a-file").write_text("a file where the directory should be")
    environment = {"ECAGE_ATTACHMENTS_DIR": str(tmp_path / attachments)}
    line = _refused_to_start(run_bot(tmp_path, ["oi"], "shell", "--user", "u7", env=environment))
    assert f"attachments directory '{tmp_path / attachments}' (ECAGE_ATTACHMENTS_DIR)" in line
    # Operator tasks need no attachments: they still run.
    assert run_bot(tmp_path, [], "admin", "outbox", env=environment).returncode == 0


def test_a_database_migrated_by_newer_code_stops_the_start(tmp_path):
    assert run_bot(tmp_path, ["oi"], "shell", "--user", "u8").returncode == 0
    with sqlite3.connect(tmp_path / "ecage.db") as db:
        db.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    line = _refused_to_start(run_bot(tmp_path, ["oi"], "shell", "--user", "u8"))
    assert "schema revision 0099_from_the_future, newer than this code knows" in line
    with sqlite3.connect(tmp_path / "ecage.db") as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [("0099_from_the_future",)]
