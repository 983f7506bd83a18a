"""Sentences the domain wrote (``domain.phrases.Phrase``) in the reader's language.

The template is looked up in the catalog, then its values are filled in: numbers through the one
number formatter (prices to their market's tick), nested phrases translated the same way, names
as they are. Everything is HTML-escaped here.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from bot.html import escape
from bot.i18n import _
from bot.render.numbers import number, percent, price
from domain.phrases import Percent, Phrase, Price


def say(message: Phrase | str, *, html: bool = True) -> str:
    """``message`` translated, as HTML (``html=False``: plain text, for alerts on a button tap);
    a plain string is a catalog message (or a name) as it is."""
    shown = escape if html else str
    if not message:
        return ""  # gettext("") is the catalog's header
    if isinstance(message, str):
        return shown(_(message))
    return shown(_(message.template)).format(**{name: _value(value, shown) for name, value in message.values})


def _value(value: object, shown: Callable[[str], str] = escape) -> str:
    if isinstance(value, Phrase):
        return say(value, html=shown is escape)
    if isinstance(value, Price):
        return price(value.value, market=value.symbol)
    if isinstance(value, Percent):
        return percent(value.value, value.places)
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        return number(value)
    if isinstance(value, (tuple, list)):
        return ", ".join(_value(item, shown) for item in value)
    return shown(str(value))
