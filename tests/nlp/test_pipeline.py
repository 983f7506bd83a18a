from decimal import Decimal

from nlp.pipeline import build_pipeline, mentions


def test_pipeline_labels_trading_vocabulary_with_canonical_values() -> None:
    nlp = build_pipeline()
    doc = nlp("stop-limit sell 5 SOL-USDT: stop 131, limit 130.5 on bybit 4 hour 10x")
    found = [(m.label, m.value) for m in mentions(doc)]
    assert ("ORDER_TYPE", "stop_limit") in found
    assert ("SIDE", "sell") in found
    assert ("ASSET", "SOL/USDT") in found
    assert ("NUMBER", Decimal("130.5")) in found
    assert ("EXCHANGE", "bybit") in found
    assert ("TIMEFRAME", "4h") in found
    assert ("LEVERAGE", Decimal(10)) in found


def test_tokenizer_keeps_numbers_pairs_and_ids_whole() -> None:
    nlp = build_pipeline()
    words = [token.text for token in nlp("buy $3.1k of 1000PEPEUSDT, cancel #B12-77X at 27,400")]
    assert words == ["buy", "$3.1k", "of", "1000PEPEUSDT", ",", "cancel", "#B12-77X", "at", "27,400"]


def test_compact_minutes_are_a_timeframe_not_millions() -> None:
    found = {(m.label, m.value) for m in mentions(build_pipeline()("doge 5m rsi"))}
    assert ("TIMEFRAME", "5m") in found
