"""Signals in the local terminal chat (``python main.py chat``): the card, Execute, /signals,
"my signals", /channels and /signalsettings are all reachable without Telegram."""

from __future__ import annotations

from tests.e2e.test_local_chat import _main

POST = "BTC/USDT LONG entry 61000-61500 TP1 62500 TP2 63500 TP3 65000 SL 60200 leverage 10x"


async def test_signals_are_reachable_in_the_local_chat(database_url, session_factory, redis_client):
    script = "\n".join(["/start", "1", "/signalsettings split 50/30/20", POST, "1", "my signals", "/channels"]) + "\n"
    code, out, err = await _main("chat", script, database_url)
    assert code == 0, err
    assert "Target split: 50/30/20" in out
    assert "Signal read: BTC/USDT" in out and "R:R" in out and "liquidation" in out
    assert "(tapped: ⚡ Execute)" in out and "Executed BTC/USDT" in out
    assert "Your signals" in out and "waiting for entry" in out
    assert "Channels" in out
    assert "Traceback" not in err
