"""The HTTP client python-telegram-bot sends our Bot API calls through: aiohttp's, behind the
library's own `BaseRequest` interface (its documented way to bring another HTTP library), instead
of the httpx client it ships with.

Why: every turn makes two or three Bot API calls (the answer, often a second message, the
callback's answer), and httpx with httpcore spent 0.8 ms of CPU on each at one request at a time
and 1.3 to 1.4 ms at 16 to 50 in flight (httpcore looks at every pooled connection, a poll() on
each idle one, whenever a request starts or ends); aiohttp, whose HTTP parser is compiled, spends
0.2 to 0.4 ms. With it, and without aiohttp's per-request look at the environment (below), a bot
process's CPU per update fell from 8.4 to about 4.5 ms (`python -m benchmarks --only overhead`).
Everything above the HTTP exchange stays the library's: what is sent, how an answer is read,
which error a failure becomes.

What the library expects of a request, kept here as httpx kept it: the default timeouts (5 s to
connect, to read and to write; 20 s to write a file); a wait for a free connection of up to
POOL_WAIT_S; proxies from the environment (HTTPS_PROXY, as on a government network); failures
raised as `TimedOut` or `NetworkError`, which the outbox retries; certificates checked against
Mozilla's authorities (certifi, as httpx did) and the system's, SSL_CERT_FILE included (where a
network that inspects TLS puts its own authority). The proxy is looked up once per server, not by
aiohttp's `trust_env`, which reads the environment and ~/.netrc in a worker thread on every
request: two thread hops a call, a tenth of the process's CPU.
"""

from __future__ import annotations

import asyncio
import re
import ssl
import urllib.request
from urllib.parse import urlencode, urlsplit

import aiohttp
import certifi
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# Connections to the Bot API kept open. Sixteen carry about 100 requests a second at Telegram's
# round trip, three times the 30 messages a second a bot may send; a request beyond them waits
# for a free one, up to POOL_WAIT_S, instead of failing after the library's usual 1 s.
CONNECTIONS = 16
POOL_WAIT_S = 30.0
CONNECT_S = READ_S = WRITE_S = 5.0
FILE_WRITE_S = 20.0
_TOKEN_IN_URL = re.compile(r"/(?:file/)?bot[^/\s]+/")


class AiohttpRequest(BaseRequest):
    """python-telegram-bot's requests over one aiohttp session (opened by `initialize`)."""

    def __init__(self, connections: int = CONNECTIONS, pool_wait: float = POOL_WAIT_S) -> None:
        self._connections = connections
        self._pool_wait = pool_wait
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, str | None] = {}  # scheme://host -> its proxy (HTTPS_PROXY, NO_PROXY)

    @property
    def read_timeout(self) -> float:
        return READ_S

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections, ssl=_trusted_authorities()),
                headers={"User-Agent": self.USER_AGENT})
            self._proxies.clear()  # the environment as it is now

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout=BaseRequest.DEFAULT_NONE,
        write_timeout=BaseRequest.DEFAULT_NONE,
        connect_timeout=BaseRequest.DEFAULT_NONE,
        pool_timeout=BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        has_files = bool(request_data and request_data.contains_files)
        read = _given(read_timeout, READ_S)
        write = _given(write_timeout, FILE_WRITE_S if has_files else WRITE_S)
        connect = _given(connect_timeout, CONNECT_S)
        pool = _given(pool_timeout, self._pool_wait)
        # aiohttp has no write timeout of its own: the whole exchange is bounded by the sum.
        timeout = aiohttp.ClientTimeout(total=_sum(pool, connect, write, read), connect=_sum(pool, connect),
                                        sock_connect=connect, sock_read=read)
        try:
            async with self._session.request(method, url, data=_body(request_data), timeout=timeout,
                                             proxy=self._proxy_for(url)) as response:
                return response.status, await response.read()
        except asyncio.TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            # aiohttp may name the URL, and a Bot API URL holds the bot's token.
            said = _TOKEN_IN_URL.sub("/bot<token>/", str(error))
            raise NetworkError(f"aiohttp.{error.__class__.__name__}: {said}") from error

    def _proxy_for(self, url: str) -> str | None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._proxies:
            proxy = urllib.request.getproxies().get(parts.scheme)
            bypassed = proxy and parts.hostname and urllib.request.proxy_bypass(parts.hostname)
            self._proxies[origin] = None if bypassed else proxy
        return self._proxies[origin]


def _trusted_authorities() -> ssl.SSLContext:
    context = ssl.create_default_context()  # the system's, SSL_CERT_FILE and SSL_CERT_DIR included
    context.load_verify_locations(certifi.where())
    return context


def _given(value, default: float) -> float | None:
    return default if isinstance(value, DefaultValue) else value


def _sum(*parts: float | None) -> float | None:
    """No limit where any part has none (the library's None: wait as long as it takes)."""
    return None if any(part is None for part in parts) else sum(parts)


def _body(request_data: RequestData | None) -> aiohttp.BytesPayload | aiohttp.FormData | None:
    """The parameters form-encoded, as Telegram takes them; multipart when there are files.

    Without files the body is encoded here, to the bytes aiohttp would make of a dict: handed a
    dict, aiohttp first asks each of its payload types whether it is one, then builds a form to
    encode it (45 µs for a sendMessage with a keyboard, against 23 µs here)."""
    if request_data is None:
        return None
    if not request_data.contains_files:
        return aiohttp.BytesPayload(urlencode(request_data.json_parameters).encode(),
                                    content_type="application/x-www-form-urlencoded")
    # Names as written, in UTF-8, as browsers and httpx send them: quoted, "tela do FPE.png"
    # would reach the chat as "tela%20do%20FPE.png".
    form = aiohttp.FormData(quote_fields=False)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
