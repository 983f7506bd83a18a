"""A connected exchange account through Telegram: the real dispatcher against a local Bot API
server, the account's requests against a local server answering with Binance's recorded
responses (``EXCHANGE_API_URL``). Neither the key nor the secret may appear in any reply, log
line or stored message."""

from __future__ import annotations

import logging

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from tests.e2e.conftest import accept_terms
from tests.trading.fake_binance import FakeBinance, Reply, recorded

API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
USER = 301


@pytest.fixture
async def binance():
    server = FakeBinance()
    await server.start()
    yield server
    await server.stop()


def _everything_sent(bot_api) -> str:
    return "\n".join(repr(call.params) for call in bot_api.calls)


async def _rows(session_factory, sql: str) -> list:
    async with session_factory() as session:
        return list((await session.execute(text(sql))).all())


async def test_connect_a_testnet_account_trade_live_and_never_show_the_key(
    bot_api, start_trading_bot, session_factory, binance, caplog,
):
    caplog.set_level(logging.DEBUG)
    await start_trading_bot(encryption_key=Fernet.generate_key().decode(), exchange_api_url=binance.base_url)
    await accept_terms(bot_api, USER)

    bot_api.send_text(USER, "/connect")
    await bot_api.wait_for_text(USER, "Connect your exchange account")
    bot_api.tap(USER, "Binance spot")
    await bot_api.wait_for_edit(USER, "Testnet or your real account")
    bot_api.tap(USER, "Testnet")
    await bot_api.wait_for_edit(USER, "never withdrawals")
    bot_api.send_text(USER, f"{API_KEY}\n{SECRET}")
    connected = await bot_api.wait_for_text(USER, "Connected")
    assert "Binance spot (testnet)" in connected and "…Eh8A" in connected
    assert bot_api.calls_of("deleteMessage", USER), "the message holding the secret is deleted"
    assert binance.seen("GET", "/api/v3/account")[0].api_key == API_KEY  # the key went to the configured URL

    bot_api.send_text(USER, "/accounts")
    listed = await bot_api.wait_for_text(USER, "Your exchange accounts")
    assert "testnet" in listed and "…Eh8A" in listed

    binance.script("POST", "/api/v3/order", Reply(recorded("order_market_buy_full.json")))
    bot_api.send_text(USER, "/buy 0.0015 btc")
    paper_card = await bot_api.wait_for_text(USER, "Confirm this order")
    assert paper_card.startswith("📝 <b>PAPER</b>")
    bot_api.tap(USER, "Account")
    await bot_api.wait_for_text(USER, "Which account")
    bot_api.tap(USER, "LIVE · Binance spot (testnet)")
    live_card = await bot_api.wait_for(lambda: next((t for t in bot_api.texts_to(USER) if t.startswith("🔴 <b>LIVE</b>")), None))
    assert "Binance spot (testnet)" in live_card
    bot_api.tap(USER, "Confirm LIVE")
    await bot_api.wait_for_edit(USER, "confirmation threshold")
    bot_api.tap(USER, "Yes, place this LIVE order")
    result = await bot_api.wait_for(lambda: next((c.params["text"] for c in bot_api.calls_of("editMessageText", USER)
                                                  if "Bought" in c.params.get("text", "")), None))
    assert result.startswith("🔴 <b>LIVE</b>") and len(binance.seen("POST", "/api/v3/order")) == 1

    binance.script("POST", "/api/v3/order", Reply(recorded("order_limit_new_full.json")))
    binance.script("DELETE", "/api/v3/order", Reply(recorded("order_cancel_limit.json")))
    bot_api.send_text(USER, "/buy 0.0015 btc at 86000.46")
    await bot_api.wait_for(lambda: sum("Confirm this order" in t for t in bot_api.texts_to(USER)) == 3)
    bot_api.tap(USER, "Account")
    await bot_api.wait_for(lambda: sum("Which account" in t for t in bot_api.texts_to(USER)) == 2)
    bot_api.tap(USER, "LIVE · Binance spot (testnet)")
    await bot_api.wait_for(lambda: sum(t.startswith("🔴 <b>LIVE</b>") for t in bot_api.texts_to(USER)) == 2)
    bot_api.tap(USER, "Confirm LIVE")
    await bot_api.wait_for(lambda: sum("confirmation threshold" in c.params.get("text", "")
                                       for c in bot_api.calls_of("editMessageText", USER)) == 2)
    bot_api.tap(USER, "Yes, place this LIVE order")
    await bot_api.wait_for_edit(USER, "Order open")
    bot_api.send_text(USER, "/orders")
    orders = await bot_api.wait_for_text(USER, "LIVE open orders")
    assert "Binance spot (testnet)" in orders
    bot_api.tap(USER, "Cancel LIVE 1")
    await bot_api.wait_for(lambda: len(binance.seen("DELETE", "/api/v3/order")) == 1)

    bot_api.send_text(USER, "/balance")
    balances = await bot_api.wait_for_text(USER, "(synced from the exchange)")
    assert "💰 <b>Balances</b>" in balances and "1,520.45" in balances  # paper first, the account beside it

    bot_api.send_text(USER, "/panic")
    await bot_api.wait_for_text(USER, "No open live orders")

    bot_api.send_text(USER, "/limits confirm 50 daily_loss 80")
    limits = await bot_api.wait_for_text(USER, "Second confirmation above: 50.00 USDT")
    assert "Daily loss limit: 80.00 USDT" in limits

    bot_api.send_text(USER, "/accounts")
    await bot_api.wait_for(lambda: sum("Your exchange accounts" in t for t in bot_api.texts_to(USER)) == 2)
    bot_api.tap(USER, "Disconnect 1")
    await bot_api.wait_for_edit(USER, "its key is deleted")
    assert await _rows(session_factory, "select id from exchange_credentials") == []

    stored = await _rows(session_factory, "select text from telegram_messages where text is not null")
    everything = _everything_sent(bot_api) + caplog.text + repr(stored)
    assert API_KEY not in everything and SECRET not in everything
    assert any(row[0] == "[secret removed]" for row in stored)
