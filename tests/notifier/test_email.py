"""E-mail as the portal sends it, through a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import asyncio

import pytest
from fakes.smtp import LocalSMTP
from notifier_support import Running, build_world, fast_options, statuses, wait_until

from bot.notifier import Notifier
from bot.notifier.mail import EmailSender, parse_smtp_url


def test_smtp_url_is_parsed():
    settings = parse_smtp_url("smtp://user%40x:p%3Ass@mail.rs.gov.br:587?from=naoresponda@cage.rs.gov.br&starttls=1")
    assert (settings.hostname, settings.port, settings.username, settings.password) == (
        "mail.rs.gov.br", 587, "user@x", "p:ss")
    assert settings.sender == "naoresponda@cage.rs.gov.br" and settings.start_tls is True
    assert parse_smtp_url("smtps://h").port == 465 and parse_smtp_url("smtps://h").use_tls
    assert parse_smtp_url("smtp://h?starttls=0").start_tls is False


async def test_requester_gets_the_portals_emails(world, api, telegram):
    with LocalSMTP() as smtp:
        senders = {**telegram, "email": EmailSender(parse_smtp_url(smtp.url))}
        async with Running(Notifier(world.store, senders, **fast_options())) as running:
            await asyncio.sleep(0.2)  # enabled now: what happened before is not mailed
            protocol = await world.open()
            await world.run("receive", "caio", protocol)
            await world.run("request_info", "caio", protocol, "Envie a nota fiscal em PDF.")
            await world.run("comment", "ana", protocol, "Nota 4512 anexada.")
            await world.run("answer", "caio", protocol, "Recebido, obrigado.")
            await world.run("solve", "caio", protocol, "Retenção liberada no FPE.")
            await wait_until(lambda: _count(smtp, 3))
            await running.drained()
        h = f"| Protocolo: {protocol} | Erro ao reter tributo na liquidação"
        mails = smtp.messages
        assert [m["Subject"] for m in mails] == [
            f"Solicitação de Informações {h}", f"Envio de Informações {h}", f"Solução de Demandas {h}"]
        assert all(m["To"] == "ana@sefaz.rs.gov.br" and m["From"] == "naoresponda@cage.rs.gov.br" for m in mails)
        bodies = [m.get_content().replace("\r\n", "\n") for m in mails]
        assert bodies[0].startswith("Solicitamos informações e documentos adicionais.\n\nEnvie a nota fiscal em PDF.")
        assert bodies[1].startswith("Informações enviadas.\n\nNota 4512 anexada.")
        assert bodies[2].startswith("Demanda solucionada.\n\nRetenção liberada no FPE.")
        for body in bodies:
            assert "Descrição da Ocorrência: Ao liquidar o empenho 2025NE000123" in body
            assert f"Protocolo: {protocol}" in body and "Por favor, não responda." in body
        await asyncio.sleep(0.3)
        assert len(smtp.messages) == 3  # no double


async def test_a_refused_address_is_recorded_as_failed(live_store, api, telegram):
    world = await build_world(live_store, email="saiu@sefaz.rs.gov.br")
    with LocalSMTP(refuse={"saiu@sefaz.rs.gov.br"}) as smtp:
        senders = {**telegram, "email": EmailSender(parse_smtp_url(smtp.url))}
        async with Running(Notifier(world.store, senders, **fast_options())) as running:
            await asyncio.sleep(0.2)
            protocol = await world.open()
            await world.run("solve", "caio", protocol, "Feito.")
            await running.drained()
        assert smtp.messages == []
        assert sorted(set((await statuses(world.store)).values())) == ["failed", "sent"]


async def _count(smtp: LocalSMTP, wanted: int) -> bool:
    return len(smtp.messages) >= wanted


async def test_each_email_says_when_who_and_that_a_program_wrote_it(world, api, telegram):
    with LocalSMTP() as smtp:
        senders = {**telegram, "email": EmailSender(parse_smtp_url(smtp.url))}
        async with Running(Notifier(world.store, senders, **fast_options())) as running:
            await asyncio.sleep(0.2)
            protocol = await world.open()
            await world.run("solve", "caio", protocol, "Feito.")
            await wait_until(lambda: _count(smtp, 1))
            await running.drained()
        [mail] = smtp.messages
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["Date"] is not None and mail["Date"].datetime is not None
    assert mail["Message-ID"].startswith("<") and mail["Message-ID"].endswith("@cage.rs.gov.br>")


async def test_events_from_before_email_was_enabled_are_never_mailed(world, api, telegram):
    before = await world.open()
    await world.run("solve", "caio", before, "Resolvido antes do e-mail.")
    with LocalSMTP() as smtp:
        senders = {**telegram, "email": EmailSender(parse_smtp_url(smtp.url))}
        async with Running(Notifier(world.store, senders, **fast_options())) as running:
            await asyncio.sleep(0.2)  # many passes: the lookback below the cursor included
            after = await world.open()
            await world.run("solve", "caio", after, "Resolvido depois.")
            await wait_until(lambda: _count(smtp, 1))
            await asyncio.sleep(0.2)
            await running.drained()
        assert [after in mail["Subject"] for mail in smtp.messages] == [True]


@pytest.mark.slow
async def test_the_shell_sends_the_emails_too(live_store, database_url, tmp_path):
    """`python -m bot shell` with ECAGE_SMTP_URL: what is to be mailed goes out before it exits."""
    import os
    import subprocess
    import sys

    world = await build_world(live_store)

    def shell(smtp: LocalSMTP) -> subprocess.CompletedProcess:
        env = {key: value for key, value in os.environ.items()
               if key not in ("TELEGRAM_BOT_TOKEN", "MICROSOFT_APP_ID")}
        env.update(ECAGE_DATABASE_URL=database_url, ECAGE_SMTP_URL=smtp.url,
                   ECAGE_ATTACHMENTS_DIR=str(tmp_path / "attachments"))
        return subprocess.run([sys.executable, "-m", "bot", "shell", "--user", "u1"], input="oi\n", text=True,
                              capture_output=True, cwd=tmp_path, env=env, timeout=60)

    with LocalSMTP() as smtp:
        assert shell(smtp).returncode == 0  # e-mail enabled from here on
        protocol = await world.open()
        await world.run("solve", "caio", protocol, "Retenção liberada no FPE.")
        second = shell(smtp)
        assert second.returncode == 0, second.stderr
        mails = smtp.messages
    assert [mail["To"] for mail in mails] == ["ana@sefaz.rs.gov.br"]
    assert mails[0]["Subject"].startswith("Solução de Demandas") and protocol in mails[0]["Subject"]
