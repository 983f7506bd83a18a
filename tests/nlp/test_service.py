import asyncio

from nlp.service import RULES_VERSION, NLPService


async def test_parse_reads_commands_and_posts() -> None:
    service = NLPService()
    command, post = await asyncio.gather(
        service.parse("sell 1 sol at market"),
        service.parse("close ETH", forwarded=True),
    )
    assert command.intent == "place_order" and command.entities["order_type"] == "market"
    assert post.intent == "signal_update"
    assert not service.llm_enabled
    assert service.model_version == RULES_VERSION == "rules-1.0"


async def test_added_markets_become_symbols() -> None:
    service = NLPService()
    service.add_markets(["WOBBLE/USDT"])
    result = await service.parse("buy 10 wobble")
    assert result.entities["symbol"] == "WOBBLE/USDT"
