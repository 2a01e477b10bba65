"""People, their channel accounts and profile, chats, and conversation state."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from store_support import raises_saying

from store import InvalidField, NotAllowed, TooLong
from store.models import ConversationRow


async def test_ensure_person_creates_once_per_channel_account(store):
    async with store.transaction() as tx:
        assert await tx.person_for_account("telegram", "42") is None
        first = await tx.ensure_person("telegram", "42", "Ana Souza")
        again = await tx.ensure_person("telegram", 42, "Outro Nome")
    assert first == again and first.name == "Ana Souza"
    assert not first.is_attendant and not first.profile_complete
    async with store.transaction() as tx:
        assert await tx.person_for_account("telegram", "42") == first


async def test_one_person_may_use_several_channels(store):
    async with store.transaction() as tx:
        ana = await tx.ensure_person("telegram", "42", "Ana")
        await tx.link_account(ana.id, "teams", "29:1abc")
        assert (await tx.person_for_account("teams", "29:1abc")).id == ana.id
        assert (await tx.ensure_person("teams", "29:1abc", "Ana S.")).id == ana.id


async def test_profile_is_validated_and_normalised(store):
    async with store.transaction() as tx:
        ana = await tx.ensure_person("telegram", "42", "Ana")
        ana = await tx.update_profile(ana.id, name=" Ana Souza ", email="Ana.Souza@Sefaz.RS.gov.br",
                                      phone="(51) 99999-8888", cargo="Analista",
                                      organ_key="sefaz")
        assert ana.profile_complete
        assert (ana.name, ana.email, ana.phone) == (
            "Ana Souza", "ana.souza@sefaz.rs.gov.br", "+5551999998888")
        # Only the given fields change.
        ana = await tx.update_profile(ana.id, phone="+55 51 3214-5200")
        assert (ana.email, ana.phone, ana.cargo) == (
            "ana.souza@sefaz.rs.gov.br", "+555132145200", "Analista")
        assert (await tx.find_person_by_email(" ANA.SOUZA@sefaz.rs.gov.br")).id == ana.id
        assert await tx.find_person_by_email("ninguem@rs.gov.br") is None


@pytest.mark.parametrize("phone,stored", [
    ("51999998888", "+5551999998888"),
    ("(51) 3214-5200", "+555132145200"),
    ("+55 (55) 99123-4567", "+5555991234567"),   # DDD 55 (Santa Maria) is not the country code
    ("55 3222-1234", "+555532221234"),
    ("051 3214-5200", "+555132145200"),
])
async def test_brazilian_phones(sqlite_store, phone, stored):
    async with sqlite_store.transaction() as tx:
        person = await tx.ensure_person("telegram", "1", "X")
        assert (await tx.update_profile(person.id, phone=phone)).phone == stored


@pytest.mark.parametrize("field,value,message", [
    ("email", "ana@", "e-mail"),
    ("email", "ana souza@rs.gov.br", "e-mail"),
    ("email", "ana@rs", "e-mail"),
    ("phone", "3214-5200", "telefone"),          # no area code
    ("phone", "(51) 8999-88887", "telefone"),    # 11 digits must be a mobile (9...)
    ("phone", "+1 415 555 0100", "telefone"),
    ("phone", "abc", "telefone"),
    ("organ_key", "nao-existe", "órgão"),
    ("name", "  ", "nome"),
])
async def test_invalid_profile_fields_are_refused(sqlite_store, field, value, message):
    async with sqlite_store.transaction() as tx:
        person = await tx.ensure_person("telegram", "1", "X")
        with raises_saying(InvalidField, message) as refused:
            await tx.update_profile(person.id, **{field: value})
    assert refused.value.field == field


async def test_long_cargo_is_refused(sqlite_store):
    async with sqlite_store.transaction() as tx:
        person = await tx.ensure_person("telegram", "1", "X")
        with pytest.raises(TooLong):
            await tx.update_profile(person.id, cargo="x" * 121)


async def test_attendant_role(store):
    async with store.transaction() as tx:
        person = await tx.ensure_person("telegram", "1", "Caio")
        assert (await tx.set_attendant(person.id, True)).is_attendant
        assert not (await tx.set_attendant(person.id, False)).is_attendant
        with pytest.raises(NotAllowed):
            await tx.set_attendant(person.id + 999, True)


async def test_chats_keep_what_the_channel_needs(store):
    reference = {"conversation": {"id": "a:1"}, "serviceUrl": "https://smba.trafficmanager.net/br/"}
    async with store.transaction() as tx:
        person = await tx.ensure_person("teams", "29:1", "Ana")
        chat = await tx.ensure_chat("teams", "a:1", "private", person_id=person.id,
                                    reference=reference, locale="pt-BR")
    async with store.transaction() as tx:
        updated = await tx.ensure_chat("teams", "a:1", reference={**reference, "v": 2})
        assert updated.id == chat.id and updated.person_id == person.id
        assert updated.reference == {**reference, "v": 2} and updated.locale == "pt-BR"
        assert await tx.chat(chat.id) == updated


async def test_conversation_state_round_trip(store):
    key = ("telegram", "100", "42")
    async with store.transaction() as tx:
        assert await tx.load_conversation(*key) is None
        await tx.save_conversation(*key, {"step": "title", "draft": {"title": "Ação"}})
    async with store.transaction() as tx:
        assert await tx.load_conversation(*key) == {"step": "title", "draft": {"title": "Ação"}}
        await tx.save_conversation(*key, {"step": "organ"})
    async with store.transaction() as tx:
        assert await tx.load_conversation(*key) == {"step": "organ"}
        assert await tx.load_conversation("telegram", "100", "43") is None
        await tx.save_conversation(*key, None)
    async with store.transaction() as tx:
        assert await tx.load_conversation(*key) is None


async def test_state_changed_in_place_is_saved(store):
    key = ("telegram", "100", "42")
    async with store.transaction() as tx:
        await tx.save_conversation(*key, {"step": "title", "draft": {}})
    async with store.transaction() as tx:
        state = await tx.load_conversation(*key)
        state["draft"]["title"] = "Novo"
        await tx.save_conversation(*key, state)
    async with store.transaction() as tx:
        assert await tx.load_conversation(*key) == {"step": "title", "draft": {"title": "Novo"}}


async def test_failed_turn_keeps_the_previous_state(store):
    key = ("telegram", "100", "42")
    async with store.transaction() as tx:
        await tx.save_conversation(*key, {"step": "title"})
    with pytest.raises(RuntimeError):
        async with store.transaction() as tx:
            await tx.save_conversation(*key, {"step": "organ"})
            raise RuntimeError("the turn failed")
    async with store.transaction() as tx:
        assert await tx.load_conversation(*key) == {"step": "title"}


async def test_state_keeps_any_text_the_user_typed(store):
    state = {"draft": {"title": "nulo \x00, emoji 😀, aspas “x” e barra \\"}, "n": [1, 2.5, None]}
    async with store.transaction() as tx:
        await tx.save_conversation("telegram", "1", "1", state)
    async with store.transaction() as tx:
        assert await tx.load_conversation("telegram", "1", "1") == state


async def test_conversation_state_saved_cleared_and_saved_again_in_one_transaction(store):
    async with store.transaction() as tx:
        assert await tx.load_conversation("shell", "c1", "u1") is None
        await tx.save_conversation("shell", "c1", "u1", {"step": "title"})
        await tx.save_conversation("shell", "c1", "u1", None)
        await tx.save_conversation("shell", "c1", "u1", {"step": "organ"})
    async with store.transaction() as tx:
        assert await tx.load_conversation("shell", "c1", "u1") == {"step": "organ"}
        await tx.save_conversation("shell", "c1", "u1", None)
    async with store.transaction() as tx:
        assert await tx.load_conversation("shell", "c1", "u1") is None


async def test_a_turn_opens_with_the_person_the_chat_and_the_state(store):
    async with store.transaction() as tx:
        person, chat, state = await tx.open_turn("telegram", "500", "42", "Ana", locale="pt-BR")
        assert (person.name, chat.chat_id, chat.kind, chat.person_id, chat.locale) == (
            "Ana", "500", "private", person.id, "pt-BR")
        assert state is None
        await tx.save_conversation("telegram", "500", "42", {"step": "title"})
    async with store.transaction() as tx:
        again, same_chat, state = await tx.open_turn("telegram", "500", "42", "Ana B.", locale="pt-BR")
        assert again == person and same_chat == chat
        assert state == {"step": "title"}
        assert await tx.person_for_account("telegram", "42") == person


async def test_a_turn_refreshes_what_the_channel_tells_about_the_chat(store):
    reference = {"conversation": {"id": "a:1"}}
    async with store.transaction() as tx:
        person, chat, _ = await tx.open_turn("teams", "a:1", "29:1", "Ana", reference=reference, locale="pt-BR")
    async with store.transaction() as tx:
        _, moved, _ = await tx.open_turn("teams", "a:1", "29:1", "Ana", reference={**reference, "v": 2},
                                         locale="en")
        assert moved.id == chat.id and (moved.reference, moved.locale) == ({**reference, "v": 2}, "en")
    async with store.transaction() as tx:
        assert await tx.chat(chat.id) == moved


async def test_a_group_turn_ties_the_chat_to_nobody(store):
    async with store.transaction() as tx:
        ana, _, _ = await tx.open_turn("telegram", "-100", "1", "Ana", kind="group")
        bia, group, _ = await tx.open_turn("telegram", "-100", "2", "Bia", kind="group")
        assert ana.id != bia.id and group.kind == "group" and group.person_id is None
        await tx.save_conversation("telegram", "-100", "1", {"step": "a"})
    async with store.transaction() as tx:
        assert (await tx.open_turn("telegram", "-100", "2", "Bia", kind="group"))[2] is None
        assert (await tx.open_turn("telegram", "-100", "1", "Ana", kind="group"))[2] == {"step": "a"}


async def test_a_state_as_loaded_is_not_written_again(store, clock):
    key = ("telegram", "100", "42")
    async with store.transaction() as tx:
        await tx.save_conversation(*key, {"step": "title"})
    saved_at = await _conversation_updated_at(store, key)
    clock.advance(minutes=5)
    async with store.transaction() as tx:
        state = await tx.load_conversation(*key)
        await tx.save_conversation(*key, state)
    assert await _conversation_updated_at(store, key) == saved_at
    async with store.transaction() as tx:
        await tx.save_conversation(*key, {"step": "organ"})
    assert await _conversation_updated_at(store, key) == saved_at + timedelta(minutes=5)


@pytest.mark.postgres
async def test_a_conversation_started_by_another_process_meanwhile_is_updated(postgres_store):
    key = ("telegram", "100", "42")
    async with postgres_store.transaction() as first:
        assert await first.load_conversation(*key) is None
        async with postgres_store.transaction() as second:
            await second.save_conversation(*key, {"step": "title"})
        await first.save_conversation(*key, {"step": "organ"})
    async with postgres_store.transaction() as tx:
        assert await tx.load_conversation(*key) == {"step": "organ"}


async def _conversation_updated_at(store, key):
    async with store.transaction() as tx:
        return await tx.session.scalar(select(ConversationRow.updated_at).where(
            ConversationRow.channel == key[0], ConversationRow.chat_id == key[1], ConversationRow.user_id == key[2]))
