"""Real intent contexts for the analysis handlers: trading services on the simulated market (behind
the Redis cache), the analysis services on the same feed, no news source, the rules NLP."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import text

from bot.assistant.context import IntentContext
from bot.assistant.services import AssistantServices
from bot.text_handler import IncomingText, TextReply
from db.repositories.trading_uow import TradingUnitOfWork
from db.trading_services import build_trading_services
from domain.services.alerts import AlertService
from domain.services.glossary import Glossary
from domain.services.market_overview import MarketOverviewService
from domain.services.news import NewsService
from domain.services.recommendations import RecommendationService
from domain.services.sentiment import SentimentService
from domain.services.signals import SignalService
from domain.services.technical_analysis import TechnicalAnalysisService
from domain.services.trade_review import TradeReviewService
from nlp.models import ParsedCommand
from nlp.service import NLPService

_NLP = NLPService()  # the rules parser: built once, it loads its vocabulary


@pytest.fixture
async def services(session_factory, redis_client) -> AsyncIterator[AssistantServices]:
    trading = build_trading_services(session_factory=session_factory, redis=redis_client, market_data="simulated")
    market = trading.market_data
    yield AssistantServices(
        nlp=_NLP,
        trading=trading,
        alerts=AlertService(trading.analysis),
        signals=SignalService(market, trading.portfolios),
        overview=MarketOverviewService(market),
        sentiment=SentimentService(market),
        recommendations=RecommendationService(market),
        trade_review=TradeReviewService(market),
        glossary=Glossary(),
        news=NewsService(None),
        technical=TechnicalAnalysisService(market),
    )
    await trading.close()


@pytest.fixture
async def user_id(session_factory) -> uuid.UUID:
    async with session_factory() as session:
        user = (await session.execute(text("insert into users (username) values ('dana') returning id"))).scalar()
        await session.commit()
    return user


@dataclass
class Ask:
    """Parse ``text`` with the real NLP and run the handler of the parsed intent (or ``intent``)."""

    services: AssistantServices
    session_factory: object
    handlers: dict[str, Callable[[IntentContext, ParsedCommand], Awaitable[TextReply]]]
    user_id: uuid.UUID | None = None

    async def __call__(self, message: str, *, intent: str | None = None,
                       user_id: uuid.UUID | None | bool = True) -> tuple[ParsedCommand, TextReply]:
        parsed = await self.services.nlp.parse(message)
        handler = self.handlers[intent or parsed.intent]
        incoming = IncomingText(
            text=message, chat_id=1, telegram_user_id=uuid.uuid4(),
            user_id=self.user_id if user_id is True else (user_id or None), may_trade=False, forwarded_from=None,
        )
        async with TradingUnitOfWork(self.session_factory) as uow:
            reply = await handler(IntentContext(incoming, uow, self.services, None), parsed)
        return parsed, reply


@pytest.fixture
def ask_factory(services, session_factory):
    def make(handlers, user_id=None) -> Ask:
        return Ask(services, session_factory, handlers, user_id)

    return make
