"""A real OpenID provider for tests: panva's `oidc-provider` (OpenID certified) on a loopback port,
run by node from tests/fakes/oidc/ (its package.json, installed here with `npm install` the first
time, so a fresh clone needs only node and the npm registry).

    async with running_provider(client_id, secret, redirect_uri) as provider:
        provider.issuer                      # http://127.0.0.1:<port>
        await provider.tamper("bad-signature")   # or "wrong-audience"; "" for honest tokens again
"""

from __future__ import annotations

import asyncio
import os
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp

from fakes.parallel import npm_install
from fakes.ports import free_port

HERE = Path(__file__).resolve().parent / "oidc"
START_TIMEOUT_S = 60


def install() -> None:
    npm_install(HERE, HERE / "node_modules" / "oidc-provider")


class OidcProvider:
    def __init__(self, process: asyncio.subprocess.Process, issuer: str):
        self.process = process
        self.issuer = issuer

    async def tamper(self, mode: str) -> None:
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{self.issuer}/__test/tamper", json={"mode": mode}) as response:
                response.raise_for_status()


@asynccontextmanager
async def running_provider(client_id: str, client_secret: str, redirect_uri: str):
    await asyncio.to_thread(install)
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        "node", "provider.js", cwd=HERE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
        env={**os.environ, "PORT": str(port), "CLIENT_ID": client_id, "CLIENT_SECRET": client_secret,
             "REDIRECT_URI": redirect_uri})
    try:
        line = await asyncio.wait_for(process.stdout.readline(), START_TIMEOUT_S)
        if not line.startswith(b"ready "):
            raise RuntimeError(f"the OpenID provider did not start: {line!r}")
        yield OidcProvider(process, line.split()[1].decode())
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()
