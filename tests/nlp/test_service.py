import asyncio
from decimal import Decimal

from nlp.models import ParsedCommand
from nlp.parser import RuleParser
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


class CountingParser(RuleParser):
    """The real parser, counting the messages it reads."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def parse(self, text: str, *, forwarded: bool = False) -> ParsedCommand:
        self.reads += 1
        return super().parse(text, forwarded=forwarded)


async def test_a_repeated_message_is_read_once_and_each_caller_gets_its_own_copy() -> None:
    parser = CountingParser()
    service = NLPService(parser=parser)
    text = "buy 0.5 eth at 3100 tp 3300 3500"
    first = await service.parse(text)
    first.entities["take_profits"].append(Decimal("1"))  # a caller changing what it got
    first.entities["symbol"] = None
    again = await service.parse(text)
    assert parser.reads == 1
    fresh = await NLPService(parse_cache_size=0).parse(text)
    assert again.to_dict() == fresh.to_dict() and again.entities["take_profits"] == [Decimal("3300"), Decimal("3500")]
    await service.parse(text, forwarded=True)  # read as a post: another reading
    assert parser.reads == 2


async def test_added_markets_are_seen_by_a_message_read_before() -> None:
    service = NLPService()
    assert (await service.parse("buy 10 wibble")).entities.get("symbol") != "WIBBLE/USDT"
    service.add_markets(["WIBBLE/USDT"])
    assert (await service.parse("buy 10 wibble")).entities["symbol"] == "WIBBLE/USDT"


async def test_the_cache_can_be_turned_off() -> None:
    parser = CountingParser()
    service = NLPService(parser=parser, parse_cache_size=0)
    for _ in range(2):
        assert (await service.parse("price of btc")).intent == "price"
    assert parser.reads == 2
