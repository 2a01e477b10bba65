"""End to end: the real Application, the real dialogs and a real SQLite store, talking HTTP to the
local fake Bot API. Each test reads like the chat a servant would have."""

from __future__ import annotations

import re

import pytest

from store import Actor, parse_protocol

CHAT = 1001
PDF = b"%PDF-1.4\n% e-CAGE test document\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200)
PROTOCOL = re.compile(r"CAGE-\d{5,}-[A-Z]\d[A-Z]\d")


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def buttons(message: dict) -> list[str]:
    return [b["text"] for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


async def first_access(chat) -> None:
    """The profile every servant completes once, half by buttons, half by free text."""
    replies = await chat.says("/start")
    assert "Olá, Maria Souza" in texts(replies)
    await chat.presses("Manter")  # the name Telegram gave us
    await chat.says("maria.souza@sefaz.rs.gov.br")
    await chat.says("(51) 3214-5678")
    replies = await chat.says("Auditora do Estado")
    assert "Secretaria da Fazenda (SEFAZ)" in buttons(replies[-1])
    replies = await chat.says("sefaz")
    assert "Nova demanda" in buttons(replies[-1])


async def open_until_attachments(chat) -> list[dict]:
    await chat.presses("Nova demanda")
    replies = await chat.says("Liquidação travada no FPE <urgente>")
    assert "SEFAZ" in texts(replies)
    await chat.presses("Confirmar")
    replies = await chat.presses("Suporte Sistemas")
    assert "Erros/Dúvidas/Solicitações" in buttons(replies[-1])
    await chat.says("erros")
    await chat.presses("FPE")
    await chat.says("Execução de Despesa > Liquidação")
    return await chat.says("A liquidação 2024NL000123 está travada no FPE desde ontem & dá erro ao confirmar.")


@pytest.fixture
async def chat(api, bot):
    return api.chat(CHAT, bot)


async def test_a_whole_new_demand_with_an_album_and_a_too_large_file(api, chat, store):
    await first_access(chat)
    replies = await open_until_attachments(chat)
    assert "Pular" in buttons(replies[-1])

    replies = await chat.sends_album(documents=[("nota.pdf", PDF), ("planilha.pdf", PDF + b"2")],
                                     photos=[JPEG], caption="Prints do erro")
    assert len(replies) == 1, "one answer for the whole album"
    assert re.search(r"1\. nota\.pdf\n2\. planilha\.pdf\n3\. foto-\w+\.jpg", replies[0]["text"])
    assert len(api.downloads) == 3

    replies = await chat.sends_document("gravacao.pdf", PDF, declared_size=25 * 1024 * 1024)
    assert "mais de 20 MB" in texts(replies)
    assert len(api.downloads) == 3  # not even tried

    replies = await chat.presses("Concluir")
    summary = replies[0]
    assert "Liquidação travada no FPE <urgente>" in summary["text"]
    assert "&lt;urgente&gt;" in summary["html"]  # escaped on the way out
    replies = await chat.presses("Enviar")
    protocol = PROTOCOL.search(texts(replies)).group(0)
    assert f"<code>{protocol}</code>" in replies[0]["html"]

    # The keyboard pressed last now only shows the choice, and a tap on it is answered.
    assert buttons(api.message(CHAT, summary["message_id"])) == ["✔ Enviar"]
    await chat.presses("✔ Enviar")
    assert api.calls_of("answerCallbackQuery")[-1].params["text"] == "Você já escolheu esta opção."

    async with store.transaction() as tx:
        person = await tx.person_for_account("telegram", str(CHAT))
        demand = await tx.get_demand(Actor(person.id), protocol)
    assert demand.title == "Liquidação travada no FPE <urgente>"
    names = sorted(a.filename for a in demand.attachments)
    assert names[1:] == ["nota.pdf", "planilha.pdf"] and re.fullmatch(r"foto-\w+\.jpg", names[0])

    # A status question in free text, protocol typed loosely.
    loose = protocol.replace("-", " ").lower()
    replies = await chat.says(f"qual a situação da {loose}?")
    assert "Em Andamento" in texts(replies)
    assert f"<code>{protocol}</code>" in "".join(m.get("html", "") for m in replies)
    assert parse_protocol(loose) == protocol
    print("\n".join(api.log))  # the whole chat, as the Bot API server saw it (pytest -s)


async def test_a_press_on_a_stale_keyboard_gets_a_clear_answer(api, chat):
    replies = await chat.says("/start")
    old = replies[-1]  # "keep the name Telegram gave us?"
    await chat.says("Maria Souza Pereira")  # answered in text instead: that keyboard is now stale
    (button,) = old["reply_markup"]["inline_keyboard"][0]
    replies = await chat.presses_on(old["message_id"], button["callback_data"])
    assert "não está mais disponível" in texts(replies)
    assert api.calls_of("answerCallbackQuery"), "the press was acknowledged"
    # The conversation goes on where it was.
    assert "e-mail" in texts(replies)


async def test_voice_stickers_locations_and_edits_get_a_polite_answer(api, chat):
    mine = await api.user_says(CHAT, "/start")
    await api.taken()
    for kind, payload, expected in [
        ("voice", {"file_id": "v1", "file_unique_id": "v1", "duration": 3}, "mensagens de voz"),
        ("sticker", {"file_id": "s1", "file_unique_id": "s1", "type": "regular", "width": 512, "height": 512,
                     "is_animated": False, "is_video": False}, "figurinhas"),
        ("location", {"latitude": -30.03, "longitude": -51.23}, "localizações"),
    ]:
        replies = await chat.sends(kind, payload)
        assert expected in texts(replies) and "texto" in texts(replies)
    replies = await chat.edits(mine["message_id"], "/menu")
    assert "nova mensagem" in texts(replies)


async def test_refused_file_types_are_answered_before_download(api, chat):
    await chat.says("/start")
    replies = await chat.sends_document("setup.exe", b"MZ\x90\x00\x03", mime_type="application/x-msdownload")
    assert "setup.exe" in texts(replies) and "PDF" in texts(replies)
    assert api.downloads == [] and not api.calls_of("getFile")


async def test_english_clients_are_answered_in_english(api, bot):
    chat = api.chat(2002, bot, user=api.user(2002, "John", "Smith", language_code="en-US"))
    replies = await chat.sends("voice", {"file_id": "v1", "file_unique_id": "v1", "duration": 3})
    assert "I can't handle voice messages" in texts(replies)


async def test_chats_are_independent_and_groups_are_marked_as_groups(api, bot, store):
    maria = api.chat(3003, bot)
    group = api.chat(-100500, bot, user=api.user(4004, "Ana", "Atendente"))
    await maria.says("/start")
    await group.says("/start@ecage_test_bot")
    assert api.sent_to(3003) and api.sent_to(-100500)
    async with store.transaction() as tx:
        assert await tx.load_conversation("telegram", "-100500", "4004") is not None


async def test_refused_answers_and_edits_do_not_stop_the_conversation(api, chat):
    await chat.says("/start")
    api.fail_next("answerCallbackQuery", status=400, description="Bad Request: query is too old")
    api.fail_next("editMessageReplyMarkup", status=403, description="Forbidden: bot was blocked")
    replies = await chat.presses("Manter")
    assert "e-mail" in texts(replies)


async def test_a_page_turn_takes_its_keyboard_away_and_shows_the_next_page(api, chat):
    await first_access(chat)
    await chat.presses("Nova demanda")
    await chat.says("Preciso de ajuda com um cadastro")
    await chat.presses("Confirmar")
    replies = await chat.presses("Serviços")
    first_page = replies[-1]
    assert "Mais ▶" in buttons(first_page)
    replies = await chat.presses("Mais ▶")
    # Not "✔ Mais ▶": turning a page is no choice to show; the next page is the question now.
    assert buttons(api.message(CHAT, first_page["message_id"])) == []
    assert "◀ Anteriores" in buttons(replies[-1])
    assert set(buttons(replies[-1])).isdisjoint(set(buttons(first_page)) - {"Mais ▶"})
