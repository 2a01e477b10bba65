"""Proving who one is, channel-neutral: the policy (`Verification`), the gate before demands,
the one-time sign-in link, the e-mail code, and Teams' directory identity.

On a network channel anyone can type any name or e-mail; a person counts as verified once they
proved an identity (store/identity.py): signed in with the OpenID provider (gov.br) through a
one-time link (bot/signin.py takes the browser's return), typed back a code e-mailed to an
institutional address (the profile's e-mail step, dialogs/profile.py), or wrote from Teams, whose
directory vouches for the account and for the e-mail its roster gives. With
`Verification.required`, opening, listing or acting on demands waits for that; the terminal shell
is the local operator, trusted as such.
"""

from __future__ import annotations

from dataclasses import dataclass

from dialogs import choice_ids as ids
from dialogs.flow import Turn, menu_choices
from dialogs.messages import Outgoing, outgoing_to_json
from dialogs.states import ProfileState
from dialogs.texts import Texts
from store import Actor
from store.identity import AAD, EMAIL, CodeRefused, normal_form

# The local operator at the terminal.
TRUSTED_CHANNELS = frozenset({"shell"})


@dataclass(frozen=True)
class Verification:
    """How people prove who they are here, from the configuration (bot/app.py)."""

    # The sign-in link's base (ECAGE_PUBLIC_URL + bot.signin's path, ending in "/"): OpenID on.
    sign_in_base: str | None = None
    # E-mail codes to these domains (and their subdomains), when there is no OpenID provider.
    email_domains: tuple[str, ...] = ()
    required: bool = False

    @property
    def email_codes(self) -> bool:
        return bool(self.email_domains) and not self.sign_in_base

    @property
    def configured(self) -> bool:
        return bool(self.sign_in_base or self.email_codes)

    def domain_allowed(self, address: str) -> bool:
        domain = address.rpartition("@")[2].lower()
        return any(domain == allowed or domain.endswith("." + allowed) for allowed in self.email_domains)


# --- the gate ------------------------------------------------------------------------------------------

async def stops(turn: Turn) -> bool:
    """True when the person must prove who they are before touching demands: then told how."""
    verification = turn.verification
    if verification is None or not verification.required or turn.incoming.channel in TRUSTED_CHANNELS or turn.person.is_attendant:
        return False
    if await turn.tx.is_verified(turn.person.id):
        return False
    turn.say("identity.needed")
    await explain(turn)
    return True


async def explain(turn: Turn) -> None:
    """The way to prove it: a fresh sign-in link, or the e-mail code asked in the profile."""
    verification = turn.verification
    if verification.sign_in_base:
        token = await turn.tx.create_signin_link(turn.person.id, turn.actor.chat_id, turn.incoming.channel,
                                                 turn.incoming.user_id)
        turn.say("identity.link", url=verification.sign_in_base + token,
                 choices=[turn.choice(ids.SIGN_IN, "identity.new_link"), turn.choice(ids.MENU, "menu.back")])
        return await turn.menu(None)
    if verification.email_codes:
        turn.say("identity.email_way", domains=", ".join(verification.email_domains))
        return await turn.start(ProfileState(step="email"))
    turn.say("identity.no_way")
    await turn.menu()


# --- e-mail codes ---------------------------------------------------------------------------------------

def proves_emails(turn: Turn) -> bool:
    """Whether an e-mail typed here counts only once its code is typed back."""
    verification = turn.verification
    return (verification is not None and verification.email_codes
            and turn.incoming.channel not in TRUSTED_CHANNELS)


async def email_proved(turn: Turn, address: str) -> bool:
    """Whether `address` is an e-mail this person proved (a code, the OpenID provider, Teams'
    roster): shown as confirmed, and never asked a code again."""
    return any(person.id == turn.person.id for person in await turn.tx.people_by_identity(EMAIL, address))


async def send_code(turn: Turn, address: str) -> bool:
    """E-mail a new code to `address` (through the outbox); False when asked again too soon."""
    try:
        code = await turn.tx.issue_email_code(turn.person.id, address)
    except CodeRefused as refused:
        turn.say(f"identity.code_wait_{refused.reason}")
        return False
    mail = Outgoing(text=turn.t("identity.code_mail", code=code), card={"subject": turn.t("identity.code_subject")})
    await turn.tx.queue_email(address, outgoing_to_json(mail))
    turn.say("identity.code_sent", email=address)
    return True


async def check_code(turn: Turn, typed: str) -> str:
    """The outcome of a typed code (store.identity.CodeCheck), said to the person; once right,
    the turn goes on as the person the address belongs to."""
    check = await turn.tx.check_email_code(turn.person.id, typed)
    if check.outcome == "verified":
        await _as_account_owner(turn)
        turn.person = await turn.tx.update_profile(turn.person.id, email=check.address)
        turn.say("identity.code_ok", email=check.address)
    elif check.outcome == "wrong":
        turn.say("identity.code_wrong", left=check.tries_left)
    else:
        turn.say("identity.code_locked" if check.outcome == "locked" else "identity.code_expired")
    return check.outcome


async def _as_account_owner(turn: Turn) -> None:
    """Proving an identity someone else proved first joins this account to them: the rest of the
    turn is theirs."""
    person = await turn.tx.person_for_account(turn.incoming.channel, turn.incoming.user_id)
    if person is not None:
        _as(turn, person)


def _as(turn: Turn, person) -> None:
    """The rest of the turn is `person`'s: whom a proof joined this account to, or the same
    person as a proof left them (an attendant, by a grant waiting for it)."""
    if person.id != turn.person.id:
        turn.actor = Actor(person_id=person.id, chat_id=turn.actor.chat_id)
    turn.person = person


# --- what a directory vouches for ------------------------------------------------------------------------

async def vouched_for(turn: Turn) -> None:
    """Teams' directory object id, and the e-mail its roster gives beside it, are Microsoft's word
    on who writes: recorded, never asked. The e-mail joins whoever proved it first (an e-mail code
    on Telegram, say), brings a role granted to it, and becomes the profile's when it has none."""
    incoming = turn.incoming
    if not incoming.directory_id:
        return  # an e-mail is vouched for only beside the account's directory id
    proved = {(identity.kind, identity.value) for identity in await turn.tx.identities(turn.person.id)}
    for kind, value in ((AAD, incoming.directory_id), (EMAIL, incoming.directory_email)):
        if value and (kind, normal_form(kind, value)) not in proved:
            _as(turn, await turn.tx.verify_identity(turn.person.id, kind, value, "teams directory"))
            if kind == EMAIL and not turn.person.email:
                turn.person = await turn.tx.update_profile(turn.person.id, email=value)


def signed_in_message(locale: str | None, name: str) -> dict:
    """What the chat is told once the browser came back from the provider (bot/signin.py)."""
    t = Texts(locale or "pt-BR")
    return outgoing_to_json(Outgoing(text=t("identity.signed_in", name=name), choices=tuple(menu_choices(t))))

