"""Checks of what people type before it reaches the database. Each raises InvalidField/TooLong
with the code of what is wrong (dialogs/refusals.py words it)."""

from __future__ import annotations

import re

from taxonomy.data import default_taxonomy

from . import errors
from .views import DemandDraft

MAX_TITLE = 150
MAX_DESCRIPTION = 2000
MAX_TEXT = 2000  # answers, comments, reasons: same limit as the portal's description
MAX_SUBJECT_DETAIL = 300
MAX_NAME = 200
MAX_CARGO = 120

# Practical, not RFC 5322: one @, no spaces, a dot in the domain.
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


# Control characters (NUL above all, which PostgreSQL cannot store) except tab and line breaks.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str | None) -> str:
    return _CONTROL.sub("", value or "").strip()


def check_text(field: str, value: str | None, limit: int, *, required: bool = True) -> str | None:
    value = clean_text(value)
    if not value:
        if required:
            raise errors.InvalidField(field, errors.REQUIRED)
        return None
    if len(value) > limit:
        raise errors.TooLong(field, limit, len(value))
    return value


def normalize_email(email: str) -> str:
    email = (email or "").strip().lower()
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise errors.InvalidField("email", errors.MALFORMED_EMAIL)
    return email


def normalize_phone(phone: str) -> str:
    """A Brazilian number with area code, stored as +55 and digits ("+5551999998888")."""
    digits = re.sub(r"\D", "", phone or "")
    if (phone or "").strip().startswith("+") and not digits.startswith("55"):
        raise errors.InvalidField("phone", errors.MALFORMED_PHONE)
    if len(digits) in (12, 13) and digits.startswith("55"):
        digits = digits[2:]
    if len(digits) in (11, 12) and digits.startswith("0"):  # trunk prefix: 0 51 ...
        digits = digits[1:]
    if len(digits) not in (10, 11) or digits[0] == "0" or digits[1] == "0":
        raise errors.InvalidField("phone", errors.MALFORMED_PHONE)
    if len(digits) == 11 and digits[2] != "9":  # 9-digit numbers are mobiles and start with 9
        raise errors.InvalidField("phone", errors.MALFORMED_PHONE)
    return "+55" + digits


def _taxonomy():
    return default_taxonomy()  # loaded once and cached by the taxonomy package


def _unknown(field: str, key: str | None) -> errors.InvalidField:
    """A key that Anexo I does not have (the person picks again from the list)."""
    return errors.InvalidField(field, errors.UNKNOWN_CHOICE[field], key)


def check_organ(organ_key: str) -> str:
    try:
        return _taxonomy().organ(organ_key).key
    except KeyError:
        raise _unknown("organ_key", organ_key) from None


def check_classification(draft: DemandDraft) -> None:
    """The draft's órgão, type, category and subject exist in Anexo I and fit together."""
    tax = _taxonomy()
    check_organ(draft.organ_key)
    try:
        type_entry = tax.type_entry(draft.type_key)
    except KeyError:
        raise _unknown("type_key", draft.type_key) from None
    if draft.category_key not in {entry.key for entry in tax.categories(draft.type_key)}:
        raise _unknown("category_key", draft.category_key)
    mode = tax.subject_mode(draft.type_key)
    free_text = mode == "free" or (mode == "service" and draft.subject_key == "outro")
    if free_text:
        if not (draft.subject_detail or "").strip():
            raise errors.InvalidField("subject_detail", errors.SUBJECT_DETAIL_MISSING)
        return
    # Systems depend on the category (Manutenção Painel is CAGE Gerencial only); services are
    # accepted under any category of their type, as the guide's list is only indicative.
    subjects = tax.subjects(draft.type_key, draft.category_key if mode == "system" else None)
    if draft.subject_key not in {entry.key for entry in subjects}:
        raise _unknown("subject_key", draft.subject_key or type_entry.name)
