"""Anexo I as data: the model (taxonomy.model) and its loader (taxonomy.loader), in one place to import."""

from taxonomy.loader import DEFAULT_PATH, MAX_KEY_LENGTH, default_taxonomy, load, loads, markup_problem
from taxonomy.model import LEVELS, OTHER_SUBJECT_KEY, SUBJECT_MODES, Entry, Taxonomy, fold

__all__ = ["DEFAULT_PATH", "LEVELS", "MAX_KEY_LENGTH", "OTHER_SUBJECT_KEY", "SUBJECT_MODES", "Entry", "Taxonomy",
           "default_taxonomy", "fold", "load", "loads", "markup_problem"]
