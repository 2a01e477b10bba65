"""Demand protocols: ``CAGE-NNNNN-XDXD`` (see DESIGN.md).

The number comes from a counter in the database (uniqueness); the letter-digit suffix is random,
so a protocol cannot be guessed from its neighbour.
"""

from __future__ import annotations

import re
import secrets
import string

PROTOCOL_RE = re.compile(r"^CAGE-\d{5,}-[A-Z]\d[A-Z]\d$")

_SEP = r"[\s._/–—-]*"
_SUFFIX = r"([a-z]\d[a-z]\d)"
# After the "cage" prefix the letters may be typed as the digits they look like ("CAGE-00001-0102"
# for "CAGE-00001-O1O2"): 0 stands for O and 1 for I at a letter position. Without the prefix the
# letters must be letters, so that a bare number or "12345 0102" is never read as a protocol.
_LOOSE_SUFFIX = r"([a-z01]\d[a-z01]\d)"
# Whole-input form: "cage 08336 t2d3", "CAGE08336T2D3", "08336-t2d3", "cage 8336 t2d3".
_WHOLE = re.compile(
    rf"^\s*(?:cage{_SEP}(\d{{1,9}}){_SEP}{_LOOSE_SUFFIX}|(\d{{1,9}}){_SEP}{_SUFFIX})\s*[.!?]?\s*$",
    re.IGNORECASE,
)
# Inside a sentence: with the "cage" prefix any number of digits, without it at least five,
# so that "2 a1b2" in ordinary text is not taken for a protocol.
_IN_TEXT = re.compile(
    rf"(?<![a-z0-9])(?:cage{_SEP}(\d{{1,9}}){_SEP}{_LOOSE_SUFFIX}|(\d{{5,9}}){_SEP}{_SUFFIX})(?![a-z0-9])",
    re.IGNORECASE,
)
_LETTER_FOR_DIGIT = str.maketrans("01", "OI")


def _canonical(match: re.Match) -> str | None:
    """The protocol a match of _WHOLE or _IN_TEXT names, or None for the number zero."""
    number = int(match.group(1) or match.group(3))
    if number == 0:
        return None
    suffix = (match.group(2) or match.group(4)).upper()
    suffix = suffix[0].translate(_LETTER_FOR_DIGIT) + suffix[1] + suffix[2].translate(_LETTER_FOR_DIGIT) + suffix[3]
    return format_protocol(number, suffix)


def format_protocol(number: int, suffix: str) -> str:
    return f"CAGE-{number:05d}-{suffix.upper()}"


def random_suffix() -> str:
    pick = secrets.choice
    return (
        pick(string.ascii_uppercase) + pick(string.digits)
        + pick(string.ascii_uppercase) + pick(string.digits)
    )


def parse_protocol(text: str | None) -> str | None:
    """The canonical protocol when ``text`` is (only) a loosely typed protocol, else None."""
    if not text:
        return None
    match = _WHOLE.match(text)
    return _canonical(match) if match else None


def find_protocols(text: str | None) -> list[str]:
    """Every protocol mentioned in a sentence, canonical, in order, without repeats."""
    found: list[str] = []
    for match in _IN_TEXT.finditer(text or ""):
        protocol = _canonical(match)
        if protocol and protocol not in found:
            found.append(protocol)
    return found
