"""The operator command lines: English, the same conventions, quiet when the reader leaves early."""

from __future__ import annotations

import subprocess
import sys

import pytest
from operations_support import ROOT, environment

pytestmark = pytest.mark.slow


def _into_head(tmp_path, *command: str, stdin: str = "") -> subprocess.CompletedProcess:
    """`COMMAND < input | head -1`, the way a shell runs it."""
    (tmp_path / "input.txt").write_text(stdin)
    with open(tmp_path / "input.txt") as given:
        producer = subprocess.Popen([sys.executable, "-m", *command], stdin=given, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, cwd=ROOT, env=environment(tmp_path), text=True)
        head = subprocess.run(["head", "-1"], stdin=producer.stdout, capture_output=True, text=True, timeout=90)
        producer.stdout.close()  # only head held the pipe, and it has left
        err = producer.stderr.read()
        producer.wait(timeout=90)
    return subprocess.CompletedProcess(command, producer.returncode, head.stdout, err)


def test_taxonomy_into_a_closed_pipe(tmp_path):
    result = _into_head(tmp_path, "taxonomy", "list")
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith("type ")


def test_the_shell_into_a_closed_pipe(tmp_path):
    lines = "\n".join(["oi", "menu", "ajuda", "menu"] * 40) + "\n"
    result = _into_head(tmp_path, "bot", "shell", "--user", "u1", stdin=lines)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "BrokenPipeError" not in result.stderr
    assert result.stdout == "> oi\n"


def test_the_taxonomy_cli_speaks_english():
    def taxonomy(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "taxonomy", *args], capture_output=True, text=True,
                              cwd=ROOT, timeout=60)

    assert "Look up Anexo I" in taxonomy("--help").stdout
    assert "at most N candidates" in taxonomy("match", "--help").stdout
    assert taxonomy("match", "xyzzy qwerty").stdout == "(no trustworthy candidate)\n"
    assert "type=orientacao" in taxonomy("list", "categories", "--type", "orientacao").stdout
    refused = taxonomy("list", "--type", "nenhum")
    assert refused.returncode == 2 and "error: unknown type 'nenhum'" in refused.stderr
