"""The one number formatter: BTC, PEPE and USD examples as a user reads them, in English and Russian."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from bot.i18n import Catalogs, speaking
from bot.render.numbers import amount, holding, money, number, percent, price, signed_money


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs()


def test_btc_prices_and_amounts():
    assert price(D("62345.123456"), "USDT") == "62,345.12 USDT"
    assert price(D("62345.1"), "USDT", places=2) == "62,345.1 USDT"  # the tick: no padding, no extra digits
    assert amount(D("0.01500000"), "BTC") == "0.015 BTC"
    assert amount(D("0.123456789"), "BTC", places=5) == "0.12346 BTC"  # to the step size
    assert number(D("5E+4")) == "50,000"  # never exponent notation


def test_pepe_keeps_its_significant_digits():
    assert price(D("0.00001234567")) == "0.0000123457"  # six significant digits
    assert price(D("0.0000123"), "USDT", places=8) == "0.0000123 USDT"
    assert amount(D("12345678"), "PEPE") == "12,345,678 PEPE"
    assert number(D("1E-8")) == "0.00000001"


def test_usd_money_has_cents_separators_and_a_sign_for_pnl():
    assert money(D("9002.1838807"), "USDT") == "9,002.18 USDT"  # issue 15: never USDT 9,002.1838807
    assert money(D("0.9968193"), "USDT") == "1.00 USDT"
    assert money(D("930.4650"), "USD") == "930.46 USD"  # half-even to cents
    assert money(D("0"), "USDT") == "0.00 USDT"
    assert money(D("0.000012345"), "USDT") == "0.000012 USDT"  # under a cent: two significant digits
    assert signed_money(D("12.5"), "USDT") == "+12.50 USDT"
    assert signed_money(D("-0.79746104"), "USDT") == "-0.80 USDT"
    assert holding(D("9002.1838807"), "USDT") == "9,002.18" and holding(D("0.0150"), "BTC") == "0.015"


def test_percents_have_at_most_two_decimals_and_a_sign_when_asked():
    assert percent(D("50.025")) == "50.02%"
    assert percent(D("-3.14159"), signed=True) == "-3.14%"
    assert percent(D("2.5"), signed=True) == "+2.5%"
    assert percent(D("-0.001"), signed=True) == "0%"


def test_russian_separators(catalogs):
    with speaking(catalogs, "ru"):
        assert money(D("9002.1838807"), "USDT") == "9\xa0002,18 USDT"
        assert price(D("0.00001234567")) == "0,0000123457"
        assert percent(D("-3.14159"), signed=True) == "-3,14%"


def test_a_price_is_shown_to_its_markets_tick_as_the_market_data_lists_it(catalogs):
    from domain.market_data.simulated import SimulatedMarketData

    SimulatedMarketData()  # lists every market's tick, as the bot's market data does at start
    # Figures the bot computes (an average cost, an indicator, a DCA level) carry more digits than the tick.
    assert price(D("90123.456789"), "USDT", market="BTC/USDT") == "90,123.46 USDT"
    assert price(D("0.0000061234567"), market="PEPE/USDT") == "0.00000612"  # PEPE's tick: 8 places, not 6 digits
    assert price(D("0.0000061234567")) == "0.00000612346"  # a market nobody listed: six significant digits
    assert price(D("137.123456"), market="SOL/USDT") == "137.12"
    assert money(D("1234.5678"), "USD") == "1,234.57 USD"
    with speaking(catalogs, "ru"):
        assert price(D("90123.456789"), "USDT", market="BTC/USDT") == "90\xa0123,46 USDT"
        assert price(D("0.0000061234567"), market="PEPE/USDT") == "0,00000612"
        assert money(D("1234.5678"), "USD") == "1\xa0234,57 USD"


def test_money_rounds_half_even_whatever_the_ambient_decimal_context():
    # ccxt's decimal_to_precision sets the ambient context to half-up; the formatter must not follow it.
    import decimal

    with decimal.localcontext() as ambient:
        ambient.rounding = decimal.ROUND_HALF_UP
        ambient.traps[decimal.Underflow] = True
        assert money(D("930.4650"), "USD") == "930.46 USD"


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_the_formatter_prints_what_babels_pattern_prints(locale):
    """The digits come from Python's formatting for speed; babel's pattern is the reference."""
    from decimal import ROUND_HALF_EVEN, Context, localcontext
    from random import Random

    from babel import Locale
    from babel.numbers import parse_pattern

    from bot.render.numbers import numbers_in

    babel_locale, rng = Locale.parse(locale), Random(7)
    values = [D(0), D("-0"), D("-0.001"), D("0.5"), D("2.5"), D("930.465"), D("5E+4"), D("1E-8"), D("-1234567.891")]
    values += [D(rng.randint(-10**12, 10**12)).scaleb(-rng.randint(0, 14)) for _ in range(400)]
    with numbers_in(locale):
        for value in values:
            for places in (0, 2, 4, 8, 12):
                for grouped in (True, False):
                    pattern = ("#,##0" if grouped else "0") + ("." + "#" * places if places else "")
                    with localcontext(Context(prec=60, rounding=ROUND_HALF_EVEN)):
                        expected = parse_pattern(pattern).apply(value, babel_locale)
                    if expected.startswith("-") and not any(ch in expected for ch in "123456789"):
                        expected = expected[1:]
                    assert number(value, places, grouped=grouped) == expected, (value, places, grouped)
            with localcontext(Context(prec=60, rounding=ROUND_HALF_EVEN)):
                expected_money = parse_pattern("#,##0.00").apply(value, babel_locale)
            if abs(value) >= D("0.01") or value == 0:
                assert money(value).lstrip("-") == expected_money.lstrip("-")
