"""Updates Telegram should never send but a proxy or a bug might: a message or a button press
whose chat or sender is missing or has a null id, an update python-telegram-bot cannot read
(polling passes it over; the webhook answers it 400). No turn runs and nothing is written (no chat,
person or conversation "None"); the update is acknowledged (the webhook answers 200, polling
moves on) and logged once, without its text; the next normal update gets its answer."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from sqlalchemy import func, or_, select

from bot.http import create_app
from store.models import ChannelAccountRow, ChatRow, ConversationRow, PersonRow

PRIVATE_CHAT = 1001
SECRET_TEXT = "segredo-do-corpo-da-mensagem"
WEBHOOK_SECRET = "s3cret-Token_for-tests"
OUTGOING = ("sendMessage", "sendDocument", "editMessageText", "editMessageReplyMarkup", "answerCallbackQuery")


def _user(user_id: object) -> dict:
    return {"id": user_id, "is_bot": False, "first_name": "Maria", "language_code": "pt-br"}


def _chat(chat_id: object) -> dict:
    return {"id": chat_id, "type": "private", "first_name": "Maria"}


def _message(chat: dict | None, sender: dict | None) -> dict:
    message = {"message_id": 77, "date": 0, "text": SECRET_TEXT}
    if chat is not None:
        message["chat"] = chat
    if sender is not None:
        message["from"] = sender
    return message


def _press(chat: dict | None, sender: dict | None) -> dict:
    query = {"id": "q-bad", "chat_instance": "c", "data": SECRET_TEXT,
             "message": {"message_id": 5, "date": 0, "text": SECRET_TEXT, "chat": chat or _chat(PRIVATE_CHAT),
                         "from": {"id": 1, "is_bot": True, "first_name": "Bot"}}}
    if sender is not None:
        query["from"] = sender
    return {"callback_query": query}


MALFORMED = {
    "message, chat id null": {"message": _message(_chat(None), _user(PRIVATE_CHAT))},
    "message, no chat": {"message": _message(None, _user(PRIVATE_CHAT))},
    "message, sender id null": {"message": _message(_chat(PRIVATE_CHAT), _user(None))},
    "message, no sender": {"message": _message(_chat(PRIVATE_CHAT), None)},
    "message, chat id a string": {"message": _message(_chat("abc"), _user(PRIVATE_CHAT))},
    "edit, chat id null": {"edited_message": _message(_chat(None), _user(PRIVATE_CHAT))},
    "edit, sender id null": {"edited_message": _message(_chat(PRIVATE_CHAT), _user(None))},
    "press, chat id null": _press(_chat(None), _user(PRIVATE_CHAT)),
    "press, sender id null": _press(None, _user(None)),
    "press, no sender": _press(None, None),
}


@pytest.fixture(params=["polling", "webhook"])
async def channel(request, api, start_bot, http_port) -> AsyncIterator[object]:
    if request.param == "polling":
        yield await start_bot()
        return
    url = f"http://127.0.0.1:{http_port}/telegram/hook"
    started = await start_bot(telegram_webhook_url=url, telegram_webhook_secret=WEBHOOK_SECRET)
    runner = web.AppRunner(create_app(telegram=started.webhook))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", http_port).start()
    yield started
    await runner.cleanup()


async def _count(store, model, *where) -> int:
    async with store.engine.connect() as connection:
        return await connection.scalar(select(func.count()).select_from(model).where(*where))


async def _rows_named_none(store) -> int:
    return (await _count(store, ChatRow, ChatRow.chat_id == "None")
            + await _count(store, ChannelAccountRow, ChannelAccountRow.channel_user_id == "None")
            + await _count(store, ConversationRow, or_(ConversationRow.chat_id == "None",
                                                       ConversationRow.user_id == "None")))


@pytest.mark.parametrize("update", MALFORMED.values(), ids=MALFORMED.keys())
async def test_a_malformed_update_runs_no_turn_writes_nothing_and_the_next_one_is_answered(
        api, channel, store, caplog, update):
    caplog.set_level(logging.INFO)
    await api.send_raw_update(update)
    await api.taken()
    await channel.drain()

    assert [call.method for call in api.calls if call.method in OUTGOING] == []
    for model in (PersonRow, ChannelAccountRow, ChatRow, ConversationRow):
        assert await _count(store, model) == 0, model.__tablename__
    warnings = [r for r in caplog.records if r.name == "bot.telegram.channel" and r.levelno == logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "Ignored Telegram update" in warnings[0].getMessage()
    assert SECRET_TEXT not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    if channel.webhook_mode:
        assert api.webhook_statuses == [200]  # acknowledged: Telegram does not resend it

    replies = await api.chat(PRIVATE_CHAT, channel).says("/start")
    assert "Olá, Maria Souza" in replies[0]["text"]
    assert await _count(store, ChatRow, ChatRow.chat_id == str(PRIVATE_CHAT)) == 1
    assert await _rows_named_none(store) == 0
    sent_to = {str(call.params.get("chat_id")) for call in api.calls if call.method in OUTGOING[:2]}
    assert sent_to == {str(PRIVATE_CHAT)}


# A ban without the `until_date` Telegram always sends: python-telegram-bot cannot read it. Read
# with its batch, it made every later getUpdates fail on it, for ever: no chat was answered again.
UNREADABLE = {"my_chat_member": {
    "chat": _chat(PRIVATE_CHAT), "from": _user(PRIVATE_CHAT), "date": 0,
    "old_chat_member": {"user": {"id": 1, "is_bot": True, "first_name": "Bot"}, "status": "member"},
    "new_chat_member": {"user": {"id": 1, "is_bot": True, "first_name": "Bot"}, "status": "kicked"}}}


async def test_an_update_the_library_cannot_read_is_passed_over_and_polling_goes_on(api, start_bot, caplog):
    channel = await start_bot()
    await api.send_raw_update(UNREADABLE)
    replies = await api.chat(PRIVATE_CHAT, channel).says("/start")
    assert "Olá, Maria Souza" in replies[0]["text"]
    [warning] = [r.getMessage() for r in caplog.records if r.name == "bot.telegram.polling" and "Ignored" in r.getMessage()]
    assert "python-telegram-bot cannot read it" in warning
