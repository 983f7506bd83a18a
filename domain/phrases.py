"""Sentences the domain writes for a user, kept translatable without knowing any language.

A :class:`Phrase` is an English template (``"Daily RSI is {rsi}, {zone}."``) and the values it
names; the bot renders it through the message catalog and its one number formatter
(``bot/render/phrases.py``). Values are numbers (``Decimal``), :class:`Price` and
:class:`Percent` (so the renderer knows what the figure is), nested phrases (words that need
translating too) or plain strings (names: tickers, channels). ``str()`` gives the English, for logs.

Templates are marked for extraction: ``phrase("...")``, ``N_("...")`` (module constants the
renderer translates where it shows them) and ``NP_(context, "...")``; ``scripts/update_catalogs.py``
collects them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


def N_(message: str) -> str:  # noqa: N802  # the gettext convention
    return message


def NP_(context: str, message: str) -> str:  # noqa: N802
    """Marks ``message`` with a translation context, for a word that means another thing elsewhere."""
    return message


@dataclass(frozen=True, slots=True)
class Price:
    """A unit price of ``symbol``'s market: shown to that market's tick."""

    value: Decimal
    symbol: str | None = None

    def __str__(self) -> str:
        return f"{self.value.normalize():,f}"


@dataclass(frozen=True, slots=True)
class Percent:
    value: Decimal
    places: int = 2

    def __str__(self) -> str:
        return f"{round(self.value, self.places).normalize():f}%"


@dataclass(frozen=True, slots=True)
class Phrase:
    template: str
    values: tuple[tuple[str, object], ...] = ()

    def __str__(self) -> str:
        return self.template.format(**{name: _english(value) for name, value in self.values})


def phrase(template: str, /, **values: object) -> Phrase:
    return Phrase(template, tuple(values.items()))


def _english(value: object) -> str:
    if isinstance(value, Decimal):
        return f"{value.normalize():,f}"
    if isinstance(value, (tuple, list)):
        return ", ".join(map(_english, value))
    return str(value)
