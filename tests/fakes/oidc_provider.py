"""A real OpenID provider for tests: panva's `oidc-provider` (OpenID certified) on a loopback port,
run by node from tests/fakes/oidc/ (its package.json, installed here with `npm install` the first
time, so a fresh clone needs only node and the npm registry).

    with running_provider(client_id, secret, redirect_uri) as provider:
        provider.issuer                      # http://127.0.0.1:<port>
        await provider.tamper("bad-signature")   # or "wrong-audience"; "" for honest tokens again

Synchronous to start and stop, so one provider can serve a whole module's tests (node takes a
second or two to start it), whatever event loop each test runs in.
"""

from __future__ import annotations

import os
import selectors
import subprocess
from contextlib import contextmanager
from pathlib import Path

import aiohttp

from fakes.parallel import npm_install
from fakes.ports import free_port

HERE = Path(__file__).resolve().parent / "oidc"
START_TIMEOUT_S = 60


def install() -> None:
    npm_install(HERE, HERE / "node_modules" / "oidc-provider")


class OidcProvider:
    def __init__(self, process: subprocess.Popen, issuer: str):
        self.process = process
        self.issuer = issuer

    async def tamper(self, mode: str) -> None:
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{self.issuer}/__test/tamper", json={"mode": mode}) as response:
                response.raise_for_status()


def _first_line(process: subprocess.Popen, timeout: float) -> bytes:
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            return b"(nothing within %d s)" % timeout
    return process.stdout.readline()


@contextmanager
def running_provider(client_id: str, client_secret: str, redirect_uri: str):
    install()
    port = free_port()
    process = subprocess.Popen(
        ["node", "provider.js"], cwd=HERE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        env={**os.environ, "PORT": str(port), "CLIENT_ID": client_id, "CLIENT_SECRET": client_secret,
             "REDIRECT_URI": redirect_uri})
    try:
        line = _first_line(process, START_TIMEOUT_S)
        if not line.startswith(b"ready "):
            raise RuntimeError(f"the OpenID provider did not start: {line!r}")
        yield OidcProvider(process, line.split()[1].decode())
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
