"""Signed download links for stored attachments, served by our own HTTP server (bot/http.py).

Teams gives a bot no way to send a document as a file, so a push or a reply that carries one
shows a card with a link (bot/teams/render.py) to

    GET /files/<sha256>/<name>?expires=<unix seconds>&sig=<hex HMAC-SHA256>

The signature is HMAC-SHA256 over "<sha256>/<name>/<expires>" with a key of this installation,
kept beside the contents in the attachments directory (`.link-secret`, created with mode 0600 on
first use, by whichever process needs it first): every process that shares the directory signs
and checks the same links. A link names one content and the name it is saved under, and works
until it expires; anyone holding it can download (as with a file mailed to them), so links live
a week, long enough for a push read days later. Wrong or expired signatures get 403, a content
the store does not hold 404; the body is the file as an attachment with its original name.

The links' base URL is ECAGE_PUBLIC_URL, else the local HTTP address (bot/config.py).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlencode

from aiohttp import web

from bot.config import Config
from dialogs.texts import Texts
from store.attachments import ContentStore

log = logging.getLogger(__name__)

PATH = "/files"
SECRET_FILE = ".link-secret"
LIFETIME = 7 * 24 * 3600.0
_SHA256 = re.compile(r"[0-9a-f]{64}")


class FileLinks:
    def __init__(self, attachments_dir: str | os.PathLike, base_url: str, *, lifetime: float = LIFETIME,
                 clock: Callable[[], float] = time.time) -> None:
        self.root = Path(attachments_dir)
        self.files = ContentStore(self.root)
        self.base_url = base_url.rstrip("/")
        self.lifetime = lifetime
        self.clock = clock
        self._key: bytes | None = None

    @classmethod
    def from_config(cls, config: Config) -> FileLinks:
        return cls(config.attachments_dir, config.links_base_url)

    # --- signing ---------------------------------------------------------------------------------

    def url(self, sha256: str, name: str) -> str:
        """A link to download content `sha256` as `name`, valid for `lifetime` seconds from now."""
        expires = int(self.clock() + self.lifetime)
        query = urlencode({"expires": expires, "sig": self._signature(sha256, name, expires)})
        return f"{self.base_url}{PATH}/{sha256}/{quote(name, safe='')}?{query}"

    def is_valid(self, sha256: str, name: str, expires: str, signature: str) -> bool:
        try:
            deadline = int(expires)
        except ValueError:
            return False
        if deadline < self.clock():
            return False
        return hmac.compare_digest(self._signature(sha256, name, deadline), signature)

    def _signature(self, sha256: str, name: str, expires: int) -> str:
        message = f"{sha256}/{name}/{expires}".encode()
        return hmac.new(self._secret(), message, hashlib.sha256).hexdigest()

    def _secret(self) -> bytes:
        if self._key is None:
            self._key = _read_or_create_secret(self.root / SECRET_FILE)
        return self._key

    # --- serving ---------------------------------------------------------------------------------

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_get(PATH + "/{sha256}/{name}", self.handle)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        t = Texts("en" if request.headers.get("Accept-Language", "").lower().startswith("en") else "pt-BR")
        sha256, name = request.match_info["sha256"], request.match_info["name"]
        if not self.is_valid(sha256, name, request.query.get("expires", ""), request.query.get("sig", "")):
            return web.Response(status=403, text=t("files.link_refused"))
        path = self.files.path_for(sha256) if _SHA256.fullmatch(sha256) else None
        if path is None or not path.is_file():
            return web.Response(status=404, text=t("files.link_gone"))
        return web.FileResponse(path, headers={
            "Content-Type": "application/octet-stream",
            "Content-Disposition": content_disposition(name),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        })


def content_disposition(name: str) -> str:
    """`attachment` with the original name: a plain ASCII one for old clients, the exact one as
    RFC 6266's `filename*`."""
    plain = re.sub(r'[^\x20-\x7e]|["\\]', "_", name) or "file"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


def _read_or_create_secret(path: Path) -> bytes:
    """The installation's key; the first process to need it writes it (O_EXCL: two at once agree
    on the winner's key)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # the winner may still be writing it
            key = path.read_text().strip()
            if key:
                return key.encode()
            time.sleep(0.01)
        raise RuntimeError(f"{path} is empty: delete it and a new key is made (old links stop working)")
    key = secrets.token_hex(32)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key)
    log.info("created the download links' key %s", path)
    return key.encode()
