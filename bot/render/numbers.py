"""The one number formatter: every figure a reply shows goes through here.

- prices: to the market's tick (``market=`` names it; the market data lists every tick in
  ``domain/market_data/ticks.py``), else about six significant digits (62,345.12 · 3.4012);
- amounts: to the market's step when known, else as many places as they have (at most 8);
- money: two decimals with thousands separators (9,002.18 USDT); a non-zero sum under a cent
  keeps two significant digits instead of showing 0.00;
- percents: at most two decimals; PnL and changes with their sign (+12.50 USDT, -0.8%).

Separators follow the locale of the update (Babel): 9,002.18 in English, 9 002,18 in Russian.
No exponent notation, ever.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from functools import lru_cache
from decimal import ROUND_HALF_EVEN, Context, Decimal

from babel.dates import format_date, format_datetime, format_time
from babel import Locale
from babel.numbers import get_decimal_symbol, get_group_symbol

from bot.html import escape
from bot.i18n import current_locale
from domain.market_data import ticks

ZERO = Decimal(0)
# Formatting rounds in a context of its own: ccxt's decimal_to_precision rewrites the ambient
# context (rounding half-up, underflow trapped), which would otherwise change how 930.465 shows.
_FORMAT_CONTEXT = Context(prec=60, rounding=ROUND_HALF_EVEN)
MAX_PLACES = 8  # stored precision of quantities and money (NUMERIC(20,8))
CENT = Decimal("0.01")
Number = Decimal | int | float
# Fiat and stablecoins: their balances are money (two decimals), not coin amounts.
CASH_ASSETS = frozenset({"USD", "EUR", "GBP", "USDT", "USDC", "BUSD", "FDUSD", "TUSD", "DAI"})
# Set where no update's locale is current: the chart process draws for a reader it was told of.
_LOCALE: ContextVar[str | None] = ContextVar("numbers_locale", default=None)


@contextmanager
def numbers_in(locale: str) -> Iterator[None]:
    """Formats numbers for ``locale`` inside the block, whatever the update's locale."""
    token = _LOCALE.set(locale)
    try:
        yield
    finally:
        _LOCALE.reset(token)


def _decimal(value: Number) -> Decimal:
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


def number(value: Number | None, places: int | None = None, *, grouped: bool = True) -> str:
    """At most ``places`` decimals (None: the places it has, up to 8), trailing zeros dropped."""
    if value is None:
        return "—"
    value = _decimal(value)
    if places is None:
        places = min(MAX_PLACES, max(0, -value.normalize().as_tuple().exponent))  # type: ignore[operator]
    return _format(value, 0, places, grouped=grouped)


def _locale() -> str:
    return _LOCALE.get() or current_locale()


@lru_cache(maxsize=16)
def _separators(locale_name: str) -> dict[int, str]:
    """The locale's group and decimal symbols (Latin digits), as a ``str.translate`` table."""
    locale = Locale.parse(locale_name)
    return {ord(","): get_group_symbol(locale, numbering_system="latn"), ord("."): get_decimal_symbol(locale, numbering_system="latn")}


@lru_cache(maxsize=64)
def _quantum(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def _format(value: Decimal, min_places: int, max_places: int, *, grouped: bool = True) -> str:
    """What babel's pattern ``#,##0.00##`` (``min_places`` zeros, up to ``max_places``) prints for the
    update's locale: rounded half-even, no exponent, no "-" on a figure that rounds to zero.
    Python's own formatting does the digits: babel's pattern machinery cost a tenth of a reply's
    CPU (a card shows a dozen numbers); tests/bot/test_numbers.py compares the two."""
    rounded = abs(value).quantize(_quantum(max_places), context=_FORMAT_CONTEXT)
    text = format(rounded, ",f" if grouped else "f")
    if max_places > min_places:
        whole, _, fraction = text.partition(".")
        fraction = fraction.rstrip("0").ljust(min_places, "0")
        text = f"{whole}.{fraction}" if fraction else whole
    if value.is_signed() and any(ch in text for ch in "123456789"):
        text = "-" + text
    return text.translate(_separators(_locale()))


def price_places(value: Decimal) -> int:
    """Places for a price whose market tick is unknown: two from 1,000, four from 1, else six digits."""
    magnitude = abs(value)
    if magnitude >= 1000:
        return 2
    if magnitude >= 1:
        return 4
    if magnitude == ZERO:
        return 0
    return min(12, 5 - magnitude.adjusted())


def price(value: Number | None, asset: str | None = None, *, places: int | None = None,
          market: str | None = None) -> str:
    """A unit price of ``market`` (a symbol, "BTC/USDT"): to that market's tick, never more digits.

    ``places`` overrides the tick; with neither known, about six significant digits."""
    if value is None:
        return "—"
    value = _decimal(value)
    if places is None:
        places = ticks.price_places(market)
    text = number(value, price_places(value) if places is None else places)
    return _with_asset(text, asset)


def amount(value: Number, asset: str | None = None, *, places: int | None = None) -> str:
    """A quantity: ``places`` is the market's step (amount precision) when the caller has it."""
    return _with_asset(number(value, places), asset)


def holding(value: Number, asset: str) -> str:
    """How much of an asset someone holds, without its code: cash as money, coins as amounts."""
    return money(value) if asset.upper() in CASH_ASSETS else number(value)


def money(value: Number, asset: str | None = None) -> str:
    """A sum of money: ``9,002.18 USDT``."""
    value = _decimal(value)
    if value != ZERO and abs(value) < CENT:
        text = number(value, min(MAX_PLACES, 1 - value.adjusted()))  # two significant digits
    else:
        text = _format(value, 2, 2)
    return _with_asset(text, asset)


def signed_money(value: Number, asset: str | None = None) -> str:
    """Profit and loss: ``+12.50 USDT``, ``-0.80 USDT``."""
    return ("+" if _decimal(value) > ZERO else "") + money(value, asset)


def percent(value: Number | None, places: int = 2, *, signed: bool = False) -> str:
    if value is None:
        return "—"
    text = number(value, places) + "%"
    return "+" + text if signed and _decimal(value) > ZERO and text != "0%" else text


def compact(value: Number) -> str:
    """Large sums shortened: 1.23B, 456.7M, 12.3K, 950."""
    value = _decimal(value)
    for size, suffix in ((Decimal(10) ** 12, "T"), (Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"), (Decimal(1000), "K")):
        if abs(value) >= size:
            return f"{number(value / size, 2)}{suffix}"
    return number(value, 2)


def _with_asset(text: str, asset: str | None) -> str:
    return f"{text} {escape(asset)}" if asset else text


# -- dates ----------------------------------------------------------------------------------------


def long_date(moment: datetime) -> str:
    """``Monday 30 November`` / ``понедельник 30 ноября``."""
    return format_date(moment, "EEEE d MMMM", locale=_locale())


def day(moment: datetime) -> str:
    """``30 Nov 2026`` / ``30 нояб. 2026 г.``."""
    return format_date(moment, "medium", locale=_locale())


def short_datetime(moment: datetime) -> str:
    """``11-30 14:05``: month, day and time, for tables."""
    return format_datetime(moment, "MM-dd HH:mm", locale=_locale())


def clock(moment: datetime) -> str:
    """``14:05:09``: a time of day to the second."""
    return format_time(moment, "HH:mm:ss", locale=_locale())
