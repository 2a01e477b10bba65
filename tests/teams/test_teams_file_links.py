"""Files reach a Teams requester: a small image inline (a data URI), every other file in a card of
download links, each link signed and served by our own HTTP server (bot/downloads.py). The push
goes through the real notifier and TeamsSender against the fake Bot Connector; the links are
fetched over HTTP from our real aiohttp application."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import stat
import time
from urllib.parse import parse_qs, urlsplit, urlunsplit, urlencode

import pytest
from aiohttp import ClientSession
from fakes.connector import ADAPTIVE_CARD, TeamsUser
from fakes.ports import free_port
from samples import PDF, PLAIN_DRAFT, PNG
from teams_support import FAST_RETRY, answered_by_an_attendant

from bot.config import Config
from bot.downloads import SECRET_FILE, FileLinks
from bot.http import create_app, serve
from bot.notifier import Notifier
from bot.teams import TeamsSender
from bot.teams.render import render
from dialogs import Outgoing, OutgoingFile
from store import Actor
from store.attachments import NewAttachment

PARECER = NewAttachment("parecer técnico.pdf", PDF, "application/pdf")
PRINT = NewAttachment("tela.png", PNG, "image/png")


@pytest.fixture
async def files_server(store):
    """Our HTTP application serving the download links of the store's attachments: (its links,
    the configuration the senders sign with)."""
    port = free_port()
    config = Config(http_port=port, attachments_dir=store.files.root)
    links = FileLinks.from_config(config)
    runner = await serve(create_app(downloads=links), port, host="127.0.0.1")
    yield links, config
    await runner.cleanup()


async def push_until_links_shown(store, config: Config, connector, maria: TeamsUser) -> None:
    """The real notifier with the Teams sender, until the card of links reached Maria."""
    sender = TeamsSender.from_config(config, retry=FAST_RETRY)
    notifier = Notifier(store, {"teams": sender}, poll_interval=0.05, global_rate=0, pace_chats=False)
    stop = asyncio.Event()
    running = asyncio.create_task(notifier.run(stop))
    try:
        async with asyncio.timeout(15):
            while not any("Baixar" in str(a) for a in connector.to(maria.conversation_id)):
                await asyncio.sleep(0.05)
    finally:
        stop.set()
        await running


def card_actions(card: dict) -> list[dict]:
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "Action.OpenUrl":
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(card)
    return found


async def test_an_answer_with_files_reaches_teams_inline_and_as_download_links(maria, connector, store, files_server):
    _, config = files_server
    await answered_by_an_attendant(maria, store, "Segue o parecer.", [PARECER, PRINT])
    await push_until_links_shown(store, config, connector, maria)
    # The answer's push (after "received"): its text, the image, the card of links.
    push, image, files = connector.to(maria.conversation_id)[-3:]

    assert "Segue o parecer." in str(push)
    (inline,) = image["attachments"]
    assert inline["contentType"] == "image/png" and inline["name"] == "tela.png"
    assert inline["contentUrl"] == "data:image/png;base64," + base64.b64encode(PNG).decode()

    (attachment,) = files["attachments"]
    assert attachment["contentType"] == ADAPTIVE_CARD
    card = attachment["content"]
    assert card["body"][0]["text"] == "📎 Arquivos (1):"
    assert "parecer técnico.pdf" in str(card)
    (button,) = card_actions(card)
    assert button["title"] == "Baixar" and button["url"].startswith(config.links_base_url + "/files/")

    async with ClientSession() as http, http.get(button["url"]) as response:
        assert response.status == 200
        assert await response.read() == PDF
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert "filename*=UTF-8''parecer%20t%C3%A9cnico.pdf" in response.headers["Content-Disposition"]
    # The key was made on first use, readable by this account only.
    secret = store.files.root / SECRET_FILE
    assert stat.S_IMODE(os.stat(secret).st_mode) == 0o600


async def test_a_push_refused_after_its_text_sends_only_the_files_again(maria, connector, store, files_server):
    _, config = files_server
    await answered_by_an_attendant(maria, store, "Segue o parecer.", [PARECER, PRINT])
    # "received" and the answer's text go through; the image is refused past the sender's retries.
    connector.fail_next(FAST_RETRY.attempts, status=502, after=2)
    await push_until_links_shown(store, config, connector, maria)
    said = [str(a) for a in connector.to(maria.conversation_id)]
    assert sum("Segue o parecer." in a for a in said) == 1
    assert sum("data:image/png;base64," in a for a in said) == 1 and sum("Baixar" in a for a in said) == 1
    assert len(connector.refused) == FAST_RETRY.attempts


def linked(url: str, **changes) -> str:
    parts = urlsplit(url)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    path = changes.pop("path", parts.path)
    return urlunsplit(parts._replace(path=path, query=urlencode({**query, **changes})))


async def test_a_link_works_only_as_signed_and_until_it_expires(store, files_server):
    links, config = files_server
    stored = hashlib.sha256(PDF).hexdigest()
    async with store.transaction() as tx:  # a content in the store (any demand's file)
        person = await tx.ensure_person("telegram", "ana", "Ana")
        await tx.open_demand(Actor(person.id), PLAIN_DRAFT, [PARECER])
    good = links.url(stored, "nota.pdf")
    week_ago = FileLinks(store.files.root, config.links_base_url, clock=lambda: time.time() - 8 * 86400)
    expired = week_ago.url(stored, "nota.pdf")
    query = parse_qs(urlsplit(good).query)
    signature = query["sig"][0]
    tampered = {
        "signature": linked(good, sig=("0" if signature[0] != "0" else "1") + signature[1:]),
        "name": linked(good, path=f"/files/{stored}/outro.pdf"),
        "later expiry": linked(good, expires=int(query["expires"][0]) + 86400),
        "no signature": good.split("?")[0],
    }
    unknown = links.url("ab" * 32, "nada.pdf")

    async with ClientSession() as http:
        async with http.get(good) as response:
            assert response.status == 200 and await response.read() == PDF
            assert response.headers["Content-Disposition"] == (
                "attachment; filename=\"nota.pdf\"; filename*=UTF-8''nota.pdf")
        async with http.get(expired) as response:
            assert response.status == 403 and "expirou" in await response.text()
        for what, url in tampered.items():
            async with http.get(url) as response:
                assert response.status == 403, what
        async with http.get(unknown) as response:
            assert response.status == 404


def test_only_small_png_and_jpeg_go_inline(tmp_path):
    links = FileLinks(tmp_path, "https://ecage.example")
    big_png = PNG + bytes(48 * 1024)
    files = (OutgoingFile("p.png", PNG, "image/png", hashlib.sha256(PNG).hexdigest()),
             OutgoingFile("grande.png", big_png, "image/png", hashlib.sha256(big_png).hexdigest()),
             OutgoingFile("d.gif", b"GIF89a", "image/gif", hashlib.sha256(b"GIF89a").hexdigest()))
    activities = render(Outgoing("Arquivos", files=files), "en", links=links)
    text, image, card = (activity.serialize() for activity in activities)
    assert image["attachments"][0]["contentUrl"].startswith("data:image/png;base64,")
    content = card["attachments"][0]["content"]
    assert content["body"][0]["text"] == "📎 Files (2):"
    assert [a["title"] for a in card_actions(content)] == ["Download", "Download"]
    assert [urlsplit(a["url"]).path.rsplit("/", 1)[1] for a in card_actions(content)] == ["grande.png", "d.gif"]
    assert all(a["url"].startswith("https://ecage.example/files/") for a in card_actions(content))
