"""The one parser reads anything a user or channel can send without raising, quickly."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.render.numbers import number
from nlp.models import entity_value_is_valid
from nlp.normalize import parse_number
from nlp.parser import RuleParser
from tests.properties.strategies import hostile_text, huge_text

# Far above a normal message's milliseconds (the machine is shared); a regex gone quadratic on
# 20,000 characters blows through it.
SECONDS_PER_MESSAGE = 5.0


@pytest.fixture(scope="module")
def parser() -> RuleParser:
    return RuleParser()


def _check(parser: RuleParser, text: str, forwarded: bool = False) -> None:
    started = time.perf_counter()
    result = parser.parse(text, forwarded=forwarded)
    elapsed = time.perf_counter() - started
    assert elapsed < SECONDS_PER_MESSAGE, f"{len(text)} characters took {elapsed:.2f}s"
    assert result.text == text
    data = result.to_dict()
    json.dumps(data)
    assert 0.0 <= data["confidence"] <= 1.0
    assert all(entity_value_is_valid(key, value) for key, value in data["entities"].items())


@settings(max_examples=150)
@given(text=hostile_text, forwarded=st.booleans())
@example(text="\u202ebuy 1 btc\u202c", forwarded=False)
@example(text="buy\u200b 0.\u200d01 b\u200ctc", forwarded=False)
@example(text="#BTC LONG\nEntry: 1\u00000\nTP1: \u202e2", forwarded=True)
def test_any_text_parses_without_raising(parser: RuleParser, text: str, forwarded: bool) -> None:
    _check(parser, text, forwarded)


@settings(max_examples=15)
@given(text=huge_text)
def test_huge_text_parses_within_the_bound(parser: RuleParser, text: str) -> None:
    _check(parser, text)


@settings(max_examples=40)
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_any_bytes_decoded_as_telegram_would_parse(parser: RuleParser, text: str) -> None:
    _check(parser, text.encode("utf-8", errors="surrogatepass").decode("utf-8", errors="replace"))


# Money as the bot writes it (the one formatter) reads back as the same amount.
amounts = st.decimals(min_value=Decimal("0.00000001"), max_value=Decimal("999999999.99"), places=8,
                      allow_nan=False, allow_infinity=False)


@settings(max_examples=200)
@given(amount=amounts)
@example(amount=Decimal("1234.5"))
@example(amount=Decimal("1000"))
@example(amount=Decimal("0.00012345"))
def test_formatted_money_parses_back_to_the_shown_amount(amount: Decimal) -> None:
    shown = number(amount)
    assert parse_number(shown) == Decimal(shown.replace(",", ""))
    assert parse_number(f"${shown}") == Decimal(shown.replace(",", ""))
    # The plain number format keeps every place an 8-place amount has (trailing zeros dropped).
    assert Decimal(shown.replace(",", "")) == amount


@settings(max_examples=100)
@given(amount=st.decimals(min_value=Decimal("0.001"), max_value=Decimal("99999"), places=3))
def test_an_order_amount_typed_in_a_message_is_read_exactly(parser: RuleParser, amount: Decimal) -> None:
    shown = number(amount)
    command = parser.parse(f"buy {shown} btc")
    assert command.intent == "place_order", shown
    assert Decimal(str(command.entities["amount"])) == Decimal(shown.replace(",", "")), shown


@settings(max_examples=100)
@given(thousands=st.integers(min_value=1, max_value=999), suffix=st.sampled_from("kKmM"))
def test_suffixed_amounts_multiply(thousands: int, suffix: str) -> None:
    factor = 1_000 if suffix in "kK" else 1_000_000
    assert parse_number(f"{thousands}{suffix}") == thousands * factor
