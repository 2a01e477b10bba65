"""The endpoint itself: authentication, malformed bodies, health check, and the shared server."""

from __future__ import annotations

import json

import aiohttp
from fakes.connector import TeamsUser

from store.models import ChatRow, PersonRow
from sqlalchemy import func, select


async def count(store, model) -> int:
    async with store.engine.connect() as connection:
        return await connection.scalar(select(func.count()).select_from(model))


async def test_with_an_app_id_a_request_without_a_valid_token_is_refused_and_processes_nothing(
        start_server, connector, store):
    url = await start_server(microsoft_app_id="00000000-0000-0000-0000-000000000001",
                             microsoft_app_password="not-a-real-secret")
    for headers in ({}, {"Authorization": "Bearer not.a.token"}, {"Authorization": "garbage"}):
        user = TeamsUser(url, connector, headers=headers)
        status, replies = await user.post(user.activity(text="oi"))
        assert status == 401, headers
        assert replies == []
    assert connector.sent == []
    assert await count(store, PersonRow) == 0 and await count(store, ChatRow) == 0


async def test_malformed_bodies_get_400_and_the_server_keeps_serving(maria, connector):
    for body in (b"{not json", b"[1, 2]", json.dumps({"text": "no type"}).encode(),
                 json.dumps({"type": "message", "text": "no conversation"}).encode(),
                 json.dumps({**maria.activity(text="oi"), "from": "not an object"}).encode()):
        status, replies = await maria.post(body)
        assert status == 400, body
    status, _ = await maria.post(maria.activity(text="oi"), content_type="text/plain")
    assert status == 415
    status, replies = await maria.post(maria.activity(text="oi"))
    assert status < 300 and replies, "still serving after the bad requests"


async def test_the_health_check_answers_beside_the_endpoint(bot_url):
    async with aiohttp.ClientSession() as session:
        async with session.get(bot_url.replace("/api/messages", "/healthz")) as response:
            assert response.status == 200
            assert await response.json() == {"status": "ok"}
