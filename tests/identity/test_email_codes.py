"""Institutional e-mail codes, end to end through the dialogs, the outbox, the notifier and a
real SMTP server (aiosmtpd): the code proves the address, wrong codes lock it, resends are
limited, other domains are refused, and a code survives a restart."""

from __future__ import annotations

from dialog_support import Conversation, complete_profile
from identity_support import DOMAINS, mail_notifier, mailed_code
from samples import CARGO, EMAIL, NAME, ORGAN, PHONE

from dialogs import Dialogs
from dialogs.identity import Verification
from store import Store
from taxonomy import default_taxonomy


async def to_code_step(conv: Conversation, email: str = EMAIL) -> None:
    await conv.say("oi")
    await conv.press("keep")  # the name the channel gave
    await conv.say(email)


async def identities(store, conv: Conversation):
    async with store.transaction() as tx:
        person = await tx.person_for_account(conv.channel, conv.user)
        return person, await tx.identities(person.id)


async def test_the_typed_code_proves_the_email_and_then_demands_open(email_dialogs, sqlite_store, smtp):
    conv = Conversation(email_dialogs, channel="telegram")
    async with mail_notifier(sqlite_store, smtp) as notifier:
        await to_code_step(conv)
        assert "Enviei um código de 6 dígitos para maria@sefaz.rs.gov.br" in conv.text
        person, proved = await identities(sqlite_store, conv)
        assert person.email is None and proved == []  # it counts only once typed
        code = await mailed_code(notifier, smtp, EMAIL)
    await conv.say(code)
    assert "E-mail maria@sefaz.rs.gov.br confirmado" in conv.text
    for answer in (PHONE, CARGO, ORGAN):
        await conv.say(answer)
    assert "dados estão completos" in conv.text
    await conv.press("menu:new")
    assert "título" in conv.text.lower()
    person, proved = await identities(sqlite_store, conv)
    assert person.email == EMAIL and [(i.kind, i.value, i.how) for i in proved] == [("email", EMAIL, "e-mail code")]


async def test_an_unverified_person_is_told_how_instead_of_touching_demands(email_dialogs, sqlite_store):
    # A profile filled in before verification was required: it proves nothing.
    conv = Conversation(Dialogs(sqlite_store, default_taxonomy()), channel="telegram")
    await complete_profile(conv)
    conv.dialogs = email_dialogs
    for wanted in ("menu:new", "menu:open", "menu:all", "menu:lookup"):
        await conv.press(wanted)
        assert "preciso antes confirmar quem você é" in conv.text
        assert "código de 6 dígitos ao seu e-mail institucional (rs.gov.br)" in conv.text
        assert "Qual e-mail" in conv.text
        await conv.say("cancelar")
    for sentence in ("preciso liberar uma liquidação travada no FPE urgente", "status da CAGE-00001-AAAA"):
        await conv.say(sentence)
        assert "preciso antes confirmar quem você é" in conv.text
        await conv.say("cancelar")


async def test_an_address_outside_the_domains_is_refused_and_nothing_is_mailed(email_dialogs, sqlite_store, smtp):
    conv = Conversation(email_dialogs, channel="telegram")
    async with mail_notifier(sqlite_store, smtp) as notifier:
        await to_code_step(conv, "maria@gmail.com")
        assert "domínios aceitos: rs.gov.br" in conv.text
        await conv.say("maria@fazenda.rs.gov.br.evil.com")
        assert "domínios aceitos" in conv.text
        assert await notifier.settle(10)
    assert smtp.messages == []
    person, proved = await identities(sqlite_store, conv)
    assert person.email is None and proved == []


async def test_five_wrong_codes_lock_it_even_for_the_right_one(email_dialogs, sqlite_store, smtp):
    conv = Conversation(email_dialogs, channel="telegram")
    async with mail_notifier(sqlite_store, smtp) as notifier:
        await to_code_step(conv)
        code = await mailed_code(notifier, smtp, EMAIL)
    wrong = f"{(int(code) + 1) % 10 ** 6:06d}"
    for left in (4, 3, 2, 1):
        await conv.say(wrong)
        assert f"Restam {left} tentativas" in conv.text
    await conv.say(wrong)
    assert "bloqueado depois de 5 tentativas" in conv.text
    await conv.say(code)
    assert "expirou ou não vale mais" in conv.text
    await conv.say("12ab")
    assert "O código tem 6 dígitos" in conv.text
    person, proved = await identities(sqlite_store, conv)
    assert person.email is None and proved == []


async def test_resends_wait_a_minute_and_stop_at_five_an_hour(email_dialogs, sqlite_store, smtp, clock):
    conv = Conversation(email_dialogs, channel="telegram")
    await to_code_step(conv)
    await conv.press("idn:code")
    assert "aguarde um minuto" in conv.text
    for _ in range(4):
        clock.advance(seconds=61)
        await conv.press("idn:code")
        assert "Enviei um código" in conv.text
    clock.advance(seconds=61)
    await conv.press("idn:code")
    assert "5 códigos na última hora" in conv.text
    # The same address from another account counts too.
    other = Conversation(email_dialogs, user="u2", channel="telegram")
    await to_code_step(other)
    assert "5 códigos na última hora" in other.text
    clock.advance(minutes=61)
    await conv.press("idn:code")
    assert "Enviei um código" in conv.text
    await other.say("cancelar")
    await other.press("menu:profile")
    await other.press("pf:email")
    await other.say(EMAIL)
    assert "aguarde um minuto" in other.text  # the address was just mailed


async def test_a_code_survives_a_restart(clock, tmp_path, smtp):
    sqlite_url = f"sqlite+aiosqlite:///{tmp_path / 'restart.db'}"
    verification = Verification(email_domains=DOMAINS, required=True)
    store = await Store.open(sqlite_url, clock=clock, attachments_dir=tmp_path)
    conv = Conversation(Dialogs(store, default_taxonomy(), verification=verification), channel="telegram")
    async with mail_notifier(store, smtp) as notifier:
        await to_code_step(conv)
        code = await mailed_code(notifier, smtp, EMAIL)
    await store.close()
    store = await Store.open(sqlite_url, clock=clock, attachments_dir=tmp_path)
    try:
        conv.dialogs = Dialogs(store, default_taxonomy(), verification=verification)
        await conv.say(code)
        assert "confirmado" in conv.text
        person, proved = await identities(store, conv)
        assert person.email == EMAIL and len(proved) == 1
    finally:
        await store.close()


async def test_the_shell_is_trusted(email_dialogs):
    conv = Conversation(email_dialogs, channel="shell", user="local")
    await conv.say("oi")
    for answer in (NAME, EMAIL, PHONE, CARGO, ORGAN):
        await conv.say(answer) if answer != NAME else await conv.press("keep")
    assert "dados estão completos" in conv.text
    await conv.press("menu:new")
    assert "título" in conv.text.lower()
