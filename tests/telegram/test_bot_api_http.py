"""The HTTP client under python-telegram-bot (bot/telegram/bot_api_http.py): what the library
expects of it, against the local Bot API server — forms and files as Telegram takes them, the
library's errors for a slow or absent server, and a proxy named in the environment."""

from __future__ import annotations

import asyncio
import json
import socket

import pytest
from telegram.error import NetworkError, TimedOut

from bot.config import Config
from bot.telegram import build_bot

CHAT = 1001
BOT_USER = {"id": 42, "is_bot": True, "first_name": "e-CAGE", "username": "ecage_bot"}


async def test_texts_keyboards_and_files_arrive_as_sent(api, config):
    async with build_bot(config) as telegram_bot:
        sent = await telegram_bot.send_message(CHAT, "Ação nº 12 — ok?", reply_markup={
            "inline_keyboard": [[{"text": "Sim", "callback_data": "yes"}]]})
        await telegram_bot.send_document(CHAT, b"%PDF-1.4 parecer", filename="parecer técnico nº 2.pdf",
                                         caption="Parecer é este")
    (text,) = api.calls_of("sendMessage")
    assert text.params["text"] == "Ação nº 12 — ok?" and sent.message_id
    assert text.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "yes"
    (document,) = api.calls_of("sendDocument")
    assert document.files["document"] == ("parecer técnico nº 2.pdf", b"%PDF-1.4 parecer")
    assert document.params["caption"] == "Parecer é este"


async def test_an_answer_slower_than_the_read_timeout_is_the_librarys_timed_out(api, config):
    api.hold("sendMessage")
    try:
        async with build_bot(config) as telegram_bot:
            with pytest.raises(TimedOut):
                await telegram_bot.send_message(CHAT, "oi", read_timeout=0.3)
    finally:
        api.release()


async def test_no_server_listening_is_the_librarys_network_error(api):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    nowhere = Config(telegram_bot_token=api.token, telegram_api_url=f"http://127.0.0.1:{port}/bot")
    with pytest.raises(NetworkError) as refused:
        async with build_bot(nowhere):  # its first call, getMe, finds nobody
            pass
    assert not isinstance(refused.value, TimedOut)
    assert api.token not in str(refused.value)  # errors are logged: the token never is


async def test_a_proxy_named_in_the_environment_carries_the_requests(api, config, monkeypatch):
    """A government network reaches Telegram through its proxy: HTTP_PROXY is honoured, as the
    library's own client honoured it. The proxy here answers for Telegram and notes what it got."""
    seen: list[str] = []

    async def proxy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode()
        length = next(int(line.split(":")[1]) for line in head.split("\r\n") if line.lower().startswith("content-length"))
        await reader.readexactly(length)
        seen.append(head.split("\r\n")[0])
        result = (BOT_USER if "/getMe " in seen[-1] else
                  {"message_id": 7, "date": 0, "chat": {"id": CHAT, "type": "private"}, "text": "oi"})
        body = json.dumps({"ok": True, "result": result}).encode()
        writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n" % len(body) + body)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(proxy, "127.0.0.1", 0)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    try:
        async with build_bot(config) as telegram_bot:
            sent = await telegram_bot.send_message(CHAT, "oi")
    finally:
        server.close()
    assert sent.message_id == 7 and api.calls_of("sendMessage") == []
    assert seen == [f"POST {api.base_url}{api.token}/{method} HTTP/1.1" for method in ("getMe", "sendMessage")]


async def test_a_mistyped_api_address_is_a_network_error_that_does_not_show_the_token(api):
    """aiohttp names the URL it cannot use, and a Bot API URL holds the token: the error, which
    is logged, says where without it."""
    mistyped = Config(telegram_bot_token=api.token, telegram_api_url="http://127.0.0.1:99999/bot")
    with pytest.raises(NetworkError) as refused:
        async with build_bot(mistyped):
            pass
    assert "127.0.0.1:99999/bot<token>/getMe" in str(refused.value) and api.token not in str(refused.value)


def _self_signed(folder) -> tuple[str, str]:
    """A certificate for 127.0.0.1 that no authority signed, and its key: (cert file, key file)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Bot API de teste")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
                   .not_valid_after(now + datetime.timedelta(hours=1))
                   .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                                  critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "bot-api.pem", folder / "bot-api.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


async def test_https_is_checked_and_an_authority_named_in_ssl_cert_file_is_trusted(api, tmp_path, monkeypatch):
    """The Bot API over TLS: a certificate nobody vouches for is refused; one whose authority
    SSL_CERT_FILE names (a network that inspects TLS installs its own) is accepted."""
    import ssl

    from aiohttp import web

    cert_file, key_file = _self_signed(tmp_path)

    async def answer(request: web.Request) -> web.Response:
        await request.post()
        return web.json_response({"ok": True, "result": BOT_USER})

    app = web.Application()
    app.router.add_post("/{path:.*}", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert_file, key_file)
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    await web.TCPSite(runner, "127.0.0.1", port, ssl_context=tls).start()
    secure = Config(telegram_bot_token=api.token, telegram_api_url=f"https://127.0.0.1:{port}/bot")
    try:
        monkeypatch.delenv("SSL_CERT_FILE", raising=False)
        with pytest.raises(NetworkError, match="(?i)certificate"):
            async with build_bot(secure):
                pass
        monkeypatch.setenv("SSL_CERT_FILE", cert_file)
        async with build_bot(secure) as telegram_bot:
            assert telegram_bot.username == BOT_USER["username"]
    finally:
        await runner.cleanup()
