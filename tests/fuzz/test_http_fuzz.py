"""Hostile input at the HTTP endpoints: property-based fuzzing of Telegram updates and Bot
Framework activities (wrong types, missing and extra fields, deep nesting, huge strings, invalid
UTF-8). The server never answers 5xx, keeps serving, and over-limit bodies get 413 unread."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest
from fakes.connector import BOT_ID, BOT_NAME
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.http import MAX_BODY_BYTES, MAX_TEAMS_BODY_BYTES, TELEGRAM_SECRET_HEADER

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# --- strategies -----------------------------------------------------------------------------------

json_leaf = (st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False)
             | st.text(max_size=40))
json_value = st.recursive(
    json_leaf,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=15)


@st.composite
def mutated(draw, value):
    """`value` with, here and there, a field dropped, given a value of another type, or a field
    added; the rest kept, so the payload goes deep into the parsers before something is wrong."""
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            action = draw(st.sampled_from(("keep", "keep", "keep", "keep", "drop", "retype")))
            if action == "keep":
                result[key] = draw(mutated(item))
            elif action == "retype":
                result[key] = draw(json_value)
        result.update(draw(st.dictionaries(st.text(max_size=12), json_value, max_size=2)))
        return result
    if isinstance(value, list):
        return [draw(mutated(item)) for item in value]
    return draw(st.sampled_from((value, value, value, None))) if draw(st.booleans()) else draw(json_value)


def _telegram_user(user_id: int) -> dict:
    return {"id": user_id, "is_bot": False, "first_name": "Fuzz", "language_code": "pt-br"}


def _telegram_message(chat_id: int, text: str) -> dict:
    return {"message_id": 7, "date": 1700000000, "text": text, "from": _telegram_user(chat_id),
            "chat": {"id": chat_id, "type": "private", "first_name": "Fuzz"},
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}


TELEGRAM_TEMPLATES = (
    {"update_id": 1, "message": _telegram_message(501, "/start")},
    {"update_id": 2, "edited_message": {**_telegram_message(502, "menu"), "edit_date": 1700000001}},
    {"update_id": 3, "callback_query": {"id": "q1", "from": _telegram_user(503), "chat_instance": "503",
                                        "data": "menu:new", "message": {**_telegram_message(503, "oi"),
                                                                        "from": {"id": 4242, "is_bot": True,
                                                                                 "first_name": "e-CAGE"}}}},
    {"update_id": 4, "message": {**_telegram_message(504, "doc"), "document": {
        "file_id": "F1", "file_unique_id": "U1", "file_name": "a.pdf", "file_size": 10}}},
    {"update_id": 5, "message": {**_telegram_message(505, "album"), "media_group_id": "g1", "photo": [
        {"file_id": "F2", "file_unique_id": "U2", "width": 1, "height": 1}]}},
)


def _activity(service_url: str, **extra) -> dict:
    return {"type": "message", "id": "act-1", "timestamp": "2025-02-03T13:00:00.000Z", "serviceUrl": service_url,
            "channelId": "msteams", "from": {"id": "29:fuzz", "name": "Fuzz", "aadObjectId": "aad-fuzz"},
            "conversation": {"id": "a:fuzz", "conversationType": "personal", "tenantId": "t"},
            "recipient": {"id": BOT_ID, "name": BOT_NAME}, "locale": "pt-BR",
            "channelData": {"tenant": {"id": "t"}}, **extra}


def teams_templates(service_url: str) -> tuple[dict, ...]:
    return (
        _activity(service_url, text="oi", textFormat="plain"),
        _activity(service_url, value={"choice": "menu:new"}),
        _activity(service_url, text="anexo", attachments=[{"contentType": "application/pdf", "name": "a.pdf",
                                                           "contentUrl": f"{service_url}attachments/a.pdf"}]),
        _activity(service_url, type="conversationUpdate", membersAdded=[{"id": BOT_ID, "name": BOT_NAME}]),
        _activity(service_url, type="invoke", name="adaptiveCard/action",
                  value={"action": {"type": "Action.Execute", "data": {"choice": "menu"}}}),
    )


@st.composite
def encoded(draw, payloads):
    """A payload as bytes on the wire: JSON, sometimes with invalid UTF-8 spliced in."""
    body = json.dumps(draw(payloads), ensure_ascii=draw(st.booleans())).encode()
    if draw(st.integers(0, 5)) == 0:
        at = draw(st.integers(0, len(body)))
        body = body[:at] + draw(st.sampled_from((b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x80\x80"))) + body[at:]
    return body


raw_bytes = st.binary(max_size=300)


# --- helpers --------------------------------------------------------------------------------------

async def post(url: str, body: bytes, headers: dict) -> int:
    async with aiohttp.ClientSession() as http:
        async with http.post(url, data=body, headers=headers) as response:
            await response.read()
            return response.status


async def still_serving(server) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{server.base}/healthz") as response:
            assert response.status == 200


def telegram_headers(server) -> dict:
    return {TELEGRAM_SECRET_HEADER: server.secret, "Content-Type": "application/json"}


JSON = {"Content-Type": "application/json"}


# --- Telegram -------------------------------------------------------------------------------------

def as_update(payload: dict, update_id: int) -> dict:
    """Keep the update_id well formed, so the rest of the update reaches python-telegram-bot and
    the channel rather than stopping at the first check."""
    return {**payload, "update_id": update_id}


deep_updates = st.builds(as_update, st.sampled_from(TELEGRAM_TEMPLATES).flatmap(mutated), st.integers(1, 10**9))


@FUZZ
@given(body=encoded(deep_updates))
async def test_telegram_webhook_takes_or_refuses_mutated_updates_without_5xx(server, body):
    status = await post(server.telegram_url, body, telegram_headers(server))
    assert status in (200, 400), (status, body[:200])


@FUZZ
@given(body=encoded(st.sampled_from(TELEGRAM_TEMPLATES).flatmap(mutated)) | encoded(json_value) | raw_bytes)
async def test_telegram_webhook_refuses_anything_else_with_400(server, body):
    status = await post(server.telegram_url, body, telegram_headers(server))
    assert status in (200, 400), (status, body[:200])


def variants(value, wrong=([], {}, "x", -1, None, 2**70, True, 1.5)):
    """Deterministic mutations: every field of `value`, in turn, dropped or given each wrong value."""
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        yield {k: v for k, v in value.items() if k != key}
        for bad in wrong:
            yield {**value, key: bad}
        for changed in variants(item, wrong):
            yield {**value, key: changed}


async def test_after_every_single_field_mutation_the_bot_still_answers(server):
    sent = 0
    for template in TELEGRAM_TEMPLATES:
        for variant in variants(template):
            status = await post(server.telegram_url, json.dumps(as_update(variant, 10 + sent)).encode(),
                                telegram_headers(server))
            assert status in (200, 400), variant
            sent += 1
    await server.telegram.drain()
    errors = [call for call in server.api.calls if call.method == "sendMessage"
              and "algo deu errado" in str(call.params.get("text"))]
    assert not errors, errors[:3]
    replies = await server.api.chat(9001, server.telegram).says("/start")
    assert "Olá" in replies[0]["text"]


# --- Teams ----------------------------------------------------------------------------------------

def as_activity(payload: dict, service_url: str) -> dict:
    # Replies go to serviceUrl: keep it on the fake connector rather than anywhere on the network.
    return {**payload, "serviceUrl": service_url} if "serviceUrl" in payload else payload


@FUZZ
@given(data=st.data())
async def test_teams_endpoint_takes_or_refuses_mutated_activities_without_5xx(server, data):
    service_url = server.connector.service_url
    activity = data.draw(st.sampled_from(teams_templates(service_url)).flatmap(mutated))
    body = data.draw(encoded(st.just(as_activity(activity, service_url))))
    status = await post(server.teams_url, body, JSON)
    assert status < 500, (status, body[:300])


@FUZZ
@given(body=encoded(json_value) | raw_bytes)
async def test_teams_endpoint_refuses_anything_else_with_4xx(server, body):
    status = await post(server.teams_url, body, JSON)
    assert 400 <= status < 500, (status, body[:300])


async def test_teams_after_every_single_field_mutation_the_bot_still_answers(server):
    service_url = server.connector.service_url
    for template in teams_templates(service_url):
        for variant in variants(template):
            status = await post(server.teams_url, json.dumps(as_activity(variant, service_url)).encode(), JSON)
            assert status < 500, variant
    await still_serving(server)


async def test_an_invoke_is_acknowledged_not_left_to_the_sdks_501(server):
    [_, _, _, _, invoke] = teams_templates(server.connector.service_url)
    async with aiohttp.ClientSession() as http:
        async with http.post(server.teams_url, data=json.dumps(invoke).encode(), headers=JSON) as response:
            assert response.status == 200
            assert (await response.json())["statusCode"] == 200  # a body Teams reads, not null


async def test_an_activity_with_ids_of_the_wrong_type_gets_400(server):
    [message, *_] = teams_templates(server.connector.service_url)
    for broken in ({**message, "id": {}}, {**message, "conversation": {"id": 5}}, {**message, "from": []}):
        assert await post(server.teams_url, json.dumps(broken).encode(), JSON) == 400
    assert server.connector.sent == []


# --- both: shapes no strategy needs to find -------------------------------------------------------

@pytest.mark.parametrize("endpoint", ["telegram", "teams"])
async def test_deep_nesting_invalid_utf8_and_wrong_content_are_clear_4xx(server, endpoint):
    url = server.telegram_url if endpoint == "telegram" else server.teams_url
    headers = telegram_headers(server) if endpoint == "telegram" else JSON
    hostile = [
        b"[" * 200_000 + b"]" * 200_000,
        b'{"update_id": 1, "message": ' * 30_000 + b"1" + b"}" * 30_000,
        b'{"type": "message", "text": "\xff\xfe' + b"\xff\xfe\xfd" + b'"}',
        b"\x00" * 1000,
        b"",
        b"null",
        b'"just a string"',
    ]
    for body in hostile:
        status = await post(url, body, headers)
        assert status == 400, (status, body[:80])
    # A huge string just under the limit is read and judged like any other body.
    body = json.dumps({"update_id": 1, "type": "message", "text": "x" * (MAX_BODY_BYTES - 100)}).encode()
    assert await post(url, body, headers) < 500
    await still_serving(server)


async def raw_exchange(server, head: str, body_part: bytes) -> bytes:
    """Send headers and only part of a body, then read what the server answers."""
    reader, writer = await asyncio.open_connection("127.0.0.1", int(server.base.rsplit(":", 1)[1]))
    try:
        writer.write(head.encode() + b"\r\n" + body_part)
        await writer.drain()
        return await asyncio.wait_for(reader.read(200), 5)
    finally:
        writer.close()


@pytest.mark.parametrize("endpoint, limit", [("telegram", MAX_BODY_BYTES), ("teams", MAX_TEAMS_BODY_BYTES)])
async def test_a_body_announced_over_the_limit_is_refused_before_it_is_sent(server, endpoint, limit):
    path = "/telegram/hook" if endpoint == "telegram" else "/api/messages"
    head = (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"{TELEGRAM_SECRET_HEADER}: {server.secret}\r\nContent-Length: {limit + 1}\r\n")
    # Only 1 KiB of the announced body is ever sent: the answer cannot have waited for the rest.
    answer = await raw_exchange(server, head, b"{" + b" " * 1023)
    assert answer.startswith(b"HTTP/1.1 413"), answer
    await still_serving(server)


@pytest.mark.parametrize("endpoint, limit", [("telegram", MAX_BODY_BYTES), ("teams", MAX_TEAMS_BODY_BYTES)])
async def test_a_chunked_body_growing_over_the_limit_is_refused(server, endpoint, limit):
    url = server.telegram_url if endpoint == "telegram" else server.teams_url
    headers = telegram_headers(server) if endpoint == "telegram" else JSON

    async def chunks():
        sent = 0
        while sent <= limit:
            yield b" " * 65536
            sent += 65536

    async with aiohttp.ClientSession() as http:
        try:
            async with http.post(url, data=chunks(), headers=headers) as response:
                assert response.status == 413
        except aiohttp.ClientError:
            # The server may close before the client finished sending; it must still be up.
            pass
    await still_serving(server)


async def test_a_body_just_under_the_limit_is_read(server):
    text = "a" * (MAX_BODY_BYTES - 400)
    update = {"update_id": 77, "message": _telegram_message(9002, text)}
    body = json.dumps(update).encode()
    assert len(body) < MAX_BODY_BYTES
    assert await post(server.telegram_url, body, telegram_headers(server)) == 200


async def test_the_telegram_secret_is_checked_before_anything_else(server):
    assert await post(server.telegram_url, b"\xff" * 10, JSON) == 403
