"""The operator's role commands (as a process, the way an operator runs them) and the card."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from bot.config import Config
from attendant_support import admin
from dialogs import attendant, render
from dialogs.texts import CATALOGUE, Texts
from store import Actor, DemandDraft, Store
from taxonomy import default_taxonomy


def roles(database_url: str, *argv: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "ECAGE_DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "bot.roles", *argv], env=environment, cwd="/",
                          capture_output=True, text=True, timeout=60)


@pytest.mark.slow
async def test_granting_revoking_and_listing_from_the_command_line(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'ecage.db'}"
    store = await Store.open(url, attachments_dir=tmp_path)
    async with store.transaction() as tx:
        known = await tx.ensure_person("teams", "29:abc", "Carla Lima")
        await tx.verify_identity(known.id, "email", "carla.lima@cage.rs.gov.br", "e-mail code")
        typed = await tx.ensure_person("telegram", "777", "Someone Else")
        await tx.update_profile(typed.id, email="ana.a@cage.rs.gov.br")  # typed, never proved
    await store.close()

    done = roles(url, "grant-attendant", "--email", "Carla.Lima@cage.rs.gov.br")
    assert done.returncode == 0 and "Carla Lima is now an attendant." in done.stdout
    done = roles(url, "grant-attendant", "--channel", "telegram", "--user-id", "501", "--name", "Ana Atendente")
    assert done.returncode == 0 and "Ana Atendente is now an attendant." in done.stdout
    done = roles(url, "grant-attendant", "--email", "ana.a@cage.rs.gov.br")
    assert done.returncode == 0 and "Whoever verifies the e-mail ana.a@cage.rs.gov.br will be" in done.stdout
    done = roles(url, "list")
    assert done.stdout.splitlines() == [
        "Ana Atendente — telegram:501 — not verified",
        "Carla Lima — teams:29:abc — verified: email carla.lima@cage.rs.gov.br by e-mail code",
        "(waiting for whoever verifies the e-mail ana.a@cage.rs.gov.br)"]
    done = roles(url, "revoke-attendant", "--email", "carla.lima@cage.rs.gov.br")
    assert done.returncode == 0 and "Carla Lima is no longer an attendant." in done.stdout
    done = roles(url, "revoke-attendant", "--email", "ninguem@cage.rs.gov.br")
    assert done.returncode == 1 and "No grant and no verified person with the e-mail" in done.stderr
    assert roles(url, "grant-attendant").returncode == 2  # who? argparse says
    # A user id is an account of one channel: which one is never guessed.
    unsaid = roles(url, "grant-attendant", "--user-id", "502")
    assert unsaid.returncode == 2 and "--user-id needs --channel (telegram, teams, shell)" in unsaid.stderr
    assert roles(url, "grant-attendant", "--subject", "123").returncode == 2  # of which issuer?
    assert await admin(Config(database_url=url, attachments_dir=tmp_path), "list") == 0


async def test_the_card_shows_what_an_attendant_needs_and_fits_telegram(tmp_path):
    store = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'ecage.db'}", attachments_dir=tmp_path)
    async with store.transaction() as tx:
        maria = await tx.ensure_person("telegram", "601", "Maria Souza")
        demand = await tx.open_demand(Actor(maria.id), DemandDraft(
            title="Acesso ao CAGE Gerencial", organ_key="sefaz", type_key="sistemas",
            category_key="sis-acesso-cadastro", subject_key="cage-gerencial", subject_detail=None,
            description="Preciso de acesso ao painel."))
    await store.close()
    card = attendant.demand_card(demand, default_taxonomy(), headline="🆕 Nova demanda")
    assert card.text.startswith(f"🆕 Nova demanda\n📄 {demand.protocol} — Acesso ao CAGE Gerencial")
    opened = render.when(demand.created_at)
    for line in ("Solicitante: Maria Souza", f"Aberta em: {opened}", f"Atualizada em: {opened}",
                 "Situação: Em Andamento", "Tipo: Suporte Sistemas", "Atendente: ainda não atribuída"):
        assert line in card.text
    assert "Anexos" not in card.text  # no files: neither a line nor a button
    assert card.card["protocol"] == demand.protocol
    assert [c.label for c in card.choices] == ["Receber", "Responder", "Solicitar informações", "Solucionar",
                                               "Linha do tempo"]
    assert all(len(c.id.encode()) <= 40 for c in card.choices)
    english = attendant.demand_card(demand, default_taxonomy(), Texts("en"))
    assert "Requester: Maria Souza" in english.text and "Answer" in [c.label for c in english.choices]


def test_ages_read_naturally():
    t, now = Texts("pt-BR"), datetime(2026, 1, 10, 12, 0, tzinfo=timezone.utc)
    ages = [attendant.age(t, now - delta, now) for delta in (
        timedelta(seconds=20), timedelta(minutes=5), timedelta(hours=3), timedelta(days=1, hours=1),
        timedelta(days=12))]
    assert ages == ["agora", "há 5 min", "há 3 h", "há 1 dia", "há 12 dias"]


def test_every_attendant_text_exists_in_both_languages():
    keys = {f"att.{prefix}_{action}" for prefix in ("ask", "done") for action in attendant.WRITTEN}
    keys |= {"att.done_recv"} | {step.help for name, step in attendant.STEPS.items()}
    assert keys <= set(CATALOGUE)
