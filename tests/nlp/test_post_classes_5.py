"""Classes of post the fifth blind set (posts_fresh_5.jsonl) brought up, each with invented examples:
market entries in Vietnamese and Indonesian, leverage ranges joined by their words, a maximum named after
a single leverage, and a channel's advert heading a fresh setup."""

import pytest

from nlp.parser import RuleParser
from tests.nlp.signal_reading import signal_entities as entities

EXITS = "TP: 0.55 / 0.58\nSL: 0.50"


@pytest.mark.parametrize("entry", ["Vào lệnh: giá hiện tại", "Điểm vào: giá thị trường", "Entry: harga sekarang",
                                   "Entry: harga pasar", "Area Entry: harga saat ini", "Entry: C.M.P"])
def test_market_entries_in_vietnamese_and_indonesian(parser: RuleParser, entry: str) -> None:
    found = entities(parser, f"#QWIX/USDT LONG\n{entry}\n{EXITS}")
    assert found["entry_at_market"] is True and "entries" not in found


@pytest.mark.parametrize("line", ["Leverage: 10x sampai 20x", "Leverage: 10x hingga 20x", "Đòn bẩy: x10 đến x20",
                                  "Leverage: 10x s/d 20x"])
def test_leverage_ranges_joined_by_vietnamese_and_indonesian_words(parser: RuleParser, line: str) -> None:
    found = entities(parser, f"#QWIX/USDT LONG\nEntry: 0.52\n{EXITS}\n{line}")
    assert (found["leverage"], found["leverage_max"]) == (10, 20)


@pytest.mark.parametrize("line", ["Leverage: 10x (20x max)", "Leverage: 10x (max: 20x)", "Leverage: 10x; max 20x",
                                  "Leverage: 10x [max 20x]", "Leverage 10x, can go up to 20x"])
def test_a_maximum_named_after_the_leverage_tops_the_range(parser: RuleParser, line: str) -> None:
    found = entities(parser, f"#QWIX/USDT LONG\nEntry: 0.52\n{EXITS}\n{line}")
    assert (found["leverage"], found["leverage_max"]) == (10, 20)


def test_a_maximum_of_something_else_is_no_range(parser: RuleParser) -> None:
    found = entities(parser, f"#QWIX/USDT LONG\nEntry: 0.52\n{EXITS}\nLeverage: 10x, use max 20% of balance")
    assert found["leverage"] == 10 and "leverage_max" not in found


@pytest.mark.parametrize("advert", ["✅ Our last 10 calls hit TP! Join VIP 👉 @qwixvip",
                                    "🎯 TP hit on all signals this week, subscribe for more",
                                    "✅ All our calls hit TP this week, join 👉 t.me/qwixcalls"])
def test_an_advert_heading_a_fresh_setup_is_no_follow_up(parser: RuleParser, advert: str) -> None:
    found = entities(parser, f"{advert}\n\n#QWIX/USDT LONG\nEntry: 0.52 - 0.53\n{EXITS}")
    assert found["entries"] == [0.52, 0.53] and found["take_profits"] == [0.55, 0.58]


def test_a_follow_up_headline_over_its_repeated_setup_stays_a_follow_up(parser: RuleParser) -> None:
    result = parser.parse(f"#QWIX/USDT Target 1 reached ✅\nEntry: 0.52 - 0.53\n{EXITS}").to_dict()
    assert result["intent"] == "signal_update" and result["entities"]["update"] == "tp_hit"


@pytest.mark.parametrize("entry", ["Entry:\n1) CMP\n2) 0.51", "Entry Targets:\n1) Market\n2) 0.51"])
def test_the_market_as_an_item_of_a_numbered_entry_list(parser: RuleParser, entry: str) -> None:
    found = entities(parser, f"#QWIX/USDT LONG\n{entry}\n{EXITS}")
    assert found["entry_at_market"] is True and found["entries"] == [0.51]


@pytest.mark.parametrize("entry", ["Entry: market (current 0.52)", "Entry: CMP (now 0.52)", "Entry: Market (current price: 0.52)"])
def test_the_market_with_its_level_in_brackets(parser: RuleParser, entry: str) -> None:
    found = entities(parser, f"#QWIX/USDT LONG\n{entry}\n{EXITS}")
    assert found["entry_at_market"] is True and found["entries"] == [0.52]


@pytest.mark.parametrize(("entry", "stop"), [("Vùng vào: 0.52 - 0.53", "Dừng lỗ: 0.50"),
                                             ("Titik masuk: 0.52 - 0.53", "Batas rugi: 0.50")])
def test_vietnamese_and_indonesian_labels(parser: RuleParser, entry: str, stop: str) -> None:
    found = entities(parser, f"#QWIX/USDT LONG\n{entry}\nTP: 0.55 / 0.58\n{stop}")
    assert found["entries"] == [0.52, 0.53] and found["stop_loss"] == 0.5


@pytest.mark.parametrize(("opening", "exits", "entries"), [
    ("Buy now or wait for 0.51", "TP: 0.58 / 0.60\nSL: 0.49", [0.51]),
    ("Long at market and 0.50", "TP: 0.58 / 0.60\nSL: 0.49", [0.5]),
    ("Short now, or 0.56 if it wicks", "TP: 0.50 / 0.48\nSL: 0.59", [0.56]),
])
def test_a_further_level_after_a_side_at_the_market(parser: RuleParser, opening: str, exits: str, entries: list) -> None:
    found = entities(parser, f"#QWIX/USDT\n{opening}\n{exits}")
    assert found["entry_at_market"] is True and found["entries"] == entries


@pytest.mark.parametrize("targets", ["Take Profit Levels: Level 1: 0.55 Level 2: 0.58", "Targets: Level 1) 0.55 Level 2) 0.58",
                                     "TP: Step 1: 0.55 Step 2: 0.58"])
def test_numbered_items_run_into_one_line(parser: RuleParser, targets: str) -> None:
    found = entities(parser, f"#QWIX/USDT LONG\nEntry: 0.52\n{targets}\nSL: 0.50")
    assert found["take_profits"] == [0.55, 0.58]
