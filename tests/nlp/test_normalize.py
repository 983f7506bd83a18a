from decimal import Decimal

import pytest

from nlp.normalize import normalize_text, parse_number, to_json_number


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("45k", Decimal(45000)),
        ("1.5k", Decimal(1500)),
        ("2m", Decimal(2_000_000)),
        ("$3.1k", Decimal(3100)),
        (".405", Decimal("0.405")),
        ("27,400", Decimal(27400)),
        ("45,000", Decimal(45000)),
        ("1,234,567.5", Decimal("1234567.5")),
        ("390,50", Decimal("390.5")),
        ("0,5828", Decimal("0.5828")),
        ("20.78+", Decimal("20.78")),
        ("44150$", Decimal(44150)),
        ("$12.91K", Decimal(12910)),
    ],
)
def test_numbers_follow_the_contract(written: str, expected: Decimal) -> None:
    assert parse_number(written) == expected


def test_non_numbers_are_rejected() -> None:
    assert parse_number("abc") is None
    assert parse_number("") is None


def test_cyrillic_x_next_to_a_number_becomes_latin() -> None:
    assert normalize_text("short 20х") == "short 20x"
    assert normalize_text("х25 leverage") == "x25 leverage"
    # Cyrillic words elsewhere are left alone.
    assert "ход" in normalize_text("ход 20")


def test_dashes_keycaps_and_styled_letters_are_folded() -> None:
    assert normalize_text("0.5 – 0.6") == "0.5 - 0.6"
    assert normalize_text("1\ufe0f\u20e3 0.5").startswith("1) ")
    assert normalize_text("𝐁𝐓𝐂") == "BTC"


def test_json_numbers_are_int_when_integral() -> None:
    assert to_json_number(Decimal("3100.0")) == 3100 and isinstance(to_json_number(Decimal("3100.0")), int)
    assert to_json_number(Decimal("0.495")) == 0.495
