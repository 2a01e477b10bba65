"""Issue 15, item 4: the options a push offers are current once it is delivered, typed as their
number or their label as well as pressed; and a protocol's bare number is never an option."""

from __future__ import annotations

import io

from samples import DRAFT, PROFILE_FIELDS

from bot import shell
from bot.notifier import deliver_shell_pushes
from dialogs import Dialogs
from store import Actor, EventKind
from taxonomy import default_taxonomy


class Script(io.StringIO):
    def isatty(self) -> bool:
        return False


async def _ana_with_demands(store, count: int = 1) -> tuple[int, int, list[str]]:
    async with store.transaction() as tx:
        ana = await tx.ensure_person("shell", "ana", "Ana Souza")
        await tx.update_profile(ana.id, **{**PROFILE_FIELDS, "email": "ana@sefaz.rs.gov.br"})
        await tx.ensure_chat("shell", "ana", "private", person_id=ana.id)
        caio = await tx.ensure_person("telegram", "caio", "Caio Prado")
        await tx.set_attendant(caio.id, True)
        protocols = [(await tx.open_demand(Actor(ana.id), DRAFT)).protocol for _ in range(count)]
    return ana.id, caio.id, protocols


async def _talk(store, lines: list[str], capsys) -> str:
    async def after_turn(current: shell.Shell) -> None:
        await deliver_shell_pushes(store, current.user, current.show)

    await shell.run(Dialogs(store, default_taxonomy()), user="ana", name="Ana Souza",
                    stdin=Script("".join(line + "\n" for line in lines)), after_turn=after_turn)
    return capsys.readouterr().out


async def _stored_shown(store) -> list:
    async with store.transaction() as tx:
        return (await tx.load_conversation("shell", "ana", "ana"))["shown"]


async def test_one_after_the_survey_push_is_the_survey_not_a_new_demand(sqlite_store, capsys):
    ana, caio, [protocol] = await _ana_with_demands(sqlite_store)
    await _talk(sqlite_store, ["menu"], capsys)  # the menu on screen: "1. Nova demanda"
    async with sqlite_store.transaction() as tx:
        await tx.solve(Actor(caio, True), protocol, "Resolvido.")
    out = await _talk(sqlite_store, ["oi", "1", "5", "Pular"], capsys)
    push = out.index(f"Solução de Demandas | Protocolo: {protocol}")
    assert "  1. Responder pesquisa" in out[push:]
    after = out[out.index("> 1\n"):]
    assert after.startswith(f"> 1\nComo você avalia o atendimento da demanda {protocol}?")
    assert "Qual é o título" not in after and "Nova demanda" not in after.split("\n")[1]
    assert f"Avaliação 5/5 registrada para {protocol}" in out
    async with sqlite_store.transaction() as tx:
        view = await tx.get_demand(Actor(ana), protocol)
        demands = await tx.list_demands(Actor(ana), False, page=1, page_size=10)
    assert not view.survey_pending and demands.total == 1  # answered; no new demand begun


async def test_a_push_option_typed_by_its_label_and_its_options_are_stored(sqlite_store, capsys):
    ana, caio, [protocol] = await _ana_with_demands(sqlite_store)
    async with sqlite_store.transaction() as tx:
        await tx.request_info(Actor(caio, True), protocol, "Envie a nota fiscal.")
    out = await _talk(sqlite_store, ["menu"], capsys)
    assert "  1. Enviar informações" in out
    assert await _stored_shown(sqlite_store) == [[f"dm:com:{protocol}", "Enviar informações"],
                                                [f"dm:show:{protocol}", "Abrir demanda"]]
    out = await _talk(sqlite_store, ["enviar informações", "Segue a nota 4512."], capsys)
    assert f"Escreva o comentário para {protocol}" in out
    async with sqlite_store.transaction() as tx:
        [latest, *_] = await tx.timeline(Actor(ana), protocol)
    assert (latest.kind, latest.text) == (EventKind.INFO_SENT, "Segue a nota 4512.")


async def test_a_bare_protocol_number_in_the_shell_is_a_protocol(sqlite_store, capsys):
    ana, _, [first, second] = await _ana_with_demands(sqlite_store, count=2)
    out = await _talk(sqlite_store, [first, second.split("-")[1], "Obrigada, era isso."], capsys)
    card = out[out.index(f"> {first}\n"):]
    assert "  2. Comentar/anexar" in card
    typed = out[out.index("> 00002\n"):]
    assert typed.startswith(f"> 00002\n📄 {second}") and "Escreva o comentário" not in typed
    async with sqlite_store.transaction() as tx:
        for protocol in (first, second):
            assert [e.kind for e in await tx.timeline(Actor(ana), protocol)] == [EventKind.CREATED]
    async with sqlite_store.transaction() as tx:
        state = await tx.load_conversation("shell", "ana", "ana")
    assert state["flow"] == "menu"  # never at the comment step of either
