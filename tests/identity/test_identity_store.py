"""The identity part of the store, on SQLite and PostgreSQL: one value, one person (a proof from
another account joins it, demands and all); links and codes used once and kept hashed."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select
from samples import DRAFT

from store import Actor
from store.identity import CODE_TRIES, CodeRefused
from store.models import EmailCodeRow, SignInLinkRow

EMAIL = "maria@sefaz.rs.gov.br"


async def test_a_proof_from_another_account_joins_it_with_its_demands(store):
    async with store.transaction() as tx:
        telegram = await tx.ensure_person("telegram", "1", "Maria")
        teams = await tx.ensure_person("teams", "aad-1", "Maria S.")
        mine = await tx.open_demand(Actor(teams.id), DRAFT)
        assert (await tx.verify_identity(telegram.id, "email", " Maria@SEFAZ.rs.gov.br", "e-mail code")).id == telegram.id
        assert (await tx.verify_identity(teams.id, "email", EMAIL, "e-mail code")).id == telegram.id
        assert (await tx.person_for_account("teams", "aad-1")).id == telegram.id
        page = await tx.list_demands(Actor(telegram.id), False)
        assert [item.protocol for item in page.items] == [mine.protocol]
        assert [(i.kind, i.value) for i in await tx.identities(telegram.id)] == [("email", EMAIL)]
        stranger = await tx.ensure_person("telegram", "2", "Someone")
        assert not (await tx.list_demands(Actor(stranger.id), False)).items


async def test_two_accounts_proving_one_address_at_once_become_one_person(store):
    async with store.transaction() as tx:
        telegram = await tx.ensure_person("telegram", "1", "Maria")
        teams = await tx.ensure_person("teams", "aad-1", "Maria S.")
    first_proved = asyncio.Event()

    async def prove_first() -> int:
        async with store.transaction() as tx:
            owner = (await tx.verify_identity(telegram.id, "email", EMAIL, "e-mail code")).id
            first_proved.set()
            await asyncio.sleep(0.3)  # still open: on PostgreSQL the second proof meets it uncommitted
        return owner

    async def prove_second() -> int:
        await first_proved.wait()
        async with store.transaction() as tx:
            return (await tx.verify_identity(teams.id, "email", EMAIL, "e-mail code")).id

    assert await asyncio.gather(prove_first(), prove_second()) == [telegram.id, telegram.id]
    async with store.transaction() as tx:
        assert (await tx.person_for_account("teams", "aad-1")).id == telegram.id
        assert [(i.kind, i.value) for i in await tx.identities(telegram.id)] == [("email", EMAIL)]


async def test_a_grant_waits_for_the_proof(store):
    async with store.transaction() as tx:
        existed, people = await tx.grant_by_identity("email", EMAIL, True)
        assert (existed, people) == (False, [])
        ana = await tx.ensure_person("telegram", "1", "Ana")
        await tx.update_profile(ana.id, email=EMAIL)  # typed: not a proof
        assert not (await tx.person(ana.id)).is_attendant
        assert (await tx.verify_identity(ana.id, "email", EMAIL, "e-mail code")).is_attendant
        assert await tx.waiting_grants() == []
        existed, people = await tx.grant_by_identity("email", EMAIL, False)
        assert existed and [p.is_attendant for p in people] == [False]


async def test_links_open_once_finish_once_and_expire(store, clock):
    async with store.transaction() as tx:
        person = await tx.ensure_person("telegram", "1", "Maria")
        chat = await tx.ensure_chat("telegram", "1", person_id=person.id)
        token = await tx.create_signin_link(person.id, chat.id, "telegram", "1")
        stored = await tx.session.scalar(select(SignInLinkRow.token_hash))
        assert token not in stored
        assert await tx.finish_signin("whatever") is None
        link = await tx.open_signin_link(token)
        assert link is not None and await tx.open_signin_link(token) is None
        assert (await tx.finish_signin(link.state)).person_id == person.id
        assert await tx.finish_signin(link.state) is None
        late = await tx.create_signin_link(person.id, chat.id, "telegram", "1")
    clock.advance(minutes=10)
    async with store.transaction() as tx:
        assert await tx.open_signin_link(late) is None


async def test_codes_are_hashed_tried_five_times_and_resent_sparingly(store, clock):
    async with store.transaction() as tx:
        person = await tx.ensure_person("telegram", "1", "Maria")
        code = await tx.issue_email_code(person.id, EMAIL)
        assert code not in {value for row in (await tx.session.execute(
            select(EmailCodeRow.code_hash, EmailCodeRow.salt))).all() for value in row}
        with pytest.raises(CodeRefused) as refused:
            await tx.issue_email_code(person.id, EMAIL)
        assert refused.value.reason == "minute"
        wrong = f"{(int(code) + 1) % 10 ** 6:06d}"
        outcomes = [(await tx.check_email_code(person.id, wrong)).outcome for _ in range(CODE_TRIES)]
        assert outcomes == ["wrong"] * (CODE_TRIES - 1) + ["locked"]
        assert (await tx.check_email_code(person.id, code)).outcome == "none"
        assert await tx.identities(person.id) == []


async def test_push_preferences_per_channel(store):
    async with store.transaction() as tx:
        person = await tx.ensure_person("telegram", "1", "Maria")
        assert await tx.push_preferences(person.id) == {}
        await tx.set_push_preference(person.id, "email", False)
        await tx.set_push_preference(person.id, "teams", True)
        await tx.set_push_preference(person.id, "email", True)
        assert await tx.push_preferences(person.id) == {"email": True, "teams": True}
