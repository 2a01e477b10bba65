"""The service as an operator runs it, in this process: `run_service` serving Telegram by webhook
(against the fake Bot API) on its own port, and what the operator reads from it: `/metrics`
parsed with prometheus-client's own parser, `/readyz` as status and JSON."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from fakes.telegram_api import TOKEN, FakeTelegramAPI
from prometheus_client.parser import text_string_to_metric_families

from bot.config import Config
from bot.service import run_service
from dialogs import Dialogs
from store import Store
from taxonomy import default_taxonomy

SECRET = "operations-secret"


def service_config(api: FakeTelegramAPI, port: int) -> Config:
    return Config(telegram_bot_token=TOKEN, telegram_api_url=api.base_url, http_port=port,
                  telegram_webhook_url=f"http://127.0.0.1:{port}/telegram/webhook",
                  telegram_webhook_secret=SECRET, telegram_rate_limited=False, db_retry_s=1.0)


@asynccontextmanager
async def running_service(api: FakeTelegramAPI, store: Store, port: int) -> AsyncIterator[None]:
    config = service_config(api, port)
    stop = asyncio.Event()
    service = asyncio.create_task(run_service(config, Dialogs(store, default_taxonomy(), db_retry_s=config.db_retry_s),
                                              store, channels=["telegram"], stop=stop))
    try:
        await api.wait_for(lambda: api.webhook or service.done(), timeout=30)
        assert not service.done(), service.exception()
        yield
    finally:
        stop.set()
        await asyncio.wait_for(service, timeout=30)


Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def scrape(port: int) -> Samples:
    """Every sample of `/metrics`: (name, sorted labels) -> value."""
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/plain")
            return parse(await response.text())


def parse(exposition: str) -> Samples:
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(exposition) for sample in family.samples}


def value(samples: Samples, name: str, **labels: str) -> float:
    """A sample's value; 0 for a labelled counter that has not moved yet (it has no sample)."""
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def readyz(port: int) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}/readyz") as response:
            return response.status, await response.json()
