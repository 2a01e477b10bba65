"""Who writes, as the Teams directory says: the roster's entry of an activity's sender (its name,
its e-mail or user principal name, its object id), read once per member per process.

A conversationUpdate names nobody, and no activity carries an e-mail: both come from the roster
(botbuilder's TeamsInfo.get_member, the team's roster in a channel, the conversation's elsewhere).
Microsoft vouches for the user principal name as it does for the AAD object id
(dialogs/identity.py): a tenant can only give its users names in domains it proved it owns. The
roster's `email` field is not: a tenant's administrator may write any address there, a CAGE
attendant's included, so it is never taken as a proof. The name is taken only beside an object
id: from an activity that names its sender's object id, and from a roster entry that is not
another object's. A roster that cannot be read, or has no e-mail, gives what it
has, maybe nothing; the turn goes on without it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import Activity

from store import StoreError
from store.validation import normalize_email

log = logging.getLogger(__name__)

# Members remembered at once: an entry is a few strings, and more people than this writing to
# one process within the hour would only cost a lookup each again.
CACHE_SIZE = 2048
# A roster that could not be read (the connector away, an id it does not know) is asked again
# after this long, not on each message meanwhile.
MISS_TTL = 300.0
# The lookup is a courtesy to the turn: a connector that is slow to say, or keeps failing (its
# client retries a 5xx three times, seconds apart), does not hold the answer longer than this.
LOOKUP_TIMEOUT = 2.0


@dataclass(frozen=True)
class Member:
    name: str | None = None  # the display name, else the user principal name
    email: str | None = None  # the user principal name, when it is an address
    aad_object_id: str | None = None


class Roster:
    """The members this process has looked up, most recent last (`CACHE_SIZE` of them)."""

    def __init__(self, *, size: int = CACHE_SIZE, miss_ttl: float = MISS_TTL,
                 timeout: float = LOOKUP_TIMEOUT, clock: Callable[[], float] = time.monotonic) -> None:
        self.size, self.miss_ttl, self.timeout, self.clock = size, miss_ttl, timeout, clock
        self._known: OrderedDict[str, tuple[Member | None, float]] = OrderedDict()

    async def member(self, context: TurnContext, activity: Activity) -> Member | None:
        """The roster's entry of `activity`'s sender, through `context`'s connector; None when the
        roster could not say."""
        sender = activity.from_property
        if sender is None or not sender.id:
            return None
        known = self._known.get(sender.id)
        if known is not None and (known[0] is not None or self.clock() - known[1] < self.miss_ttl):
            self._known.move_to_end(sender.id)
            return known[0]
        member = await self._look_up(context, activity)
        self._known[sender.id] = (member, self.clock())
        self._known.move_to_end(sender.id)
        while len(self._known) > self.size:
            self._known.popitem(last=False)
        return member

    async def _look_up(self, context: TurnContext, activity: Activity) -> Member | None:
        team = activity.channel_data.get("team") if isinstance(activity.channel_data, dict) else None
        # TeamsInfo reads the team from the turn's activity: the team's roster in a channel.
        context.activity.channel_data = {"team": team} if isinstance(team, dict) and team.get("id") else {}
        try:
            async with asyncio.timeout(self.timeout):
                found = await TeamsInfo.get_member(context, activity.from_property.id)
        except Exception as error:  # no roster (a connector that has none, an id it does not know)
            log.info("No roster entry for a Teams member (%s)", error.__class__.__name__)
            return None
        principal = _text(getattr(found, "user_principal_name", None))
        return Member(name=_text(getattr(found, "name", None)) or principal,
                      email=_address(principal),
                      aad_object_id=_text(getattr(found, "aad_object_id", None)))


def directory_email(member: Member | None, activity: Activity) -> str | None:
    """The roster's user principal name as Microsoft's word on who writes: only beside the sender's object id,
    from an entry that is not another object's."""
    aad = activity.from_property.aad_object_id
    if member is None or not member.email or not aad:
        return None
    if member.aad_object_id and member.aad_object_id != aad:
        return None
    return member.email


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _address(value: object) -> str | None:
    try:
        return normalize_email(value) if isinstance(value, str) and value.strip() else None
    except StoreError:  # a user principal name that is no address ("maria#EXT#@...", a bare name)
        return None
