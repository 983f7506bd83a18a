"""Classes of post the fourth blind set (posts_fresh_4.jsonl) and the study behind it brought up, each with
invented examples: which leverage line counts, market entries in other scripts and positions, futures named
in other languages, and the layout that makes a pasted multi-line message a post rather than a command."""

import pytest

from nlp.parser import RuleParser
from tests.nlp.signal_reading import signal_entities as entities

LEVELS = "Entry: 0.52\nTP: 0.55 / 0.58\nSL: 0.50"


@pytest.mark.parametrize("title", ["#QWIX LONG 20x", "🔥 #QWIX 🔥 Futures 5x", "#QWIX LONG (50x)"])
def test_a_labelled_leverage_line_wins_over_a_figure_in_the_title(parser: RuleParser, title: str) -> None:
    found = entities(parser, f"{title}\n{LEVELS}\nLeverage: 10x-20x")
    assert (found["leverage"], found["leverage_max"]) == (10, 20)


@pytest.mark.parametrize("line", ["Leverage: max 20x", "Leverage: up to 20x", "Max leverage: 20x", "Leverage: 20x max",
                                  "Leverage: Cross 20x", "Плечо: до 20х"])
def test_a_single_leverage_stays_single(parser: RuleParser, line: str) -> None:
    found = entities(parser, f"#QWIX LONG\n{LEVELS}\n{line}")
    assert found["leverage"] == 20 and "leverage_max" not in found


def test_a_title_leverage_is_read_when_no_line_is_labelled(parser: RuleParser) -> None:
    found = entities(parser, f"#QWIX LONG 15x\n{LEVELS}\nLeverage: Isolated")
    assert (found["leverage"], found["margin_mode"]) == (15, "isolated") and "leverage_max" not in found


@pytest.mark.parametrize("entry", ["Вход: маркет", "ورود: مارکت", "الدخول: ماركت", "Giriş: anlık", "الدخول: الآن",
                                   "ورود: همین الان", "Вход: сразу"])
def test_market_entries_in_other_scripts(parser: RuleParser, entry: str) -> None:
    found = entities(parser, f"#QWIX LONG\n{entry}\nTP: 0.55 / 0.58\nSL: 0.50")
    assert found["entry_at_market"] is True and "entries" not in found


@pytest.mark.parametrize(("entry", "entries"), [("CMP: 0.53", [0.53]), ("Buy at CMP and add more at 0.50", [0.5]),
                                                ("Long at CMP or 0.50", [0.5])])
def test_market_entries_with_a_level(parser: RuleParser, entry: str, entries: list) -> None:
    found = entities(parser, f"#QWIX/USDT LONG\n{entry}\nTargets: 0.56 - 0.59\nStop: 0.47")
    assert found["entry_at_market"] is True and found["entries"] == entries


def test_at_cmp_stays_with_its_side_when_the_breaks_were_lost(parser: RuleParser) -> None:
    found = entities(parser, "ZORKA SHORT SIGNAL 🚀 Sell at CMP and add more at 0.5665 Targets: 0.5551 - 0.5438 🛑 SL 0.5948")
    assert found["entry_at_market"] is True and found["entries"] == [0.5665]


@pytest.mark.parametrize("opening", ["Открываю шорт по #QWIX сейчас", "Шорт по #QWIX сейчас", "Short #QWIX now",
                                     "#QWIX short from current levels", "Short $QWIX at the current price"])
def test_a_side_with_its_coin_and_now_enters_at_the_market(parser: RuleParser, opening: str) -> None:
    found = entities(parser, f"{opening}\nТейк 1: 0.4420\nТейк 2: 0.4300\nСтоп: 0.4710")
    assert found["side"] == "sell" and found["entry_at_market"] is True


def test_prose_after_now_is_no_market_entry(parser: RuleParser) -> None:
    found = entities(parser, "#QWIX LONG now the market turns\nEntry: 0.52\nTP: 0.55\nSL: 0.50")
    assert "entry_at_market" not in found


@pytest.mark.parametrize("word", ["SINAL FUTUROS", "Фьючерсы", "Vadeli işlem", "فیوچرز", "العقود الآجلة"])
def test_futures_named_in_other_languages(parser: RuleParser, word: str) -> None:
    assert entities(parser, f"{word}\n#QWIX LONG\n{LEVELS}")["market_type"] == "futures"


@pytest.mark.parametrize("text", [
    "Buy #QWIX\n0.52 - 0.53\nSell 0.55 / 0.58 / 0.62\nStop 0.49",
    "BUY ZORKA\n1.20 - 1.24\nSELL 1.30 1.36\nSL 1.15",
])
def test_a_side_over_its_coin_heads_a_pasted_post_whose_sell_line_lists_targets(parser: RuleParser, text: str) -> None:
    found = entities(parser, text)
    assert found["side"] == "buy" and len(found["entries"]) == 2 and len(found["take_profits"]) >= 2


def test_a_side_over_lines_of_figures_is_a_pasted_post_not_an_order(parser: RuleParser) -> None:
    result = parser.parse("LONG BTC\n61000\n62500\n64000\n59800")
    assert (result.command_type.value, result.intent) == ("trade_analysis", "signal")


@pytest.mark.parametrize(("text", "intent"), [("buy eth\n3100", "place_order"), ("BTC 61000\nETH 3400\nSOL 150", None),
                                              ("long btc\nhow risky is it?\n10x", None)])
def test_short_or_sideless_lines_stay_typed(parser: RuleParser, text: str, intent: str | None) -> None:
    """Two lines are still a typed order; lines of prices without a side, or a question, are no post."""
    result = parser.parse(text)
    assert result.intent != "signal"
    if intent:
        assert result.intent == intent


@pytest.mark.parametrize("line", ["Leverage: 10x🔸20x", "Leverage: 10x • 20x", "الرافعة: من 10 إلى 20", "اهرم: از 10 تا 20"])
def test_leverage_ranges_joined_by_a_symbol_or_from_to_words(parser: RuleParser, line: str) -> None:
    found = entities(parser, f"#QWIX LONG\n{LEVELS}\n{line}")
    assert (found["leverage"], found["leverage_max"]) == (10, 20)


def test_two_margin_modes_side_by_side_are_no_range(parser: RuleParser) -> None:
    found = entities(parser, f"#QWIX LONG\n{LEVELS}\nLeverage: Cross 10x | Isolated 20x")
    assert found["leverage"] == 10 and "leverage_max" not in found


@pytest.mark.parametrize("prose", ["بازار صعودی است", "The market is bullish now, be careful", "Join our VIP now! 👉 t.me/qwixvip",
                                   "Рынок сейчас перегрет, заходите аккуратно", "السوق متقلب الآن"])
def test_market_words_in_prose_are_no_market_entry(parser: RuleParser, prose: str) -> None:
    found = entities(parser, f"#QWIX LONG\n{LEVELS}\n{prose}")
    assert "entry_at_market" not in found and found["entries"] == [0.52]


def test_turkish_capital_dotted_i_reads_like_the_lower_case_word(parser: RuleParser) -> None:
    found = entities(parser, "#QWIX SHORT\nGİRİŞ: 0.52\nHEDEF: 0.49\nSTOP: 0.55\nKaldıraç: 10x İzole")
    assert found["entries"] == [0.52] and found["margin_mode"] == "isolated"
    cancelled = parser.parse("#QWIX İPTAL EDİLDİ ❌").to_dict()
    assert (cancelled["intent"], cancelled["entities"].get("update")) == ("signal_update", "cancel")
