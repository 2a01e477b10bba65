"""The shell in-process: the after-turn hook the notifier will use to print pushes."""

from __future__ import annotations

import io

from bot import shell
from dialogs import Dialogs
from taxonomy import default_taxonomy


class Script(io.StringIO):
    def isatty(self) -> bool:
        return False


async def test_after_turn_runs_after_every_message(sqlite_store, capsys):
    seen = []

    async def after_turn(current: shell.Shell) -> None:
        seen.append(len(current.last_choices))
        current.print("(aviso do notificador)")

    code = await shell.run(Dialogs(sqlite_store, default_taxonomy()), user="h1", stdin=Script("oi\n\n1\n"),
                           after_turn=after_turn)
    assert code == 0 and seen == [1, 0]  # blank lines are not messages
    out = capsys.readouterr().out
    assert out.count("(aviso do notificador)") == 2
    assert out.index("> 1\n") < out.index("Qual e-mail")
