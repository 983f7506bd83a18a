"""Regression checks for the general rules added after the blind-set study."""

from nlp.normalize import normalize_text
from nlp.parser import RuleParser


def test_typed_lowercase_order_with_entry_word_stays_an_order(parser: RuleParser) -> None:
    result = parser.parse("long sol 10x entry 145 sl 140 tp 155")
    assert result.intent == "place_order"
    assert result.entities["stop_loss"] == 140 and result.entities["take_profits"] == [155]


def test_one_line_post_with_labels_is_a_signal(parser: RuleParser) -> None:
    result = parser.parse("SHORT #OP | Entry 1.80 | TP 1.70 | SL 1.86")
    assert result.intent == "signal" and result.to_dict()["entities"]["entries"] == [1.8]


def test_russian_labels_and_arrow_styles_are_normalised() -> None:
    assert normalize_text("Вход: 1\nЦели: 2\nСтоп: 0.5\nПлечо 10х") == "entry: 1\ntargets: 2\nstop loss: 0.5\nleverage 10x"
    assert normalize_text("TP 1 ➜ 2.5") == "TP 1 → 2.5"


def test_question_about_a_pasted_signal_is_an_evaluation(parser: RuleParser) -> None:
    assert parser.parse("legit? #ETH LONG entry 3000-3050 tp 3150 sl 2950").intent == "evaluate_trade"


def test_percent_only_exits_make_a_complete_signal(parser: RuleParser) -> None:
    result = parser.parse("#APT SHORT\nEntry: market\nTP1 -3%\nSL +4%")
    assert result.intent == "signal"
    assert result.entities["entry_at_market"] is True and result.entities["stop_loss_percent"] == 4
