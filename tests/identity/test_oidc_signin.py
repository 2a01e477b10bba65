"""Sign-in with a real OpenID provider (npm oidc-provider, started by the test), end to end: the
chat's one-time link, the browser leg (a plain HTTP client following redirects and posting the
provider's login and consent forms), our callback, the chat told through the outbox. A tampered
state, a replayed code, an expired link, a wrong audience and a bad signature are each refused
and bind nothing."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import aiohttp
import pytest
from dialog_support import Conversation, complete_profile
from fakes.oidc_provider import running_provider
from fakes.ports import free_port
from identity_support import chat_messages

from bot.http import create_app, serve
from bot.signin import CALLBACK, PATH, Provider, SignIn
from dialogs import Dialogs
from dialogs.identity import Verification
from taxonomy import default_taxonomy

pytestmark = pytest.mark.slow
CLIENT_ID, SECRET = "ecage-chat", "a-client-secret"


class Bot:
    """Our HTTP server with the sign-in routes, the dialogs requiring verification, the provider."""

    def __init__(self, store, dialogs, provider, public_url):
        self.store, self.dialogs, self.provider, self.public_url = store, dialogs, provider, public_url

    def chat(self, user: str) -> Conversation:
        return Conversation(self.dialogs, user=user, channel="telegram")

    async def link(self, conv: Conversation) -> str:
        """A link, from the gate (listing one's demands) or the "new link" button."""
        await conv.press("idn:link" if "idn:link" in conv.choice_ids else "menu:open")
        assert "Entre com a sua conta gov.br" in conv.text
        return re.search(rf"{re.escape(self.public_url)}\S+", conv.text).group(0)

    async def identities(self, conv: Conversation):
        async with self.store.transaction() as tx:
            person = await tx.person_for_account(conv.channel, conv.user)
            return [(i.kind, i.value) for i in await tx.identities(person.id)]


@pytest.fixture(scope="module")
def public_port() -> int:
    """Our server's port, the same for the module's tests: the provider knows one redirect URI."""
    return free_port()


@pytest.fixture(scope="module")
def provider(public_port):
    """One provider for the module (starting node is most of a test's time). The tests stay
    independent: each has its own store and its own browser (cookies, so the provider's
    sessions), and tampering is undone before each."""
    with running_provider(CLIENT_ID, SECRET, f"http://127.0.0.1:{public_port}{CALLBACK}") as started:
        yield started


@pytest.fixture
async def bot(sqlite_store, provider, public_port):
    public_url = f"http://127.0.0.1:{public_port}"
    await provider.tamper("")
    signin = SignIn(Provider(provider.issuer, CLIENT_ID, SECRET, public_url), sqlite_store)
    runner = await serve(create_app(signin=signin), public_port, host="127.0.0.1")
    dialogs = Dialogs(sqlite_store, default_taxonomy(),
                      verification=Verification(sign_in_base=public_url + PATH, required=True))
    try:
        yield Bot(sqlite_store, dialogs, provider, public_url)
    finally:
        await runner.cleanup()


def browser() -> aiohttp.ClientSession:
    # The provider's cookies are set for 127.0.0.1, an address: the jar must take them.
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def to_callback(http: aiohttp.ClientSession, link: str, callback: str, login: str = "maria") -> str:
    """The browser leg up to the provider's redirect to our callback (returned, not followed):
    the link, the provider's login form, its consent form."""
    url, method, data = link, "GET", None
    for _ in range(12):
        async with http.request(method, url, data=data, allow_redirects=False) as response:
            if response.status in (302, 303):
                url, method, data = urljoin(url, response.headers["Location"]), "GET", None
                if url.startswith(callback):
                    return url
                continue
            assert response.status == 200, (response.status, await response.text())
            page = await response.text()
        action = urljoin(url, re.search(r'<form[^>]*action="([^"]+)"', page).group(1))
        prompt = re.search(r'name="prompt" value="(\w+)"', page).group(1)
        method, url = "POST", action
        data = {"prompt": prompt, "login": login, "password": "any"} if prompt == "login" else {"prompt": prompt}
    raise AssertionError("the provider never sent the browser back")


async def get(http: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with http.get(url, allow_redirects=False) as response:
        return response.status, await response.text()


async def signed_in_chat(bot: Bot, user: str = "u1"):
    conv = bot.chat(user)
    await complete_profile(conv)  # with a provider, a typed e-mail proves nothing, and is not asked to
    return conv, await bot.link(conv)


async def test_the_link_the_provider_and_the_callback_bind_the_subject_and_tell_the_chat(bot):
    conv, link = await signed_in_chat(bot)
    assert await bot.identities(conv) == []
    async with browser() as http:
        callback = await to_callback(http, link, bot.public_url + CALLBACK)
        status, page = await get(http, callback)
    assert status == 200 and "identidade foi confirmada" in page
    assert await bot.identities(conv) == [("oidc", f"{bot.provider.issuer} maria"),
                                          ("email", "maria@sefaz.rs.gov.br")]
    told = await chat_messages(bot.store, "telegram", "chat-u1")
    assert "Identidade confirmada pelo gov.br, Pessoa maria" in told[-1]["text"]
    await conv.say("menu")
    await conv.press("menu:new")
    assert "título" in conv.text.lower()


async def test_a_link_works_once_and_expires_after_ten_minutes(bot, clock):
    conv, link = await signed_in_chat(bot)
    async with browser() as http:
        await to_callback(http, link, bot.public_url + CALLBACK)
        assert (await get(http, link))[0] == 410  # opened once already
        clock.advance(minutes=11)
        late = await bot.link(conv)
        clock.advance(minutes=10, seconds=1)
        status, page = await get(http, late)
    assert status == 410 and "expirou ou já foi usado" in page
    assert await bot.identities(conv) == []


async def test_a_callback_after_the_link_expired_binds_nothing(bot, clock):
    conv, link = await signed_in_chat(bot)
    async with browser() as http:
        callback = await to_callback(http, link, bot.public_url + CALLBACK)
        clock.advance(minutes=11)
        assert (await get(http, callback))[0] == 400
    assert await bot.identities(conv) == []


def with_query(url: str, **changes) -> str:
    parts = urlsplit(url)
    query = {**dict(parse_qsl(parts.query)), **changes}
    return parts._replace(query=urlencode(query)).geturl()


async def test_a_tampered_state_binds_nothing(bot):
    conv, link = await signed_in_chat(bot)
    async with browser() as http:
        callback = await to_callback(http, link, bot.public_url + CALLBACK)
        state = dict(parse_qsl(urlsplit(callback).query))["state"]
        tampered = ("A" if state[0] != "A" else "B") + state[1:]
        status, page = await get(http, with_query(callback, state=tampered))
        assert (await get(http, with_query(callback, state="")))[0] == 400
    assert status == 400 and "Não foi possível confirmar" in page
    assert await bot.identities(conv) == []


async def test_a_replayed_code_binds_nothing_more(bot):
    conv, link = await signed_in_chat(bot)
    other, other_link = await signed_in_chat(bot, "u2")
    async with browser() as http:
        callback = await to_callback(http, link, bot.public_url + CALLBACK)
        assert (await get(http, callback))[0] == 200
        assert (await get(http, callback))[0] == 400  # the same callback again
        # The code under another link's state: the provider refuses it (used, and not its PKCE).
        theirs = await to_callback(http, other_link, bot.public_url + CALLBACK)
        code = dict(parse_qsl(urlsplit(callback).query))["code"]
        assert (await get(http, with_query(theirs, code=code)))[0] == 400
    assert await bot.identities(other) == []
    assert len(await chat_messages(bot.store, "telegram", "chat-u1")) == 1


@pytest.mark.parametrize("mode", ["wrong-audience", "bad-signature"])
async def test_an_id_token_for_someone_else_or_badly_signed_binds_nothing(bot, mode):
    conv, link = await signed_in_chat(bot)
    await bot.provider.tamper(mode)
    async with browser() as http:
        callback = await to_callback(http, link, bot.public_url + CALLBACK)
        status, page = await get(http, callback)
    assert status == 400 and "Não foi possível confirmar" in page
    assert await bot.identities(conv) == []
    assert await chat_messages(bot.store, "telegram", "chat-u1") == []


async def test_a_provider_away_leaves_the_link_for_another_try(sqlite_store):
    port = free_port()
    away = SignIn(Provider(f"http://127.0.0.1:{free_port()}", CLIENT_ID, SECRET, f"http://127.0.0.1:{port}"),
                  sqlite_store)
    runner = await serve(create_app(signin=away), port, host="127.0.0.1")
    try:
        async with sqlite_store.transaction() as tx:
            person = await tx.ensure_person("telegram", "1", "Maria")
            chat = await tx.ensure_chat("telegram", "1", person_id=person.id)
            token = await tx.create_signin_link(person.id, chat.id, "telegram", "1")
        async with browser() as http:
            status, page = await get(http, f"http://127.0.0.1:{port}{PATH}{token}")
        assert status == 503 and "não respondeu" in page
        async with sqlite_store.transaction() as tx:
            assert await tx.open_signin_link(token) is not None
    finally:
        await runner.cleanup()
