"""End to end with Microsoft's own Teams emulator: the Agents Playground (offline), one for the
requester and one for the attendant, both talking to `python -m bot teams` without an app id, their
pages driven headless. A demand is opened through cards in a personal chat, reaches the team's
channel as its own post, is received there (its card changes in place) and answered; the requester
sees the answer. Screenshots of each step go to the folder the test prints."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import aiohttp
import pytest
from fakes.parallel import worker
from fakes.ports import free_port
from playground_driver import CHROMIUM, CHROMIUM_FLAGS, PlaygroundPage, missing_tools, start_playground
from samples import PROFILE_FIELDS

from store import Store

pytestmark = [pytest.mark.slow, pytest.mark.browser]

MARIA_AAD = "00000000-0000-0000-0000-000000000020"
ANA_AAD = "00000000-0000-0000-0000-000000000021"
ANSWER = "The commitment was released: go ahead with the settlement."


@pytest.fixture(scope="module")
def tools() -> None:
    missing = missing_tools()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must install {missing} (.ci/run)")
        pytest.skip(f"needs {missing}")


async def seed(database_url: str, files: Path) -> None:
    """Maria's profile done (the first access is tested elsewhere), Ana an attendant."""
    store = await Store.open(database_url, attachments_dir=files, migrate=True)
    try:
        async with store.transaction() as tx:
            maria = await tx.ensure_person("teams", MARIA_AAD, "Maria Souza")
            await tx.update_profile(maria.id, **PROFILE_FIELDS)
            ana = await tx.ensure_person("teams", ANA_AAD, "Ana Atendente")
            await tx.set_attendant(ana.id, True)
    finally:
        await store.close()


async def until_serving(url: str) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(300):
            try:
                async with http.get(url) as response:
                    if response.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError(f"{url} never answered")


@pytest.fixture
async def running(tools, tmp_path: Path):
    """The bot and two Playgrounds; yields their page URLs and the screenshots folder."""
    # Kept after the run (pytest's own temporary folders are pruned): ECAGE_TEST_ARTIFACTS or /tmp,
    # a folder per xdist worker ("-gw0"), so two workers never clear each other's.
    shots = (Path(os.environ.get("ECAGE_TEST_ARTIFACTS", tempfile.gettempdir()))
             / "-".join(filter(None, ["ecage-teams-playground", worker()])))
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    print(f"\nPlayground screenshots and logs: {shots}")
    database = f"sqlite+aiosqlite:///{tmp_path / 'ecage.db'}"
    await seed(database, tmp_path / "files")
    bot_port, maria_port, ana_port = free_port(), free_port(), free_port()
    env = {**os.environ, "ECAGE_HTTP_PORT": str(bot_port), "ECAGE_DATABASE_URL": database,
           "ECAGE_ATTACHMENTS_DIR": str(tmp_path / "files"), "ECAGE_LOG_LEVEL": "INFO"}
    for name in ("MICROSOFT_APP_ID", "MICROSOFT_APP_PASSWORD", "TELEGRAM_BOT_TOKEN"):
        env.pop(name, None)
    processes = [subprocess.Popen([sys.executable, "-m", "bot", "teams"], env=env, cwd=tmp_path,
                                  stdout=(shots / "bot.log").open("w"), stderr=subprocess.STDOUT)]
    try:
        await until_serving(f"http://127.0.0.1:{bot_port}/healthz")
        bot_url = f"http://127.0.0.1:{bot_port}/api/messages"
        processes.append(start_playground("requester", maria_port, bot_url, shots / "playground-requester.log"))
        processes.append(start_playground("attendant", ana_port, bot_url, shots / "playground-attendant.log"))
        for port in (maria_port, ana_port):
            await until_serving(f"http://127.0.0.1:{port}/")
        yield f"http://127.0.0.1:{maria_port}/", f"http://127.0.0.1:{ana_port}/", shots
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


async def test_a_demand_from_a_personal_chat_to_the_teams_channel_and_back(running):
    from playwright.async_api import async_playwright

    maria_url, ana_url, shots = running
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        size = {"width": 1400, "height": 1000}
        # The Playground speaks en-US whatever the browser's language (its activities say so).
        ana = PlaygroundPage(await browser.new_page(viewport=size), shots, "attendant")
        maria = PlaygroundPage(await browser.new_page(viewport=size), shots, "requester")
        try:
            await ana.open(ana_url)
            await ana.conversation("Atendimento")
            await ana.posts("/vincular")
            await ana.sees("attendants' room")
            await ana.shot("room-bound")

            await maria.open(maria_url)
            await maria.sees("Hello, Maria Souza")  # named from the roster
            await maria.press("New demand")
            await maria.types("Settlement stuck in FPE")
            await maria.press("Confirm")
            await maria.press("Systems Support")
            await maria.types("erros")
            await maria.types("FPE")  # a long list: typed, as a ChoiceSet search would
            await maria.types("Execução de Despesa > Liquidação")
            await maria.types("O empenho 2025NE000123 não libera a liquidação desde ontem.")
            await maria.shot("describing")
            await maria.press("Skip")  # no files
            await maria.sees("Check the demand before sending")
            await maria.shot("summary")
            await maria.press("Send")
            await maria.sees("Demand created!")
            protocol = await maria.protocol()
            await maria.shot("sent")

            await ana.sees(f"New Demand | Protocol: {protocol}")
            await ana.shot("new-demand-card")
            receive_buttons = await ana.buttons("Receive")
            await ana.press("Receive")
            await ana.sees(f"{protocol} received by Ana Atendente")
            # The card itself changed: the attendant named, "Receive" no longer offered.
            for _ in range(100):
                if await ana.buttons("Receive") < receive_buttons:
                    break
                await asyncio.sleep(0.2)
            assert await ana.buttons("Receive") == receive_buttons - 1
            assert await ana.count(f"New Demand | Protocol: {protocol}") == 1  # no second card
            await ana.shot("card-changed-in-place")

            await maria.sees("received by an attendant")
            # The answer as a reply in the demand's own thread of the channel.
            await ana.replies_in_thread(f"New Demand | Protocol: {protocol}", f"Responder {ANSWER}")
            await ana.sees(ANSWER)
            # The bot's confirmation lands in the demand's thread, not as a new post of the channel.
            await ana.sees_in_thread(f"New Demand | Protocol: {protocol}", f"answer recorded on {protocol}")
            await ana.shot("answered-in-the-thread")
            await maria.sees(ANSWER)
            await maria.shot("answer-pushed")
        except Exception:
            for page in (ana, maria):
                print("at failure:", await page.shot("at-failure"))
            raise
        finally:
            await browser.close()
