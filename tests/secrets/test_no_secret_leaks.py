"""A full conversation with every secret configured, logging at DEBUG: the bot token, the exchange
key and secret, the OpenAI key and the encryption key appear in no log line, no traceback, no
message sent, no database row and no Redis value (the exchange key only as ciphertext)."""

from __future__ import annotations

import json
import logging

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy import text

from db.crypto import SecretBox
from db.models import Base
from db.repositories.credentials import CredentialVault
from db.repositories.trading_uow import TradingUnitOfWork
from domain.errors import AuthenticationFailed
from domain.exchanges.ccxt_exchange import CcxtExchange, CcxtGateway, create_client
from domain.services.exchange_accounts import ExchangeAccountService
from tests.assistant.conftest import running_app
from tests.e2e.conftest import accept_terms
from tests.e2e.conftest import bot_api, settings  # noqa: F401  (fixtures reused)
from tests.e2e.fake_bot_api import TOKEN
from tests.nlp.fake_openai import FakeOpenAI, answer
from tests.trading.fake_binance import FakeBinance, Reply, recorded

USER = 9101
OPENAI_KEY = "sk-test-9f8e7d6c5b4a39281706f5e4d3c2b1a0"
API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
API_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
ENCRYPTION_KEY = Fernet.generate_key().decode()
SECRETS = {"bot token": TOKEN, "exchange key": API_KEY, "exchange secret": API_SECRET, "OpenAI key": OPENAI_KEY,
           "encryption key": ENCRYPTION_KEY}
# The stand-in servers' own access logs (a request line to the fake Telegram carries the token in
# its path, as Telegram's own logs would): they are not the bot's.
NOT_THE_BOTS = ("aiohttp.access",)


@pytest.fixture
async def servers():
    openai, binance = FakeOpenAI(), FakeBinance()
    openai.content = answer(command_type="trade_execution", intent="place_order", confidence=0.8,
                            entities={"symbol": "ETH/USDT", "side": "buy", "amount": 2, "order_type": "market"})
    await openai.start()
    await binance.start()
    yield openai, binance
    await openai.stop()
    await binance.stop()


def _leaks(where: str, haystack: str) -> list[str]:
    return [f"{name} in {where}" for name, secret in SECRETS.items() if secret in haystack]


async def test_no_secret_leaves_its_place(bot_api, settings, session_factory, redis_client, servers, caplog):  # noqa: F811
    openai, binance = servers
    caplog.set_level(logging.DEBUG)
    settings.llm = settings.llm.model_copy(update={"api_key": SecretStr(OPENAI_KEY), "base_url": openai.base_url})
    settings.security = settings.security.model_copy(update={"encryption_key": SecretStr(ENCRYPTION_KEY)})
    async with running_app(bot_api, settings, session_factory, redis_client, encryption_key=ENCRYPTION_KEY):
        await accept_terms(bot_api, USER)
        bot_api.send_text(USER, "buy 0.01 btc")
        await bot_api.wait_for_text(USER, "Confirm this order")
        await bot_api.wait_until_acknowledged(bot_api.tap(USER, "Confirm"))
        bot_api.send_text(USER, "gimme sum eth pls 2")  # unsure: the LLM fallback reads it
        await bot_api.wait_for(lambda: openai.requests)
        await bot_api.wait_for_text(USER, "ETH")
        for message in ("buy 1000 btc", "/portfolio", "/help"):
            await bot_api.wait_until_acknowledged(bot_api.send_text(USER, message))

        def connect(exchange, credentials, is_testnet, market_type="spot"):
            return CcxtExchange(CcxtGateway(binance.point(create_client(exchange, credentials, timeout_ms=500))))

        accounts = ExchangeAccountService(CredentialVault(SecretBox(ENCRYPTION_KEY), connect), connect)
        async with session_factory() as session:
            user_id = await session.scalar(text("SELECT user_id FROM telegram_users WHERE telegram_id = :t"),
                                           {"t": USER})
        async with TradingUnitOfWork(session_factory) as uow:
            await accounts.connect(uow, user_id, "binance", API_KEY, API_SECRET)
        async with TradingUnitOfWork(session_factory) as uow:
            assert await accounts.balances(uow, user_id, "binance")
        binance.script("GET", "/api/v3/account", Reply(recorded("error_invalid_api_key.json"), status=401))
        with pytest.raises(AuthenticationFailed) as refused:
            async with TradingUnitOfWork(session_factory) as uow:
                await accounts.balances(uow, user_id, "binance")
        assert binance.seen("GET", "/api/v3/account")[0].api_key == API_KEY  # the key was really used
        assert openai.requests  # and the OpenAI client really called

    leaks = _leaks("an exception", f"{refused.value!r} {refused.value} {refused.value.__cause__!r}")
    logged = [r for r in caplog.records if r.name not in NOT_THE_BOTS]
    assert any(r.levelno == logging.DEBUG for r in logged)  # DEBUG really was captured
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    leaks += _leaks("the logs", "\n".join(formatter.format(r) for r in logged))  # with tracebacks
    leaks += _leaks("what was sent to Telegram", json.dumps([c.params for c in bot_api.calls], ensure_ascii=False, default=str))
    async with session_factory() as session:
        for table in Base.metadata.sorted_tables:
            rows = (await session.execute(text(f'SELECT t::text FROM "{table.name}" t'))).scalars().all()
            leaks += _leaks(f"table {table.name}", "\n".join(rows))
        sealed = (await session.execute(text("SELECT api_key_encrypted, api_secret_encrypted FROM exchange_credentials"))).one()
    keys = [key async for key in redis_client.scan_iter()]
    for key in keys:
        kind = (await redis_client.type(key)).decode()
        value = await redis_client.hgetall(key) if kind == "hash" else await redis_client.get(key) if kind == "string" else b""
        leaks += _leaks(f"Redis {key!r}", f"{key!r} {value!r}")
    assert leaks == []
    box = SecretBox(ENCRYPTION_KEY)  # stored, sealed
    assert (box.decrypt(bytes(sealed[0])).decode(), box.decrypt(bytes(sealed[1])).decode()) == (API_KEY, API_SECRET)
