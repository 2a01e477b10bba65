"""One person across channels, only after proof; the attendant role only to who proves the
identity it was granted to; ownership still holds for linked and unlinked accounts."""

from __future__ import annotations

from dialog_support import Conversation, open_demand
from identity_support import ANA_EMAIL, admin, mail_notifier, person_of, prove
from samples import EMAIL

from bot.config import Config
from dialogs import Dialogs
from taxonomy import default_taxonomy


async def test_verified_on_telegram_and_teams_one_person_sees_one_list(email_dialogs, sqlite_store, smtp, clock):
    telegram = Conversation(email_dialogs, user="5001", channel="telegram")
    teams = Conversation(email_dialogs, user="aad-maria", channel="teams", directory_id="aad-maria")
    async with mail_notifier(sqlite_store, smtp) as notifier:
        await prove(telegram, notifier, smtp)
        from_telegram = await open_demand(sqlite_store, telegram, title="Aberta no Telegram")
        await teams.say("oi")  # Microsoft vouches for the account: no code asked, but a new person
        assert (await person_of(sqlite_store, teams)).id != (await person_of(sqlite_store, telegram)).id
        await teams.say("cancelar")
        clock.advance(minutes=2)
        await prove(teams, notifier, smtp, first=False)  # the same e-mail, proved from Teams
    assert (await person_of(sqlite_store, teams)).id == (await person_of(sqlite_store, telegram)).id
    from_teams = await open_demand(sqlite_store, teams, title="Aberta no Teams")
    for conv in (telegram, teams):
        await conv.say("menu")
        await conv.press("menu:all")
        assert from_telegram in conv.text and from_teams in conv.text
    async with sqlite_store.transaction() as tx:
        proved = await tx.identities((await tx.person_for_account("teams", "aad-maria")).id)
    assert sorted((p.kind, p.how) for p in proved) == [("aad", "teams directory"), ("email", "e-mail code")]


async def test_typing_someones_email_joins_nothing_and_shows_nothing(email_dialogs, sqlite_store, smtp, clock):
    maria = Conversation(email_dialogs, user="5001", channel="telegram")
    impostor = Conversation(email_dialogs, user="6666", channel="telegram", name="Impostor")
    async with mail_notifier(sqlite_store, smtp) as notifier:
        await prove(maria, notifier, smtp)
        protocol = await open_demand(sqlite_store, maria)
        clock.advance(minutes=2)
        await impostor.say("oi")
        await impostor.press("keep")
        await impostor.say(EMAIL)  # the code goes to Maria's mailbox, not to the impostor
        assert await notifier.settle(10)
    for guess in ("000000", "123456", "999999"):
        await impostor.say(guess)
    assert (await person_of(sqlite_store, impostor)).id != (await person_of(sqlite_store, maria)).id
    await impostor.say("cancelar")
    await impostor.say(f"status da {protocol}")
    assert "preciso antes confirmar quem você é" in impostor.text and protocol not in impostor.text
    # Without the policy, ownership answers: someone else's demand looks missing.
    unguarded = Conversation(Dialogs(sqlite_store, default_taxonomy()), user="6666", channel="telegram")
    await unguarded.say("cancelar")
    await unguarded.say(f"status da {protocol}")
    assert "não encontrei" in unguarded.text.lower() and "Solicitante" not in unguarded.text


async def test_a_role_granted_to_an_email_goes_only_to_who_proves_it(email_dialogs, sqlite_store, smtp, clock,
                                                                      sqlite_url, capsys):
    config = Config(database_url=sqlite_url)
    assert await admin(config, "grant-attendant", "--email", ANA_EMAIL) == 0  # before Ana ever writes
    impostor = Conversation(email_dialogs, user="6666", channel="telegram", name="Impostor")
    ana = Conversation(email_dialogs, user="7001", channel="telegram", name="Ana Atendente")
    async with mail_notifier(sqlite_store, smtp) as notifier:
        await impostor.say("oi")
        await impostor.press("keep")
        await impostor.say(ANA_EMAIL)
        await impostor.say("000000")
        assert not (await person_of(sqlite_store, impostor)).is_attendant
        clock.advance(minutes=2)
        await prove(ana, notifier, smtp, ANA_EMAIL)
    assert (await person_of(sqlite_store, ana)).is_attendant
    assert not (await person_of(sqlite_store, impostor)).is_attendant
    capsys.readouterr()
    assert await admin(config, "list") == 0
    assert f"Ana Atendente <{ANA_EMAIL}> — telegram:7001 — verified: email {ANA_EMAIL} by e-mail code" \
        in capsys.readouterr().out


async def test_pushes_go_to_the_channel_of_origin_until_another_is_turned_on(email_dialogs, sqlite_store, smtp,
                                                                             clock):
    from dialog_support import as_attendant
    from sqlalchemy import select

    from store.models import ChatRow, OutboxRow
    from store.outbox import queue_emails
    from store.views import EventKind

    async def pushed_to() -> list[str]:
        async with sqlite_store.transaction() as tx:
            return list(await tx.session.scalars(select(ChatRow.channel).join(OutboxRow, OutboxRow.chat_id == ChatRow.id)
                                                  .where(OutboxRow.event_id.is_not(None)).order_by(OutboxRow.id)))

    telegram = Conversation(email_dialogs, user="5001", channel="telegram")
    teams = Conversation(email_dialogs, user="aad-maria", channel="teams", directory_id="aad-maria")
    async with mail_notifier(sqlite_store, smtp) as notifier:
        await prove(telegram, notifier, smtp)
        await teams.say("oi")
        await teams.say("cancelar")
        clock.advance(minutes=2)
        await prove(teams, notifier, smtp, first=False)
    protocol = await open_demand(sqlite_store, telegram)
    await queue_emails(sqlite_store, [EventKind.SOLVED])  # places the e-mail cursor
    await as_attendant(sqlite_store, "answer", protocol, "Primeira resposta.")
    before = await pushed_to()
    assert set(before) == {"telegram"}
    await teams.press("menu:profile") if "menu:profile" in teams.choice_ids else await teams.say("meus dados")
    await teams.press("pf:pushes")
    assert "Microsoft Teams: desligado" in teams.labels and "Telegram: ligado" in teams.labels
    await teams.press("push:teams")
    assert "Microsoft Teams: ligado" in teams.labels
    await teams.press("push:email")
    assert "E-mail: desligado" in teams.labels
    await teams.press("keep")
    await as_attendant(sqlite_store, "solve", protocol, "Resolvido.")
    assert sorted((await pushed_to())[len(before):]) == ["teams", "telegram"]
    assert await queue_emails(sqlite_store, [EventKind.SOLVED]) == 0  # e-mail turned off
