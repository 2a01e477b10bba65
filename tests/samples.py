"""Sample data the suites share (tests/ is on sys.path: `from samples import DRAFT, PDF`).

One requester, Maria, tells her profile the same way on every channel; Ana is the attendant. A
test that needs another person (a second requester, an English speaker) names them itself."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timezone

from store import DemandDraft
from store.workdays import LOCAL

# The profile's answers, in the order the bot asks them (name, e-mail, phone, cargo, órgão).
NAME = "Maria Silva"
EMAIL = "maria@sefaz.rs.gov.br"
PHONE = "(51) 3214-5200"
CARGO = "Analista"
ORGAN = "SEFAZ"
PROFILE = (NAME, EMAIL, PHONE, CARGO, ORGAN)
# The same profile as the store records it, for tests that set it up directly.
PROFILE_FIELDS = {"email": EMAIL, "phone": PHONE, "cargo": CARGO, "organ_key": "sefaz"}

# How Telegram and Teams name the people of the stories.
REQUESTER_NAME = "Maria Souza"
ATTENDANT_NAME = "Ana Atendente"

DRAFT = DemandDraft(
    title="Erro ao reter tributo na liquidação",
    organ_key="sefaz",
    type_key="sistemas",
    category_key="sis-erros-duvidas",
    subject_key="fpe",
    subject_detail="Execução de Despesa > Retenção",
    description="Ao liquidar o empenho 2025NE000123 o FPE recusa a retenção do ISS.",
)
# The same demand filed under the system alone, without a module path.
PLAIN_DRAFT = replace(DRAFT, subject_detail=None)

# A protocol as the bot writes it (CAGE-08336-T2D3), to find one in what the bot said.
PROTOCOL = re.compile(r"CAGE-\d{5,}-[A-Z]\d[A-Z]\d")

# The smallest file the store accepts as a PDF (it checks content, not names).
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
# The same for an image: a PNG signature and some bytes.
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def local_time(day: str, hour: int, minute: int = 0) -> datetime:
    """A moment in Porto Alegre (where CAGE's working hours are), as the store's clock gives it: UTC."""
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=LOCAL).astimezone(timezone.utc)
