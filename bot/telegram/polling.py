"""getUpdates read one update at a time.

python-telegram-bot's `get_updates` reads a whole batch into `Update`s at once: one update it
cannot read (a field missing that Telegram always sends, a shape of a newer Bot API) fails the
batch, the offset never moves past it, and every later getUpdates fails on it for ever: no chat
is answered again. Here the batch comes as Telegram sent it, and each update is read apart; one
that cannot be read is logged and acknowledged with its batch, as the webhook answers it 400.
"""

from __future__ import annotations

import logging
import warnings

from telegram import Bot, Update
from telegram.warnings import PTBUserWarning

log = logging.getLogger(__name__)

# How much longer than its long-poll timeout a getUpdates may take to answer.
READ_SLACK_S = 10.0

# Asked through do_api_request on purpose: the library's advice against it, at every poll, is no news.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.getUpdates'", category=PTBUserWarning)


async def get_updates(bot: Bot, offset: int | None, timeout: float) -> list[tuple[int, dict]]:
    """One long poll: (update_id, the update's JSON) of each update Telegram sent."""
    raw = await bot.do_api_request(
        "getUpdates", api_kwargs={"timeout": timeout, "allowed_updates": list(Update.ALL_TYPES),
                                  **({"offset": offset} if offset is not None else {})},
        read_timeout=READ_SLACK_S + timeout)
    return [(item["update_id"], item) for item in raw or ()
            if isinstance(item, dict) and isinstance(item.get("update_id"), int)]


def readable(bot: Bot, batch: list[tuple[int, dict]]) -> list[tuple[dict, Update]]:
    """(JSON, Update) of each update of `batch` the library can read."""
    updates = []
    for update_id, payload in batch:
        try:
            updates.append((payload, Update.de_json(payload, bot)))
        except Exception as error:
            log.warning("Ignored Telegram update %s: python-telegram-bot cannot read it (%s)",
                        update_id, error.__class__.__name__)
    return updates
