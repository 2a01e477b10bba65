"""Sample data the suites share (tests/ is on sys.path: `from samples import DRAFT, PDF`)."""

from __future__ import annotations

from store import DemandDraft

DRAFT = DemandDraft(
    title="Erro ao reter tributo na liquidação",
    organ_key="sefaz",
    type_key="sistemas",
    category_key="sis-erros-duvidas",
    subject_key="fpe",
    subject_detail="Execução de Despesa > Retenção",
    description="Ao liquidar o empenho 2025NE000123 o FPE recusa a retenção do ISS.",
)

# The smallest file the store accepts as a PDF (it checks content, not names).
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
