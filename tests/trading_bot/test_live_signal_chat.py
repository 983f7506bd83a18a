"""A forwarded signal executed LIVE through Telegram: the real dispatcher and assistant against the
local Bot API server, the connected futures account against a local server speaking Binance
USDⓈ-M (``EXCHANGE_API_URL``). The card offers the account; above the user's second-tap value it
asks again; the entry, stop and targets reach the exchange once, however often the user taps;
/positions closes the position from its own button, and its stop and targets go with it."""

from __future__ import annotations

import logging

from cryptography.fernet import Fernet

from tests.assistant.conftest import running_app
from tests.e2e.conftest import accept_terms, switch_to_russian
from tests.e2e.conftest import bot_api, settings  # noqa: F401  (fixtures reused from the e2e harness)
from tests.trading.fake_binance_futures import ALGO_PATH, ORDER_PATH
from tests.trading.fake_binance_spot import OCO_PATH, ORDER_PATH as SPOT_ORDER_PATH
from tests.trading.test_live_signals import binance, binance_spot  # noqa: F401  (the local exchange servers)

USER = 6161
API_KEY = "fUtUrEsKeY" * 6 + "wxyz"
SECRET = "fUtUrEsSeCrEt" * 4 + "mnopqrstuvwx"
POST = "BTC/USDT LONG\nEntry market\nTP1 {tp1}\nTP2 {tp2}\nSL {sl}\nLeverage 10x"


async def connect(bot_api, market: str) -> None:
    await accept_terms(bot_api, USER)
    bot_api.send_text(USER, "/connect")
    await bot_api.wait_for_text(USER, "Connect your exchange account")
    bot_api.tap(USER, f"Binance {market}")
    await bot_api.wait_for_edit(USER, "Testnet or your real account")
    bot_api.tap(USER, "Testnet")
    await bot_api.wait_for_edit(USER, "never withdrawals")
    bot_api.send_text(USER, f"{API_KEY}\n{SECRET}")
    await bot_api.wait_for_text(USER, "Connected")


async def test_a_signal_card_executes_on_a_spot_account_with_ocos_and_refuses_a_short(
    bot_api, settings, session_factory, redis_client, binance_spot, caplog,  # noqa: F811
):
    caplog.set_level(logging.DEBUG)
    async with running_app(bot_api, settings, session_factory, redis_client,
                           encryption_key=Fernet.generate_key().decode(), exchange_api_url=binance_spot.base_url) as app:
        await connect(bot_api, "spot")
        price = (await app.trading.market_data.ticker("BTC/USDT")).last
        post = POST.format(tp1=round(price * 102 / 100), tp2=round(price * 104 / 100), sl=round(price * 97 / 100))
        bot_api.send_text(USER, post, forward_from_channel="alphacalls")
        card = await bot_api.wait_for_text(USER, "Signal read")
        assert "🔴 LIVE on Binance spot (testnet)" in card
        bot_api.tap(USER, "Execute LIVE · Binance spot (testnet)")
        placed = await bot_api.wait_for_text(USER, "Entry filled")
        assert "BTC/USDT LONG 1x" in placed and "as an OCO on the same coins" in placed
        assert [p.params["listClientOrderId"].rsplit("-", 1)[-1] for p in binance_spot.seen("POST", OCO_PATH)] == [
            "oco1", "oco2"]

        await switch_to_russian(bot_api, USER)
        short = POST.replace("LONG", "SHORT").format(tp1=round(price * 98 / 100), tp2=round(price * 96 / 100),
                                                     sl=round(price * 103 / 100))
        bot_api.send_text(USER, short, forward_from_channel="alphacalls")
        await bot_api.wait_for_text(USER, "SHORT")
        bot_api.tap(USER, "LIVE · Binance")
        refused = await bot_api.wait_for_text(USER, "спотовый счёт")
        assert "Для шорта нужен счёт бессрочных USDT-фьючерсов" in refused
        assert len(binance_spot.seen("POST", SPOT_ORDER_PATH)) == 1  # the long's entry only

    everything = "\n".join(repr(call.params) for call in bot_api.calls) + caplog.text
    assert API_KEY not in everything and SECRET not in everything


async def test_a_signal_card_executes_live_once_after_a_second_tap(
    bot_api, settings, session_factory, redis_client, binance, caplog,  # noqa: F811
):
    caplog.set_level(logging.DEBUG)
    async with running_app(bot_api, settings, session_factory, redis_client,
                           encryption_key=Fernet.generate_key().decode(), exchange_api_url=binance.base_url) as app:
        await connect(bot_api, "USDT perpetuals")
        bot_api.send_text(USER, "/limits confirm 50 leverage 5")
        await bot_api.wait_for_text(USER, "Second confirmation above: 50.00 USDT")

        price = (await app.trading.market_data.ticker("BTC/USDT")).last
        post = POST.format(tp1=round(price * 102 / 100), tp2=round(price * 104 / 100), sl=round(price * 97 / 100))
        bot_api.send_text(USER, post, forward_from_channel="alphacalls")
        card = await bot_api.wait_for_text(USER, "Signal read")
        assert "🔴 LIVE on Binance USDT perpetuals (testnet)" in card

        bot_api.tap(USER, "Execute LIVE · Binance USDT perpetuals (testnet)")
        asked = await bot_api.wait_for_text(USER, "above your second-tap value")
        assert "LIVE · Binance USDT perpetuals (testnet)" in asked and "5x" in asked  # the post's 10x, capped
        assert binance.seen("POST", ORDER_PATH) == []

        confirmation = max((m for m in bot_api.messages.values() if "Confirm LIVE" in repr(m.get("reply_markup"))),
                           key=lambda m: m["message_id"])
        [button] = [b for row in confirmation["reply_markup"]["inline_keyboard"] for b in row if "Confirm" in b["text"]]
        bot_api.tap_data(USER, button["callback_data"], confirmation)
        placed = await bot_api.wait_for_text(USER, "Entry filled")
        assert "3 stop/target orders" in placed
        bot_api.tap_data(USER, button["callback_data"], confirmation)  # tapped again (a slow client): nothing more
        await bot_api.wait_for(lambda: any("this tap placed nothing" in c.params.get("text", "")
                                           for c in bot_api.calls_of("answerCallbackQuery")))
        assert len(binance.seen("POST", ORDER_PATH)) == 1
        assert [p.params["clientAlgoId"].rsplit("-", 1)[-1] for p in binance.seen("POST", ALGO_PATH)] == [
            "stop1", "tp1", "tp2"]

        bot_api.send_text(USER, "/positions")  # the position, closed from its own button
        listed = await bot_api.wait_for_text(USER, "LIVE positions")
        assert "BTC/USDT</b> long" in listed and "Binance USDT perpetuals (testnet)" in listed
        bot_api.tap(USER, "Close LIVE 1")
        card = await bot_api.wait_for_text(USER, "Close position")
        assert card.startswith("🔴 <b>LIVE</b>")
        bot_api.tap(USER, "Confirm LIVE")
        await bot_api.wait_for_edit(USER, "confirmation threshold")
        bot_api.tap(USER, "Yes, place this LIVE order")
        await bot_api.wait_for(lambda: len(binance.seen("POST", ORDER_PATH)) == 2)
        close = binance.seen("POST", ORDER_PATH)[1].params
        assert (close["side"], close["reduceOnly"]) == ("SELL", "true")
        await bot_api.wait_for(lambda: {a["algoStatus"] for a in binance.algo_orders.values()} == {"CANCELED"})

    everything = "\n".join(repr(call.params) for call in bot_api.calls) + caplog.text
    assert API_KEY not in everything and SECRET not in everything
