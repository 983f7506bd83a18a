"""Text and number normalisation shared by the command and signal-post readers."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

# Keycap emoji ("1️⃣") number list items in many channels; read them as "1)".
_KEYCAP_RE = re.compile("([0-9])\ufe0f?\u20e3")
_DASHES_RE = re.compile("[\u2010-\u2015\u2212\u2043\ufe58\ufe63\uff0d]")
# A Cyrillic х/Х touching a number is the leverage sign typed on a Russian keyboard ("20х").
_CYRILLIC_X_RE = re.compile("(?<=\\d)\\s?[\u0445\u0425]|[\u0445\u0425](?=\\s?\\d)")
_INVISIBLE_RE = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad]")
# Arrows of every style ("TP 1 ➜ 2.50", "SL ⇒ 0.9") read as the plain arrow.
_ARROWS_RE = re.compile("[\u2794\u2799\u279b-\u27a1\u27a4\u27b2\u27f6\u27f9\u21d2\u21e8\u2b95]\ufe0f?")
# Russian-language channels: the trading words, read as their English labels.
_RUSSIAN_WORDS = (
    (re.compile(r"\b(?:точк[аи]\s+входа|вход(?:а|ы)?|зона\s+входа)\b", re.I), "entry"),
    (re.compile(r"\b(?:цел[иья]|тейк(?:и|-профит\w*)?|тп)\b", re.I), "targets"),
    (re.compile(r"\b(?:стоп(?:-?лосс)?|сл)\b", re.I), "stop loss"),
    (re.compile(r"\bлонг\b", re.I), "long"),
    (re.compile(r"\bшорт\b", re.I), "short"),
    (re.compile(r"\b(?:плечо|плечи)\b", re.I), "leverage"),
    (re.compile(r"\bкросс\b", re.I), "cross"),
    (re.compile(r"\bизолир\w*\b", re.I), "isolated"),
)
_CYRILLIC_RE = re.compile("[\u0400-\u04ff]")

_MULTIPLIERS = {"k": Decimal(1_000), "m": Decimal(1_000_000), "b": Decimal(1_000_000_000)}

# One number as written in chat: "$3.1k", "27,400", "390,50", ".405", "20.78+", "44150$".
NUMBER_RE = re.compile(
    r"""
    (?<![\w.,])
    (?P<currency>\$\s?)?
    (?P<digits>
        \d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?   # comma + exactly three digits groups thousands
      | \d+(?:[.,]\d+)?                      # any other comma is a decimal mark
      | \.\d+                                # ".405"
    )
    (?P<suffix>[kKmMbB](?![a-zA-Z]))?
    (?P<plus>\+)?
    (?P<trailing_currency>\$)?
    """,
    re.VERBOSE,
)


def normalize_text(text: str) -> str:
    """Fold the typographic variety of chat and channel posts into plain forms.

    NFKC turns the mathematical bold/italic letters some channels use into ASCII; dashes become
    "-", keycaps become "1)", and a Cyrillic "х" next to a number becomes "x".
    """
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE_RE.sub("", text)
    text = _KEYCAP_RE.sub(r"\1) ", text)
    text = _DASHES_RE.sub("-", text)
    text = _CYRILLIC_X_RE.sub(lambda m: m.group(0).replace("\u0445", "x").replace("\u0425", "x"), text)
    text = _ARROWS_RE.sub("\u2192", text)
    if _CYRILLIC_RE.search(text):
        for pattern, english in _RUSSIAN_WORDS:
            text = pattern.sub(english, text)
    return text.replace("\u2019", "'").replace("\u00a0", " ")


def parse_digits(digits: str) -> Decimal:
    """Parse the digit part of a number by the comma rule (thousands vs decimal mark)."""
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", digits):
        return Decimal(digits.replace(",", ""))
    return Decimal(digits.replace(",", "."))


def parse_number(token: str) -> Decimal | None:
    """Parse one written number ("45k", "$3.1k", "0,5828", "20.78+") or return None."""
    match = NUMBER_RE.fullmatch(token.strip())
    if not match:
        return None
    return number_from_match(match)


def number_from_match(match: re.Match[str]) -> Decimal | None:
    try:
        value = parse_digits(match.group("digits"))
    except InvalidOperation:
        return None
    suffix = match.group("suffix")
    if suffix:
        value *= _MULTIPLIERS[suffix.lower()]
    return value


def to_json_number(value: Decimal | int | float) -> int | float:
    """JSON form of a number: an int when integral, else a float."""
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return float(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
