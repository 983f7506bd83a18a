"""What the sync does after a live signal's orders fill, through ccxt's real HTTP path against the
local Binance servers: a limit entry that fills in part is guarded for that part at once and the
guard resized as more fills arrive (perpetuals and spot); a stop move or a leftover cancel the
exchange refuses is kept with the signal and carried out on a later sync pass, waiting longer after
each failure, and given up (the user told once) after a few."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

from bot.render.notifications import render as render_notification
from domain.services.follow_up_retries import GIVE_UP_AFTER, wait_after
from tests.trading.fake_binance_futures import ALGO_PATH
from tests.trading.fake_binance_spot import OCO_PATH
from tests.trading.test_live_signals import (  # noqa: F401 - the fixtures are used by name
    SIGNAL, binance, binance_spot, on_binance, on_spot, sent,
)

LIMIT_ENTRY = SIGNAL | {"entry_at_market": False, "entries": [86000]}


def algo(server, client_id: str) -> tuple[str, str, str]:
    order = server.algo_orders[client_id]
    return order["quantity"], order["triggerPrice"], order["algoStatus"]


async def pending(live, signal_id) -> list[str]:
    execution = await live.trading.scalar("select execution from trading_signals where id = :s", s=signal_id)
    return execution.get("pending", [])


async def test_a_partly_filled_futures_entry_is_guarded_for_its_part_then_resized(on_binance, binance):
    owner, _ = await on_binance.connect()
    await on_binance.execute(owner, signal=LIMIT_ENTRY)
    binance.fill("sig-tok1-entry1", quantity="0.002")  # of 0.005
    await on_binance.sync()
    assert algo(binance, "sig-tok1-stop1") == ("0.002", "84000", "NEW")
    assert (algo(binance, "sig-tok1-tp1")[0], algo(binance, "sig-tok1-tp2")[0]) == ("0.001", "0.001")

    binance.fill("sig-tok1-entry1")  # the rest
    await on_binance.sync()
    assert {algo(binance, f"sig-tok1-{leg}")[2] for leg in ("stop1", "tp1", "tp2")} == {"CANCELED"}
    assert algo(binance, "sig-tok1-stop1g1") == ("0.005", "84000", "NEW")
    assert (algo(binance, "sig-tok1-tp1g1")[0], algo(binance, "sig-tok1-tp2g1")[0]) == ("0.002", "0.003")
    await on_binance.sync()  # guarded as it stands: nothing placed again
    assert len(sent(binance, ALGO_PATH)) == 6


async def test_a_partly_filled_spot_entry_gets_ocos_for_its_part_then_resized(on_spot, binance_spot):
    owner, _ = await on_spot.connect(market_type="spot")
    await on_spot.execute(owner, signal=LIMIT_ENTRY)
    binance_spot.fill("sig-tok1-entry1", quantity="0.0006")  # of 0.00116
    await on_spot.sync()
    assert [(p["listClientOrderId"], p["quantity"]) for p in sent(binance_spot, OCO_PATH)] == [
        ("sig-tok1-oco1", "0.0003"), ("sig-tok1-oco2", "0.0003")]

    binance_spot.fill("sig-tok1-entry1")
    await on_spot.sync()
    assert [(p["listClientOrderId"], p["quantity"]) for p in sent(binance_spot, OCO_PATH)[2:]] == [
        ("sig-tok1-oco1g1", "0.00058"), ("sig-tok1-oco2g1", "0.00058")]
    assert set(binance_spot.open_orders()) == {"sig-tok1-tp1g1", "sig-tok1-stop1g1", "sig-tok1-tp2g1",
                                               "sig-tok1-stop2g1"}
    await on_spot.sync()
    assert len(sent(binance_spot, OCO_PATH)) == 4


async def test_a_stop_move_the_exchange_refuses_is_carried_out_on_the_next_sync(on_binance, binance):
    owner, _ = await on_binance.connect()
    result = await on_binance.execute(owner)
    binance.refuse("sig-tok1-stop2")  # the moved stop, once: its retry goes under a new name
    binance.trigger("sig-tok1-tp1")
    await on_binance.sync()
    assert algo(binance, "sig-tok1-stop1")[2] == "CANCELED" and "sig-tok1-stop2" not in binance.algo_orders
    orders = await on_binance.orders()
    assert orders["sig-tok1-stop2"]["status"] == "rejected"
    tp1_id = await on_binance.trading.scalar("select id from orders where client_order_id = 'sig-tok1-tp1'")
    assert await pending(on_binance, result.followed.id) == [str(tp1_id)]  # TP1's follow-up, to do again
    [refused] = [row["payload"] for row in await on_binance.trading.rows(
        "select payload from notifications where notification_type = 'order_fill'") if row["payload"]["status"]
        == "rejected"]
    assert "Your stop SELL order on BTC/USDT was refused" in render_notification("order_fill", refused)

    await on_binance.sync()  # the first retry, on the next pass: the stop goes in at the entry
    assert algo(binance, "sig-tok1-stop1g1") == ("0.003", "86810.4", "NEW")
    assert await pending(on_binance, result.followed.id) == []
    await on_binance.sync()
    assert [k for k in binance.algo_orders if k.startswith("sig-tok1-stop")] == [
        "sig-tok1-stop1", "sig-tok1-stop1g1"]


async def test_a_leftover_cancel_that_fails_is_carried_out_on_the_next_sync(on_binance, binance):
    owner, _ = await on_binance.connect()
    result = await on_binance.execute(owner)
    binance.fail_cancels("sig-tok1-tp2", times=1)  # Binance's -1001: not retried within the pass
    binance.trigger("sig-tok1-stop1")
    await on_binance.sync()
    assert algo(binance, "sig-tok1-tp2")[2] == "NEW"  # still on the exchange, with no position to close
    assert len(await pending(on_binance, result.followed.id)) == 1

    await on_binance.sync()
    assert algo(binance, "sig-tok1-tp2")[2] == "CANCELED"
    assert (await on_binance.orders())["sig-tok1-tp2"]["status"] == "cancelled"
    assert await pending(on_binance, result.followed.id) == []


def refused_cancels(server, client_id: str) -> int:
    return 100 - server.cancel_failures[client_id]  # the test arms 100 failures


async def given_up(live) -> list[dict]:
    return [row["payload"] for row in await live.trading.rows(
        "select payload from notifications where notification_type = 'live_follow_up_failed'")]


async def test_a_leftover_cancel_the_exchange_always_refuses_backs_off_then_is_given_up_with_one_push(
        on_binance, binance):
    owner, _ = await on_binance.connect()
    result = await on_binance.execute(owner)
    binance.fail_cancels("sig-tok1-tp2", times=100)  # a key that can no longer cancel anything
    binance.trigger("sig-tok1-stop1")
    await on_binance.sync()  # attempt 1
    assert refused_cancels(binance, "sig-tok1-tp2") == 1
    assert len(await pending(on_binance, result.followed.id)) == 1

    await on_binance.sync()  # attempt 2: the first retry goes on the next pass
    assert refused_cancels(binance, "sig-tok1-tp2") == 2
    for attempt, wait in zip(range(3, GIVE_UP_AFTER + 1), (1, 2, 4), strict=True):
        on_binance.trading.clock.advance(minutes=wait, seconds=-1)
        await on_binance.sync()
        assert refused_cancels(binance, "sig-tok1-tp2") == attempt - 1  # still waiting
        on_binance.trading.clock.advance(seconds=1)
        await on_binance.sync()
        assert refused_cancels(binance, "sig-tok1-tp2") == attempt

    assert await pending(on_binance, result.followed.id) == []
    execution = await on_binance.trading.scalar("select execution from trading_signals where id = :s",
                                                s=result.followed.id)
    assert "retries" not in execution
    [push] = await given_up(on_binance)
    text = render_notification("live_follow_up_failed", push)
    assert "orders left over from your closed signal on BTC/USDT could not be cancelled" in text
    assert "refused it 5 times" in text and "reconnect your API keys" in text

    on_binance.trading.clock.advance(minutes=60)
    await on_binance.sync()
    await on_binance.sync()
    assert refused_cancels(binance, "sig-tok1-tp2") == GIVE_UP_AFTER  # no more attempts
    assert len(await given_up(on_binance)) == 1  # and no more pushes
    assert algo(binance, "sig-tok1-tp2")[2] == "NEW"


async def test_the_first_retry_is_at_once_then_the_wait_doubles_up_to_half_an_hour():
    assert [wait_after(n) for n in (1, 2, 3, 4, 5, 6, 7, 10)] == [
        timedelta(minutes=m) for m in (0, 1, 2, 4, 8, 16, 30, 30)]
