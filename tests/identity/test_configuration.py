"""How the configuration turns into the identity policy."""

from __future__ import annotations

import pytest

from bot.app import verification_of
from bot.config import Config, ConfigError

OIDC = {"ECAGE_OIDC_ISSUER": "https://sso.acesso.gov.br", "ECAGE_OIDC_CLIENT_ID": "ecage",
        "ECAGE_OIDC_CLIENT_SECRET": "secret", "ECAGE_PUBLIC_URL": "https://bot.cage.rs.gov.br/"}
MAIL = {"ECAGE_SMTP_URL": "smtp://mail:25", "ECAGE_EMAIL_DOMAINS": " rs.gov.br, @cage.rs.gov.br "}


def test_a_provider_comes_first_and_verification_is_then_required():
    verification = verification_of(Config.from_env({**OIDC, **MAIL}))
    assert verification.sign_in_base == "https://bot.cage.rs.gov.br/signin/"
    assert verification.required and not verification.email_codes


def test_email_codes_without_a_provider_and_their_domains():
    verification = verification_of(Config.from_env(MAIL))
    assert verification.email_codes and verification.required
    assert verification.email_domains == ("rs.gov.br", "cage.rs.gov.br")
    assert verification.domain_allowed("ana@sefaz.rs.gov.br") and verification.domain_allowed("a@rs.gov.br")
    assert not verification.domain_allowed("ana@rs.gov.br.example.com")
    assert not verification.domain_allowed("ana@evilrs.gov.br")


def test_nothing_to_verify_with_means_nothing_required_and_off_means_off():
    assert not verification_of(Config.from_env({})).required
    assert not verification_of(Config.from_env({**MAIL, "ECAGE_REQUIRE_VERIFIED": "off"})).required
    assert not verification_of(Config.from_env({"ECAGE_REQUIRE_VERIFIED": "on"})).configured
    with pytest.raises(ConfigError, match="ECAGE_REQUIRE_VERIFIED must be on or off"):
        Config.from_env({"ECAGE_REQUIRE_VERIFIED": "maybe"})


def test_a_service_with_no_way_to_verify_says_so_in_one_line(caplog):
    from bot.service import _signin

    assert _signin(Config(), store=None) is None
    assert _signin(Config.from_env(MAIL), store=None) is None  # e-mail codes: no sign-in, no warning
    said = [record.getMessage() for record in caplog.records if "unverified" in record.getMessage()]
    assert len(said) == 1 and said[0].startswith("identities are unverified")
