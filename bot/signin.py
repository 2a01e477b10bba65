"""The browser's side of signing in with the OpenID provider (gov.br), mounted by bot/http.py.

    GET /signin/<token>     a chat's one-time link (dialogs/identity.py): opened once, within
                            10 minutes, it redirects to the provider (authorization code with
                            PKCE S256, a fresh state and nonce kept in the store)
    GET /signin/callback    the provider's return: the state names the link (once), the code is
                            exchanged with our client secret and the PKCE verifier, the ID token
                            is checked (signature against the provider's JWKS, iss, aud, exp,
                            nonce); only then is the subject bound to the chat's person, and the
                            chat told so through the outbox

The OAuth 2.0 parameters and PKCE are Authlib's; the ID token is checked with joserfc, the JOSE
library Authlib itself now uses. Anything wrong ends on a page saying so, and binds nothing.
"""

from __future__ import annotations

import base64
import logging
import time
from dataclasses import dataclass
from html import escape
from urllib.parse import quote_plus

import aiohttp
from aiohttp import web
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from dialogs.identity import signed_in_message
from dialogs.texts import Texts
from store import Store
from store.identity import EMAIL, OIDC, SignInLink, oidc_value

log = logging.getLogger(__name__)

PATH = "/signin/"
CALLBACK = PATH + "callback"
SCOPE = "openid profile email"
HTTP_TIMEOUT = aiohttp.ClientTimeout(total=15)
# The provider's discovery document and keys, read again after this long (keys rotate).
METADATA_TTL_S = 3600


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str
    client_secret: str
    public_url: str

    @property
    def basic_auth(self) -> str:
        """client_secret_basic: id and secret form-encoded first (RFC 6749 §2.3.1)."""
        pair = f"{quote_plus(self.client_id)}:{quote_plus(self.client_secret)}"
        return "Basic " + base64.b64encode(pair.encode()).decode()

    @property
    def redirect_uri(self) -> str:
        return self.public_url.rstrip("/") + CALLBACK


class SignInRefused(Exception):
    """The provider's answer did not prove anything; the reason is for the log."""


class SignIn:
    def __init__(self, provider: Provider, store: Store):
        self.provider = provider
        self.store = store
        self._metadata: tuple[float, dict, KeySet] | None = None

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_get(CALLBACK, self.callback)  # before the token route, which would take it
        router.add_get(PATH + "{token}", self.open_link)

    async def open_link(self, request: web.Request) -> web.Response:
        try:
            # Before the link is spent: a provider away leaves it for another try.
            metadata, _ = await self._provider_metadata()
        except (aiohttp.ClientError, TimeoutError, ValueError, KeyError) as error:
            log.warning("the OpenID provider's metadata could not be read: %s", error)
            return _page(503, "signin.page_unavailable")
        async with self.store.transaction() as tx:
            link = await tx.open_signin_link(request.match_info["token"])
        if link is None:
            return _page(410, "signin.page_link_gone")
        url = prepare_grant_uri(
            metadata["authorization_endpoint"], self.provider.client_id, "code",
            redirect_uri=self.provider.redirect_uri, scope=SCOPE, state=link.state, nonce=link.nonce,
            code_challenge=create_s256_code_challenge(link.code_verifier), code_challenge_method="S256")
        raise web.HTTPFound(url)

    async def callback(self, request: web.Request) -> web.Response:
        state, code = request.query.get("state", ""), request.query.get("code", "")
        async with self.store.transaction() as tx:
            # Marked done before the code is tried: a replayed or raced callback finds it spent.
            link = await tx.finish_signin(state) if state else None
        if link is None or not code:
            log.warning("sign-in callback refused: unknown, expired or used state (or no code)")
            return _page(400, "signin.page_refused")
        try:
            claims = await self._verified_claims(code, link)
        except (SignInRefused, JoseError, ValueError, aiohttp.ClientError, TimeoutError) as error:
            log.warning("sign-in refused for person %s: %s", link.person_id, error)
            return _page(400, "signin.page_refused")
        locale = await self._bind(link, claims)
        return _page(200, "signin.page_done", locale)

    async def _verified_claims(self, code: str, link: SignInLink) -> dict:
        metadata, keys = await self._provider_metadata()
        async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT) as http:
            async with http.post(metadata["token_endpoint"], data={
                    "grant_type": "authorization_code", "code": code, "redirect_uri": self.provider.redirect_uri,
                    "code_verifier": link.code_verifier},
                    headers={"Authorization": self.provider.basic_auth}) as response:
                answer = await response.json(content_type=None)
                if response.status != 200 or not isinstance(answer, dict) or "id_token" not in answer:
                    raise SignInRefused(f"token endpoint said {response.status}: {str(answer)[:200]}")
        token = jwt.decode(answer["id_token"], keys, algorithms=metadata.get(
            "id_token_signing_alg_values_supported") or ["RS256"])
        jwt.JWTClaimsRegistry(
            now=int(time.time()), leeway=60,
            iss={"essential": True, "value": metadata["issuer"]},
            aud={"essential": True, "value": self.provider.client_id},
            exp={"essential": True}, sub={"essential": True},
            nonce={"essential": True, "value": link.nonce}).validate(token.claims)
        return token.claims

    async def _bind(self, link: SignInLink, claims: dict) -> str | None:
        details = {key: claims[key] for key in ("cpf", "name", "email") if claims.get(key)}
        async with self.store.transaction() as tx:
            # The account's person now: a proof elsewhere may have joined it since the link was made.
            person = await tx.person_for_account(link.channel, link.channel_user_id)
            await tx.verify_identity(person.id, OIDC, oidc_value(claims["iss"], claims["sub"]),
                                     f"oidc {claims['iss']}", details)
            person = await tx.person_for_account(link.channel, link.channel_user_id)
            if claims.get("email") and claims.get("email_verified") is True:
                await tx.verify_identity(person.id, EMAIL, claims["email"], f"oidc {claims['iss']}")
                person = await tx.person_for_account(link.channel, link.channel_user_id)
            changes = {field: claims[field] for field in ("name", "email") if claims.get(field)}
            if changes:
                person = await tx.update_profile(person.id, **changes)
            chat = await tx.chat(link.chat_id)
            await tx.queue_message(link.chat_id, signed_in_message(chat.locale, person.name))
        return chat.locale

    async def _provider_metadata(self) -> tuple[dict, KeySet]:
        if self._metadata is None or self._metadata[0] < time.monotonic() - METADATA_TTL_S:
            async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT) as http:
                discovery = self.provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
                async with http.get(discovery) as response:
                    response.raise_for_status()
                    metadata = await response.json(content_type=None)
                async with http.get(metadata["jwks_uri"]) as response:
                    response.raise_for_status()
                    keys = KeySet.import_key_set(await response.json(content_type=None))
            self._metadata = (time.monotonic(), metadata, keys)
        return self._metadata[1], self._metadata[2]


def _page(status: int, key: str, locale: str | None = None) -> web.Response:
    t = Texts(locale or "pt-BR")
    body = f"<!DOCTYPE html><meta charset='utf-8'><title>e-CAGE</title><p>{escape(t(key))}</p>"
    return web.Response(status=status, text=body, content_type="text/html")
