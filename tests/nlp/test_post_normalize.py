"""The post normalisation pass, the label lexicon and the exchange-id data, on invented texts."""

import json

import ccxt

from nlp.labels import LEXICON_PATH, rewrite_foreign_labels, rewrite_line_labels
from nlp.normalize import normalize_text
from nlp.post_normalize import normalize_post
from nlp.venues import EXCHANGES_PATH, exchange_id, read_venues


def test_glued_labels_start_lines_of_their_own() -> None:
    assert normalize_post("QWIXLONGLeverage: 5xEntry: 1.2Stop: 1.1") == "QWIX LONG\nLeverage: 5x\nEntry: 1.2\nStop: 1.1"
    assert normalize_post("EXCHANGE: BINANCEPair: QWIX/USDT") == "EXCHANGE: BINANCE\nPair: QWIX/USDT"


def test_a_glued_target_index_counts_up() -> None:
    assert normalize_post("TP11.31 TP21.35 TP31.4") == "TP1 1.31 TP2 1.35 TP3 1.4"
    assert normalize_post("TP1 2.5\nTP22.75") == "TP1 2.5\nTP2 2.75"


def test_keycaps_and_circled_digits_become_list_items() -> None:
    assert normalize_post("Targets: 1\ufe0f\u20e30.5 2\ufe0f\u20e30.6") == "Targets: \n1) 0.5 \n2) 0.6"
    assert normalize_post("\u2460 1.2 \u2461 1.3") == "1)  1.2 \n2)  1.3"
    # A keycap that already opens its line only numbers it.
    assert normalize_post("Targets:\n1\ufe0f\u20e3 0.5") == "Targets:\n1)  0.5"


def test_multiplication_signs_and_cyrillic_x_read_as_leverage_x() -> None:
    assert normalize_post("Long \u00d720") == "Long x20"
    assert normalize_post("Short 25\u0445") == "Short 25x"
    assert normalize_post("\u2716\ufe0f Invalidation") == "\u2716\ufe0f Invalidation"  # decoration stays


def test_markdown_and_arabic_marks_are_dropped() -> None:
    assert normalize_post("**Entry:** 5 [join](https://t.me/x)") == "Entry: 5 join"
    assert rewrite_foreign_labels("أُلغي") == "cancelled"


def test_a_level_named_after_its_value() -> None:
    assert "Stop loss: 0.95" in normalize_post("0.95 can be stop")


def test_foreign_labels_read_as_english() -> None:
    assert rewrite_foreign_labels("Вход: 1\nЦели: 2 3\nСтоп: 0.5\nПлечо: 10x") == \
        "Entry: 1\nTargets: 2 3\nStop loss: 0.5\nLeverage: 10x"
    assert rewrite_foreign_labels("Giriş: 1\nHedefler: 2\nZarar durdur: 0.5") == "Entry: 1\nTargets: 2\nStop loss: 0.5"
    assert rewrite_foreign_labels("Entrada: 1\nObjetivos: 2\nApalancamiento: 5x") == "Entry: 1\nTargets: 2\nLeverage: 5x"
    assert rewrite_foreign_labels("الدخول: 1\nالأهداف: 2") == "Entry: 1\nTargets: 2"
    assert rewrite_foreign_labels("نقطه ورود: 1\nحد ضرر: 0.5") == "Entry: 1\nStop loss: 0.5"


def test_russian_followup_phrases_read_as_english() -> None:
    assert rewrite_foreign_labels("второй тейк взят, стоп в б/у") == "second target hit, move stop to breakeven"
    assert rewrite_foreign_labels("тейк 3 взят") == "target 3 hit"
    # A figure before an ordinal-looking ending is a price, not an ordinal ("128.14 цели").
    assert rewrite_foreign_labels("стоп - 128.14 цели - 115") == "Stop loss - 128.14 Targets - 115"


def test_english_synonyms_are_labels_only_at_a_line_start_before_levels() -> None:
    assert rewrite_line_labels("Sell zone: 1.2 - 1.3") == "Targets: 1.2 - 1.3"
    assert rewrite_line_labels("Tg2 1.3") == "Target 2 1.3"
    assert rewrite_line_labels("Stopls 0.9") == "Stop loss 0.9"
    assert rewrite_line_labels("Targts: 1.5") == "Targets: 1.5"  # a misspelt label, matched tolerantly
    assert rewrite_line_labels("Below 194 the move speeds up") == "Below 194 the move speeds up"
    assert rewrite_line_labels("Close QWIX") == "Close QWIX"


def test_typed_text_normalisation_is_unchanged_by_the_post_pass() -> None:
    # normalize_text (typed commands) does not split labels or rewrite English synonyms.
    assert normalize_text("Sell zone 1.2") == "Sell zone 1.2"
    assert normalize_text("TP11.31") == "TP11.31"


def test_the_lexicon_is_well_formed_data() -> None:
    lexicon = json.loads(LEXICON_PATH.read_text(encoding="utf-8"))
    for section in ("followup_phrases", "anywhere", "line_start"):
        for english, patterns in lexicon[section]:
            assert isinstance(english, str) and english and patterns


def test_exchange_ids_are_ccxts() -> None:
    data = json.loads(EXCHANGES_PATH.read_text(encoding="utf-8"))
    assert set(ccxt.exchanges) <= set(data["ids"]), "re-run scripts/gen_exchange_ids.py after a ccxt upgrade"
    assert set(data["ids"].values()) <= set(ccxt.exchanges)
    assert exchange_id("binanceusdm") == "binance" and exchange_id("Gate.io") == "gate" and exchange_id("QWIX") is None


def test_venues_in_posts() -> None:
    assert read_venues("Binance Futures") == {"exchange": "binance", "market_type": "futures"}
    assert read_venues("#BYBIT") == {"exchange": "bybit"}
    assert read_venues("Exchange: XT, BITGET") == {"exchanges": ["xt", "bitget"]}
    assert read_venues("Bybit, OKX spot") == {"exchanges": ["bybit", "okx"], "market_type": "spot"}
    # An id that is also an everyday word or a coin counts only where a venue is named.
    assert read_venues("Bullish divergence on the 4h") == {}
    assert read_venues("WOO/USDT long", is_ticker=lambda word: word.upper() == "WOO") == {}
    assert read_venues("Binance Killers") == {}
