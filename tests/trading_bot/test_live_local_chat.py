"""The local chat (``python main.py chat``) with a connected testnet account: its requests go to
``EXCHANGE_API_URL`` (here a local server answering with Binance's recorded responses) and the
order card says LIVE."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from tests.e2e.test_local_chat import _main
from tests.trading.fake_binance import FakeBinance

API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"


@pytest.fixture
async def binance():
    server = FakeBinance()
    await server.start()
    yield server
    await server.stop()


async def test_a_testnet_account_in_the_local_chat(database_url, redis_client, binance):
    lines = [
        "/start", "1",
        "/connect", "1", "1",  # Binance spot, testnet
        f"{API_KEY} {SECRET}",
        "/accounts",
        "/buy 0.0015 btc", "4", "2",  # the card's Account button, then the testnet account
    ]
    code, out, err = await _main("chat", "\n".join(lines) + "\n", database_url,
                                 ENCRYPTION_KEY=Fernet.generate_key().decode(), EXCHANGE_API_URL=binance.base_url)
    assert code == 0, err
    assert "Connected Binance spot (testnet)" in out and "…Eh8A" in out
    assert "your message was deleted" in out
    assert binance.seen("GET", "/api/v3/account")[0].api_key == API_KEY  # the account's calls reached the URL
    live_card = out.split("you> 2")[-1]
    assert "LIVE · Binance spot (testnet)" in live_card and "Confirm LIVE" in live_card
    replies = out.replace(f"you> {API_KEY} {SECRET}", "")  # the terminal echoes what was typed
    assert API_KEY not in replies and SECRET not in replies and "Traceback" not in err
