"""Classes of post issue 8's sixth round handles, each with invented examples: a market entry with a limit
level beside it, leverage ranges with the margin mode or an underscore between their ends, and arrow chains
of levels under entry and target labels."""

import pytest

from nlp.parser import RuleParser
from tests.nlp.signal_reading import signal_entities as entities

EXITS = "TP: 0.58 / 0.61\nSL: 0.49"


@pytest.mark.parametrize("entry", ["Entry: Market - Limit 0.53", "Entry: Market (up to 0.53)", "Entry: CMP / limit @ 0.53",
                                   "Entry: Market + Limit 0.53", "Entry: market or limit at 0.53", "Entry: CMP (limit 0.53)",
                                   "Entry: Market price - Limit order 0.53", "Entry: Market up to 0.53",
                                   "Вход: по рынку / лимит 0.53", "Вход: по рынку (до 0.53)", "Giriş: Piyasa - Limit 0.53",
                                   "Entrada: mercado - límite 0.53",
                                   # a ceiling in other words and languages
                                   "Entrada: a mercado (hasta 0.53)", "Entrada: mercado até 0.53",
                                   "Entrée: prix du marché (jusqu'à 0.53)", "الدخول: سعر السوق حتى 0.53",
                                   "Entry: CMP (not above 0.53)", "Entry: market, no higher than 0.53",
                                   # the level written loosely
                                   "Entry: market (~0.53)", "Entry: CMP (≈ 0.53)", "Giriş: Piyasa (0.53'e kadar)",
                                   "Market buy 0.53", "Entry: Mkt - 0.53", "Market Long 0.53",
                                   # an arrow from the market to the level
                                   "Entry: Market ➡️ 0.53", "Entry: CMP → 0.53",
                                   # Russian: "we enter at the market, adding at …"
                                   "Заходим по рынку, добор 0.53", "Вход: по рынку, добор 0.53",
                                   # a limit level on a line of its own, a Turkish ceiling
                                   "Вход: по рынку\nЛимит: 0.53", "Giriş: Piyasa (en fazla 0.53)"])
def test_a_market_entry_with_a_limit_level_keeps_both(parser: RuleParser, entry: str) -> None:
    found = entities(parser, f"#ZORKA/USDT LONG\n{entry}\n{EXITS}")
    assert found["entry_at_market"] is True and found["entries"] == [0.53]


def test_up_to_without_the_market_is_a_plain_entry(parser: RuleParser) -> None:
    found = entities(parser, f"#ZORKA/USDT LONG\nEntry: 0.52 up to 0.53\n{EXITS}")
    assert "entry_at_market" not in found and found["entries"] == [0.52, 0.53]


@pytest.mark.parametrize(("line", "mode"), [("Leverage: 10x (Cross) - 20x", "cross"), ("Leverage: 10x Isolated to 20x", "isolated"),
                                            ("Lev: 10x [Cross] - 25x", "cross"), ("Плечо: 10х (кросс) - 20х", "cross"),
                                            ("Leverage 10x (Cross) / 20x", "cross"), ("Плечо: х10 (кросс) - х20", "cross"),
                                            ("الرافعة: 10x (كروس) - 20x", "cross"), ("Leverage: x10 (Isolated) - x20", "isolated")])
def test_a_margin_mode_between_the_ends_of_a_range(parser: RuleParser, line: str, mode: str) -> None:
    found = entities(parser, f"#ZORKA/USDT LONG\nEntry: 0.53\n{EXITS}\n{line}")
    assert found["leverage"] == 10 and found["leverage_max"] in (20, 25) and found["margin_mode"] == mode


@pytest.mark.parametrize("line", ["Плечо: 10х или 20х", "Плечо: 20х (макс 50х)", "Leverage: 10x or 20x"])
def test_leverage_ranges_joined_by_or_or_a_russian_maximum(parser: RuleParser, line: str) -> None:
    found = entities(parser, f"#ZORKA/USDT LONG\nEntry: 0.53\n{EXITS}\n{line}")
    assert found["leverage"] in (10, 20) and found["leverage_max"] in (20, 50) and found["leverage_max"] > found["leverage"]


@pytest.mark.parametrize("line", ["Leverage: 10x_20x", "Lev x10_x20", "Kaldıraç: 10x_20x", "10x_20x", "Leverage: 10x...20x",
                                  "Leverage: 10x..20x", "Lev 10x…20x"])
def test_an_underscore_or_dots_join_a_leverage_range(parser: RuleParser, line: str) -> None:
    found = entities(parser, f"#ZORKA/USDT LONG\nEntry: 0.53\n{EXITS}\n{line}")
    assert (found["leverage"], found["leverage_max"]) == (10, 20)


def test_a_symbol_with_an_underscore_is_no_leverage(parser: RuleParser) -> None:
    found = entities(parser, f"ZORKA_USDT LONG\nEntry: 0.53\n{EXITS}")
    assert "leverage" not in found and found["symbol"] == "ZORKA/USDT"


@pytest.mark.parametrize("entry", ["Entry: 0.53 ➡️ 0.51", "Entry: 0.53 → 0.52 → 0.51", "Entry: 0.53 -> 0.51",
                                   "Вход: 0.53 ➡️ 0.51", "Entry zone:\n0.53 ➡️ 0.51"])
def test_an_arrow_chain_under_an_entry_label_lists_entries(parser: RuleParser, entry: str) -> None:
    found = entities(parser, f"#ZORKA/USDT LONG\n{entry}\n{EXITS}")
    assert found["entries"][0] == 0.51 and found["entries"][-1] == 0.53 and found["take_profits"] == [0.58, 0.61]


def test_an_entry_chain_from_the_market(parser: RuleParser) -> None:
    found = entities(parser, f"#ZORKA/USDT LONG\nEntry: Market → 0.53 → 0.52\n{EXITS}")
    assert found["entry_at_market"] is True and found["entries"] == [0.52, 0.53]


@pytest.mark.parametrize("targets", ["Targets: 0.58 ➡️ 0.61 ➡️ 0.65", "TP: 0.58 → 0.61 → 0.65", "Цели: 0.58 -> 0.61 -> 0.65",
                                     "Targets: 0.58 => 0.61 => 0.65", "Targets: 0.58 ➜ 0.61 ➜ 0.65",
                                     "Targets:\n0.58 ➡️ 0.61 ➡️ 0.65"])
def test_an_arrow_chain_under_a_target_label_lists_targets(parser: RuleParser, targets: str) -> None:
    found = entities(parser, f"#ZORKA/USDT LONG\nEntry: 0.53\n{targets}\nSL: 0.49")
    assert found["entries"] == [0.53] and found["take_profits"] == [0.58, 0.61, 0.65]


def test_a_side_chain_running_down_for_a_long_is_an_entry_ladder(parser: RuleParser) -> None:
    found = entities(parser, f"#ZORKA/USDT\nLong 0.53 → 0.52 → 0.51\n{EXITS}")
    assert found["entries"] == [0.51, 0.52, 0.53] and found["take_profits"] == [0.58, 0.61]


def test_a_side_chain_running_up_for_a_long_is_an_entry_then_targets(parser: RuleParser) -> None:
    found = entities(parser, "#ZORKA/USDT\nLong 0.53 → 0.58 → 0.61\nSL: 0.49")
    assert found["entries"] == [0.53] and found["take_profits"] == [0.58, 0.61]


@pytest.mark.parametrize("opening", ["Buy above 0.53 or CMP", "Long 0.53 / market", "#ZORKA лонг от 0.53 или по рынку"])
def test_the_market_offered_after_a_sides_level(parser: RuleParser, opening: str) -> None:
    found = entities(parser, f"#ZORKA/USDT\n{opening}\n{EXITS}")
    assert found["side"] == "buy" and found["entry_at_market"] is True and found["entries"] == [0.53]


def test_a_level_then_prose_with_market_is_no_market_entry(parser: RuleParser) -> None:
    found = entities(parser, f"#ZORKA/USDT\nLong 0.53, the market looks strong\n{EXITS}")
    assert "entry_at_market" not in found and found["entries"] == [0.53]


def test_an_approximate_level_in_brackets_in_prose_is_no_entry(parser: RuleParser) -> None:
    found = entities(parser, f"#ZORKA/USDT LONG\nEntry: 0.53\n{EXITS}\nPrevious high (~0.70) is the dream target")
    assert found["entries"] == [0.53] and found["take_profits"] == [0.58, 0.61]


@pytest.mark.parametrize("text", ["$ZORKA SHORT 0.53 ➡️ 0.51 | TP 0.47 ➡️ 0.45 | SL 0.56",
                                  "#ZORKA Short 0.51 → 0.53\nTargets: 0.47 / 0.45\nSL 0.56"])
def test_a_sides_chain_in_a_post_that_labels_its_targets_lists_entries(parser: RuleParser, text: str) -> None:
    found = entities(parser, text)
    assert found["entries"] == [0.51, 0.53] and found["take_profits"] == [0.47, 0.45]


@pytest.mark.parametrize("entry", ["ENTRY: MARKET\n0.53", "Entry: CMP\n0.53", "Вход: по рынку\n0.53"])
def test_a_market_entry_over_a_bare_level(parser: RuleParser, entry: str) -> None:
    found = entities(parser, f"#ZORKA/USDT LONG\n{entry}\n{EXITS}")
    assert found["entry_at_market"] is True and found["entries"] == [0.53] and found["take_profits"] == [0.58, 0.61]


@pytest.mark.parametrize("line", ["Leverage: 10x — 3 entries", "Lev 10x, 2 targets", "Плечо 10х, 3 входа"])
def test_a_count_after_a_leverage_is_no_range(parser: RuleParser, line: str) -> None:
    found = entities(parser, f"#ZORKA/USDT LONG\nEntry: 0.53\n{EXITS}\n{line}")
    assert found["leverage"] == 10 and "leverage_max" not in found


def test_a_shorts_sell_chain_above_its_targets_is_the_entry(parser: RuleParser) -> None:
    found = entities(parser, "ZORKA SHORT\nSell: 0.53 ➡️ 0.54\nBuy back: 0.49 ➡️ 0.47\nSL: 0.57")
    assert found["entries"] == [0.53, 0.54] and found["take_profits"] == [0.49, 0.47]


@pytest.mark.parametrize("line", ["Add more: 0.52", "Buy more: 0.52", "Averaging: 0.52", "Average down 0.52", "Recompra: 0.52",
                                  "Добор: 0.52"])
def test_an_extra_entry_named_in_other_words(parser: RuleParser, line: str) -> None:
    found = entities(parser, f"#ZORKA/USDT LONG\nEntry: 0.53\n{line}\n{EXITS}")
    assert found["entries"] == [0.52, 0.53] and found["take_profits"] == [0.58, 0.61]


@pytest.mark.parametrize("line", ["Average entry: 0.525", "Avg. price 0.525", "Average buy price: 0.525"])
def test_the_entries_mean_restated_is_no_entry(parser: RuleParser, line: str) -> None:
    found = entities(parser, f"#ZORKA/USDT LONG\nEntry: 0.52 - 0.53\n{line}\n{EXITS}")
    assert found["entries"] == [0.52, 0.53]
