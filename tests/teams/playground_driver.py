"""The Microsoft 365 Agents Playground (Microsoft's local Teams emulator, npm package in
tests/teams/playground/) run offline against our bot, and its web page driven headless by
Playwright through Debian's chromium: a person in Teams as the end-to-end test sees it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from fakes.parallel import npm_install

PLAYGROUND_DIR = Path(__file__).parent / "playground"
CLI = PLAYGROUND_DIR / "node_modules" / "@microsoft" / "m365agentsplayground" / "cli.js"
CHROMIUM = "/usr/bin/chromium"
# No sandbox (root in CI), nothing fetched from the network, no first-run pages.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
STEP_TIMEOUT_MS = 45_000
MESSAGE_BOX = "Type a message..."
BOT_NAME = "e-CAGE"  # as the Playground's .m365agentsplayground.yml names it


def missing_tools() -> str | None:
    """What this machine lacks to run the Playground (None: nothing), after installing its npm
    package when npm is there."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node and npm"
    if not Path(CHROMIUM).exists():
        return CHROMIUM
    npm_install(PLAYGROUND_DIR, CLI)
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright for Python"
    return None


def start_playground(who: str, port: int, bot_url: str, log: Path) -> subprocess.Popen:
    """One Playground whose current user is `who`'s (tests/teams/playground/<who>/...yml)."""
    return subprocess.Popen(
        ["node", str(CLI), "-p", str(port), "-e", bot_url, "-c", "msteams", "--disable-telemetry"],
        cwd=PLAYGROUND_DIR / who, stdout=log.open("w"), stderr=subprocess.STDOUT,
        env={**os.environ, "M365_AGENTS_PLAYGROUND_CONFIG_PATH": str(PLAYGROUND_DIR / who / ".m365agentsplayground.yml"),
             # Its own log beside ours, not in a devTools/ folder of the repository.
             "MSAPPTESTER_LOGFILE": str(log.with_suffix(".devtools.log"))})


@dataclass
class PlaygroundPage:
    """One person's Playground page: what they read, what they press and type."""

    page: object
    shots: Path
    name: str
    taken: int = 0

    async def open(self, url: str) -> None:
        await self.page.goto(url, wait_until="networkidle")

    async def conversation(self, title: str) -> None:
        await self.page.get_by_text(title, exact=True).first.click()

    async def sees(self, text: str) -> None:
        await self.page.get_by_text(text).last.wait_for(timeout=STEP_TIMEOUT_MS)

    async def press(self, label: str) -> None:
        button = self.page.get_by_role("button", name=label, exact=True).last
        await button.wait_for(timeout=STEP_TIMEOUT_MS)
        await button.click()

    async def types(self, text: str) -> None:
        """A message in the chat shown (its one message box)."""
        await self._send(self.page, text)

    async def _send(self, where, text: str, *, mention: bool = False) -> None:
        # The box's placeholder lies over its editor: a click there lands in the editor.
        await where.get_by_text(MESSAGE_BOX).last.click(force=True)
        if mention:
            await self.mention_the_bot()
        await self.page.keyboard.type(text)
        await self.page.keyboard.press("Enter")

    async def posts(self, text: str) -> None:
        """A new post in the channel shown (a thread of its own), the bot @mentioned first: in a
        channel Teams gives the bot only the posts that mention it."""
        await self.page.locator("[contenteditable='true']").first.click()  # the new post's editor
        await self.mention_the_bot()
        await self.page.keyboard.type(text)
        await self.page.get_by_role("button", name="Post", exact=True).click()

    async def mention_the_bot(self) -> None:
        await self.page.keyboard.type(f"@{BOT_NAME}")
        # The mention picker opens under the text: a menu of who can be mentioned.
        await self.page.get_by_role("menuitem", name=BOT_NAME).first.click(timeout=STEP_TIMEOUT_MS)
        await self.page.keyboard.type(" ")

    def _thread(self, of: str):
        """The post that shows `of`, with its thread of replies and its reply box."""
        return self.page.locator("div", has=self.page.get_by_text(of)).filter(
            has=self.page.get_by_text(MESSAGE_BOX)).last

    async def replies_in_thread(self, of: str, text: str) -> None:
        """A reply in the thread of the post that shows `of`, the bot @mentioned (Teams gives
        the bot no reply that does not mention it)."""
        await self._send(self._thread(of), text, mention=True)

    async def sees_in_thread(self, of: str, text: str) -> None:
        """`text` among the replies of the post that shows `of`, not in a post of its own."""
        await self._thread(of).get_by_text(text).last.wait_for(timeout=STEP_TIMEOUT_MS)

    async def count(self, text: str) -> int:
        return await self.page.get_by_text(text).count()

    async def buttons(self, label: str) -> int:
        return await self.page.get_by_role("button", name=label, exact=True).count()

    async def text(self) -> str:
        return await self.page.inner_text("body")

    async def protocol(self) -> str:
        found = re.findall(r"CAGE-\d{5}-[A-Z0-9]{4}", await self.text())
        assert found, "no protocol on the page"
        return found[-1]

    async def shot(self, step: str) -> Path:
        self.taken += 1
        path = self.shots / f"{self.name}-{self.taken:02d}-{step}.png"
        await self.page.screenshot(path=str(path), full_page=True)
        return path
