from nlp.evaluation import evaluate, score_entities, values_equal


def test_values_compare_numbers_relatively_and_lists_in_order() -> None:
    assert values_equal(0.1 + 0.2, 0.3)
    assert not values_equal(0.3, 0.31)
    assert values_equal([1, 2], [1.0, 2.0]) and not values_equal([1, 2], [2, 1])
    assert not values_equal(True, 1)
    assert values_equal("BTC/USDT", "BTC/USDT")


def test_wrong_value_is_a_miss_and_unlabelled_key_a_false_positive() -> None:
    score = score_entities({"symbol": "BTC/USDT", "price": 100}, {"symbol": "BTC/USDT", "price": 101, "amount": 1})
    assert (score.correct, score.missed, score.false_positives) == (1, 1, 1)


def test_lenient_keys_and_non_contract_keys_are_not_scored() -> None:
    score = score_entities({"symbol": "SOL/USDT"}, {"symbol": "SOL/USDT", "market_type": "futures", "note": "x"},
                           lenient=["market_type"])
    assert (score.correct, score.missed, score.false_positives) == (1, 0, 0)


def test_on_posts_only_signal_keys_count_as_false_positives() -> None:
    got = {"symbol": "ETH/USDT", "update": "sl_hit", "target_price": 5, "leverage": 10}
    score = score_entities({"symbol": "ETH/USDT", "update": "sl_hit"}, got, post=True)
    assert score.extra_keys == ("leverage",)


def test_report_figures_and_alternative_entity_sets() -> None:
    items = [
        {"text": "a", "expect": {"command_type": ["market_analysis"], "intent": "price",
                                 "entities": {"symbol": "BTC/USDT"}},
         "entities_alt": [{"symbols": ["BTC/USDT", "ETH/USDT"]}]},
        {"text": "b", "expect": {"command_type": ["trade_analysis"], "intent": "signal",
                                 "entities": {"side": "buy", "entries": [1, 2]}}},
    ]
    outputs = {
        "a": {"command_type": "market_analysis", "intent": "price", "entities": {"symbols": ["BTC/USDT", "ETH/USDT"]}},
        "b": {"command_type": "trade_analysis", "intent": "signal", "entities": {"side": "buy", "entries": [2, 1]}},
    }
    report = evaluate(items, outputs.__getitem__)
    assert report.command_type_accuracy == 1.0 and report.intent_accuracy == 1.0
    assert (report.entity_correct, report.entity_missed, report.entity_false_positives) == (2, 1, 0)
    assert report.signal_posts == 1 and report.signal_exact_share == 0.0
