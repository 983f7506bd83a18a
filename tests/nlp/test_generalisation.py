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


def test_a_capitalised_one_line_setup_without_a_size_is_a_signal(parser: RuleParser) -> None:
    for text in ("Long QWIX 0.512 TP 0.535 SL 0.497", "Sell #ZORKA 1.84 Target 1.78 Stop 1.91"):
        result = parser.parse(text)
        assert result.intent == "signal", text
        assert len(result.entities["entries"]) == 1 and "stop_loss" in result.entities


def test_a_sized_or_lower_case_setup_stays_the_users_order(parser: RuleParser) -> None:
    for text in ("Buy 3 QWIX @ 0.512 SL 0.497 TP 0.535", "long qwix 0.512 tp 0.535 sl 0.497"):
        assert parser.parse(text).intent == "place_order", text


def test_a_bare_line_of_levels_beyond_the_entry_lists_the_targets(parser: RuleParser) -> None:
    result = parser.parse("SHORT #ZORKA 2.40\n2.31 / 2.25 / 2.18\nstop 2.47", forwarded=True).to_dict()
    assert result["entities"]["take_profits"] == [2.31, 2.25, 2.18]
    assert result["entities"]["entries"] == [2.4] and result["entities"]["stop_loss"] == 2.47


def test_a_stop_before_the_leverage_is_not_a_leverage_range(parser: RuleParser) -> None:
    result = parser.parse("Short QWIX 1250 - TP 1210 - SL 1285 - 20x", forwarded=True).to_dict()
    assert result["entities"]["stop_loss"] == 1285 and result["entities"]["leverage"] == 20


def test_a_plan_for_later_inside_a_signal_is_not_a_follow_up(parser: RuleParser) -> None:
    text = "$ZORKA LONG\nTP 2.25 / 2.31\nSL 2.05\nmove SL to entry after TP1"
    for forwarded in (False, True):
        result = parser.parse(text, forwarded=forwarded).to_dict()
        assert result["intent"] == "signal" and result["entities"]["take_profits"] == [2.25, 2.31], forwarded


def test_accumulate_below_a_level_is_the_entry(parser: RuleParser) -> None:
    result = parser.parse("#QWIX 🚀\nAccumulate below 0.52\nTargets 0.55 / 0.58\nInvalidation 0.47").to_dict()
    assert result["entities"]["entries"] == [0.52] and result["entities"]["stop_loss"] == 0.47


def test_a_typed_stop_or_target_level_is_not_a_reported_loss_or_profit(parser: RuleParser) -> None:
    for text in ("set stop loss 2900 on eth", "set take profit 3300 on eth"):
        assert parser.parse(text).intent == "modify_order", text
