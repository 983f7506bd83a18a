from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from domain.enums import CommandType
from nlp.llm import LLMFallback
from nlp.models import RULES_VERSION, ParsedCommand
from nlp.service import NLPService
from tests.nlp.fake_openai import FakeOpenAI, answer

UNSURE = ParsedCommand("gimme sum eth pls 2", CommandType.GENERAL_QUERY, "other", 0.3, {})
VALID = answer(command_type="trade_execution", intent="place_order", confidence=0.8,
               entities={"symbol": "ETH/USDT", "side": "buy", "amount": 2, "order_type": "market"})


@pytest.fixture()
async def server() -> AsyncIterator[FakeOpenAI]:
    fake = FakeOpenAI()
    await fake.start()
    yield fake
    await fake.stop()


def fallback(server: FakeOpenAI, timeout: float = 2.0) -> LLMFallback:
    return LLMFallback(api_key="test-key", base_url=server.base_url, model="fake-model", timeout=timeout, threshold=0.6)


async def test_a_valid_answer_replaces_an_unsure_rule_reading(server: FakeOpenAI) -> None:
    server.content = VALID
    llm = fallback(server)
    result = await llm.refine(UNSURE)
    await llm.aclose()
    assert (result.command_type, result.intent) == (CommandType.TRADE_EXECUTION, "place_order")
    assert result.entities["amount"] == Decimal(2)
    assert result.text == UNSURE.text and result.model_version == "llm:fake-model"
    request = server.requests[0]
    assert request["response_format"]["type"] == "json_schema"
    assert request["model"] == "fake-model"


async def test_a_confident_rule_reading_is_not_sent(server: FakeOpenAI) -> None:
    confident = ParsedCommand("hello", CommandType.GENERAL_QUERY, "greeting", 0.9, {})
    llm = fallback(server)
    assert await llm.refine(confident) is confident
    await llm.aclose()
    assert server.requests == []


@pytest.mark.parametrize(
    "content",
    [
        "not json at all",
        answer(command_type="trade_execution", intent="price", confidence=0.9, entities={}),  # intent of another type
        answer(command_type="shopping", intent="other", confidence=0.9, entities={}),
        answer(command_type="general_query", intent="other", confidence=1.7, entities={}),
        answer(command_type="market_analysis", intent="price", confidence=0.9, entities={"ticker": "ETH"}),
        answer(command_type="market_analysis", intent="price", confidence=0.9, entities={"symbol": "eth"}),
        answer(command_type="trade_execution", intent="place_order", confidence=0.9, entities={"amount": "two"}),
        answer(command_type="trade_execution", intent="place_order", confidence=0.9, entities={"side": "long"}),
    ],
    ids=["invalid-json", "intent-mismatch", "unknown-type", "confidence-range", "unknown-entity", "bad-symbol",
         "string-number", "non-canonical-side"],
)
async def test_an_invalid_answer_falls_back_to_the_rules(server: FakeOpenAI, content: str) -> None:
    server.content = content
    llm = fallback(server)
    assert await llm.refine(UNSURE) is UNSURE
    await llm.aclose()
    assert len(server.requests) == 1


async def test_http_error_falls_back_to_the_rules(server: FakeOpenAI) -> None:
    server.status = 500
    llm = fallback(server)
    assert await llm.refine(UNSURE) is UNSURE
    await llm.aclose()


async def test_timeout_falls_back_to_the_rules(server: FakeOpenAI) -> None:
    server.content, server.delay = VALID, 1.0
    llm = fallback(server, timeout=0.2)
    assert await llm.refine(UNSURE) is UNSURE
    await llm.aclose()


async def test_unreachable_server_falls_back_to_the_rules() -> None:
    llm = LLMFallback(api_key="k", base_url="http://127.0.0.1:9/v1", timeout=1.0)
    assert await llm.refine(UNSURE) is UNSURE
    await llm.aclose()


async def test_service_uses_the_llm_only_for_unsure_messages(server: FakeOpenAI) -> None:
    server.content = VALID
    service = NLPService(openai_base_url=server.base_url, openai_model="fake-model", llm_threshold=0.6)
    confident = await service.parse("buy 0.5 eth at 3100")
    unsure = await service.parse("qwerty zxcv")
    await service.aclose()
    assert confident.model_version == RULES_VERSION and confident.intent == "place_order"
    assert unsure.model_version == "llm:fake-model"
    assert len(server.requests) == 1
