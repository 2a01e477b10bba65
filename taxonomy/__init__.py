"""Anexo I of the e-CAGE quick guide as data, and fuzzy matching of free text against it.

    from taxonomy import default_taxonomy
    tax = default_taxonomy()
    tax.match("conciliaçao patrimonial", level="subject", type_key="servicos").best
    tax.propose("erro ao salvar nota de empenho no fpe")
"""

from taxonomy.data import Entry, Taxonomy, default_taxonomy, load
from taxonomy.matching import Match, MatchResult, Proposal

__all__ = ["Entry", "Match", "MatchResult", "Proposal", "Taxonomy", "default_taxonomy", "load"]
