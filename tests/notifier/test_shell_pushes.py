"""The shell channel shows the pushes addressed to its user after each turn, and they can be
answered by number like any other choice."""

from __future__ import annotations

import io

from notifier_support import unsent
from samples import DRAFT, PROFILE_FIELDS

from bot import shell
from bot.notifier import deliver_shell_pushes
from dialogs import Dialogs
from store import Actor
from taxonomy import default_taxonomy


class Script(io.StringIO):
    def isatty(self) -> bool:
        return False


async def test_pushes_are_shown_after_each_turn_and_answerable(live_store, capsys):
    store = live_store
    async with store.transaction() as tx:
        ana = await tx.ensure_person("shell", "ana", "Ana Souza")
        await tx.update_profile(ana.id, **{**PROFILE_FIELDS, "email": "ana@sefaz.rs.gov.br"})
        await tx.ensure_chat("shell", "ana", "private", person_id=ana.id)
        telegram_chat = await tx.ensure_chat("telegram", "1001", "private", person_id=ana.id)
        caio = await tx.ensure_person("telegram", "caio", "Caio Prado")
        await tx.set_attendant(caio.id, True)
        protocol = (await tx.open_demand(Actor(ana.id, chat_id=telegram_chat.id), DRAFT)).protocol
    async with store.transaction() as tx:
        await tx.request_info(Actor(caio.id, True), protocol, "Envie a nota fiscal.")

    async def after_turn(current: shell.Shell) -> None:
        await deliver_shell_pushes(store, current.user, current.show)

    await shell.run(Dialogs(store, default_taxonomy()), user="ana", name="Ana Souza",
                    stdin=Script("menu\n1\nSegue a nota 4512.\n"), after_turn=after_turn)
    out = capsys.readouterr().out
    push = out.index(f"Solicitação de Informações | Protocolo: {protocol}")
    assert out.index("> menu") < push < out.index("> 1")
    assert "  1. Enviar informações" in out[push:]
    # "1" answered the push: the comment step of that demand, whose comment is the information.
    assert f"Envio de Informações | Protocolo: {protocol}" not in out  # her own action, this chat
    async with store.transaction() as tx:
        timeline = await tx.timeline(Actor(ana.id), protocol)
    assert timeline[0].kind.value == "info_sent" and timeline[0].text == "Segue a nota 4512."
    # The shell took only its own rows: the Telegram ones wait for the notifier.
    # Received (the request was the first action on it), info requested and info sent, to her Telegram chat.
    assert await unsent(store) == 3


async def test_nothing_waiting_shows_nothing(live_store):
    shown = []
    assert await deliver_shell_pushes(live_store, "nobody", shown.append) == 0 and shown == []
