"""Sending to Teams: the adapter built from the configuration, a send that retries what the Bot
Connector asks us to retry, and `TeamsSender` for the notifier's proactive pushes.

The connector's refusals are the notifier's errors (bot/notifier/senders.py): what Teams asks to
retry is a TransientSendError, a refusal that says the conversation cannot be reached any more
(blocked, the bot removed, the conversation gone: `GONE`) a ChatGoneError, which marks the chat
until it writes again, and any other refusal (a bad token among them) a PermanentSendError of
this message only."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import aiohttp
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, ConversationReference
from msrest.exceptions import ClientRequestError, DeserializationError

from bot.config import Config
from bot.downloads import FileLinks
from bot.notifier import ChatGoneError, PermanentSendError, TransientSendError
from dialogs import Outgoing

from . import msrest_policy
from .render import render

log = logging.getLogger(__name__)

# 429 throttled, 412 a concurrent update of the conversation, 502/504 the connector's gateway.
RETRY_STATUSES = frozenset({429, 412, 502, 504})
# The connector's error codes that mean nothing reaches the conversation until someone there
# writes to the bot again (Teams' "Status codes from bot conversational APIs": blocked by the
# user, disabled by the tenant's admin, the bot no longer in the conversation or not installed
# for the user, the conversation deleted; MessageWritesBlocked, a subCode, for a user who blocked
# or uninstalled the bot). A 403 with another code (a token refused, a permission missing) is no
# sign that the chat is gone.
GONE = {
    403: frozenset({"ConversationBlockedByUser", "BotDisabledByAdmin", "BotNotInConversationRoster",
                    "ForbiddenOperationException", "MessageWritesBlocked"}),
    404: frozenset({"ConversationNotFound"}),
}


def build_adapter(config: Config) -> CloudAdapter:
    """The Bot Framework adapter; without MICROSOFT_APP_ID it neither checks the channel's token
    nor fetches one of its own (the Bot Framework's local-testing mode)."""
    msrest_policy.apply()
    settings = SimpleNamespace(
        APP_ID=config.microsoft_app_id or "",
        APP_PASSWORD=config.microsoft_app_password or "",
        APP_TYPE=config.microsoft_app_type or "MultiTenant",
        APP_TENANTID=config.microsoft_app_tenant_id or "",
    )
    return CloudAdapter(ConfigurationBotFrameworkAuthentication(settings))


def bot_framework_token(config: Config) -> tuple[str, Callable[[], Awaitable[object]]]:
    """Where the configured app's token comes from, and how to fetch one (what `python -m bot
    check` tries). The identity platform's refusal is a PermissionError."""
    from botframework.connector.auth import MicrosoftAppCredentials

    credentials = MicrosoftAppCredentials(config.microsoft_app_id, config.microsoft_app_password,
                                          channel_auth_tenant=config.microsoft_app_tenant_id)
    # msal fetches over the network, synchronously.
    return credentials.oauth_endpoint, lambda: asyncio.to_thread(credentials.get_access_token)


@dataclass(frozen=True)
class Retry:
    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Exponential backoff with full jitter, so many pushes throttled together do not come
        back together; a Retry-After from the connector is a floor."""
        backoff = random.uniform(0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))
        return max(backoff, retry_after or 0.0)


def status_of(error: BaseException) -> int | None:
    response = getattr(error, "response", None)
    return getattr(response, "status_code", None) or getattr(response, "status", None)


def retry_after_of(error: BaseException) -> float | None:
    headers = getattr(getattr(error, "response", None), "headers", None) or {}
    try:
        return float(headers.get("Retry-After"))
    except (TypeError, ValueError):
        return None


def error_codes(error: BaseException) -> set[str]:
    """The codes the connector's error body names (botbuilder's ErrorResponse: `error.code`, and a
    `subCode` beside it where Teams gives one)."""
    body = getattr(getattr(error, "error", None), "error", None)
    extra = getattr(body, "additional_properties", None) or {}
    return {code for code in (getattr(body, "code", None), extra.get("subCode")) if isinstance(code, str)}


def chat_gone(error: BaseException) -> bool:
    return bool(error_codes(error) & GONE.get(status_of(error), frozenset()))


def is_transient(error: BaseException) -> bool:
    status = status_of(error)
    if status is not None:
        return status in RETRY_STATUSES or status >= 500
    # msrest's ClientRequestError: the connector not reached at all (refused, name unknown, cut);
    # its DeserializationError: an answer that is no JSON (a gateway's text/plain or HTML page),
    # which msrest reads before it looks at the status. Unclassified, it failed the whole turn.
    return isinstance(error, (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError, ClientRequestError,
                              DeserializationError))


async def deliver(context: TurnContext, activity: Activity, retry: Retry = Retry()) -> str | None:
    """Send one activity, retrying 429/412/502/504, and return the id Teams gave it; raises
    TransientSendError or PermanentSendError when it cannot."""
    response = await with_retries(lambda: context.send_activity(activity), retry)
    return getattr(response, "id", None)


async def with_retries(call: Callable[[], Awaitable[Any]], retry: Retry) -> Any:
    """`call()` (one request to the Bot Connector), again while it answers 429/412/502/504."""
    for attempt in range(1, retry.attempts + 1):
        try:
            return await call()
        except Exception as error:
            status = status_of(error)
            retry_after = retry_after_of(error)
            # Asked to come back later than we hold a send: the notifier's own schedule takes over.
            patient = retry_after is None or retry_after <= retry.max_delay
            if status in RETRY_STATUSES and attempt < retry.attempts and patient:
                wait = retry.delay(attempt, retry_after)
                log.info("Bot Connector answered %s; retrying in %.2fs", status, wait)
                await asyncio.sleep(wait)
                continue
            if is_transient(error):
                raise TransientSendError(f"teams: send failed ({status or error!r})", retry_after) from error
            if chat_gone(error):
                raise ChatGoneError(f"teams: conversation unreachable (HTTP {status}: {error})") from error
            if status is not None:
                raise PermanentSendError(f"teams: message refused (HTTP {status})") from error
            raise


# Teams allows a bot about 60 messages per conversation in 30 seconds.
TEAMS_INTERVAL = 0.5


class TeamsSender:
    """The notifier's sender for Teams: pushes an `Outgoing` to a chat the bot has heard from,
    through its stored conversation reference. `chat` is the store's Chat."""

    channel = "teams"

    def __init__(self, adapter: CloudAdapter, app_id: str | None = None, *, retry: Retry = Retry(),
                 links: FileLinks | None = None) -> None:
        self.adapter = adapter
        self.app_id = app_id or None
        self.retry = retry
        self.links = links  # bot/downloads.py: signs the links of the files that cannot go inline

    @classmethod
    def from_config(cls, config: Config, **options: Any) -> TeamsSender:
        options.setdefault("links", FileLinks.from_config(config))
        return cls(build_adapter(config), config.microsoft_app_id, **options)

    def min_interval(self, chat: Any) -> float:
        return TEAMS_INTERVAL

    async def send(self, chat: Any, outgoing: Outgoing, skip: int = 0) -> list[str]:
        """Push `outgoing`, each activity a part (the first `skip` were sent before); returns the
        ids of the activities sent."""
        reference = _reference_of(chat)
        activities = render(outgoing, getattr(chat, "locale", None) or "pt-BR", links=self.links)[skip:]
        sent: list[str] = []
        delivered = skip

        async def push(context: TurnContext) -> None:
            nonlocal delivered
            context.on_send_activities(not_a_reply)
            for activity in activities:
                activity_id = await deliver(context, activity, self.retry)
                delivered += 1
                if activity_id:
                    sent.append(activity_id)

        try:
            await self.adapter.continue_conversation(reference, push, bot_app_id=self.app_id)
        except TransientSendError as error:
            error.parts_sent = delivered
            raise
        return sent

    async def edit(self, chat: Any, message_id: str, outgoing: Outgoing) -> None:
        """Show `outgoing` in place of the card `message_id` (updateActivity): a room's card of a
        demand follows the demand instead of a new card each time."""
        reference = _reference_of(chat)
        card, *_ = render(outgoing, getattr(chat, "locale", None) or "pt-BR")
        card.id = message_id

        async def update(context: TurnContext) -> None:
            card.conversation = context.activity.conversation
            await with_retries(lambda: context.update_activity(card), self.retry)

        await self.adapter.continue_conversation(reference, update, bot_app_id=self.app_id)


def _reference_of(chat: Any) -> ConversationReference:
    if not getattr(chat, "reference", None):
        raise PermanentSendError("teams: no conversation reference stored for this chat")
    return ConversationReference().deserialize(chat.reference)


async def open_teams(config: Config, stack: AsyncExitStack) -> TeamsSender:
    """The factory for bot.notifier's SENDERS. Always a sender: a Teams chat in the store means
    the bot has run on Teams, and its pushes must go out."""
    return TeamsSender.from_config(config)


async def not_a_reply(context: TurnContext, activities: list[Activity], send_next):
    # botbuilder marks proactive messages as replies to the made-up activity that started the
    # turn; a push is a new message in the conversation.
    for activity in activities:
        activity.reply_to_id = None
    return await send_next()
