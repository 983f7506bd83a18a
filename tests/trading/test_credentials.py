"""API keys: encrypted at rest, shown only by hint, unsealed only into the exchange adapter."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from db.crypto import SecretBox
from db.repositories.credentials import CredentialVault
from db.repositories.trading_uow import TradingUnitOfWork
from domain.errors import AuthenticationFailed, ConfigurationError, InvalidOrder
from domain.exchanges.ccxt_exchange import CcxtExchange, CcxtGateway, create_client
from domain.services.exchange_accounts import ExchangeAccountService
from tests.trading.conftest import new_user
from tests.trading.fake_binance import FakeBinance, Reply, recorded

API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"


def test_secret_box_round_trip_and_rotation():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed = SecretBox(old).encrypt(b"secret")
    assert b"secret" not in sealed and SecretBox(f"{new},{old}").decrypt(sealed) == b"secret"
    with pytest.raises(ConfigurationError, match="cannot be decrypted"):
        SecretBox(new).decrypt(sealed)


@pytest.mark.parametrize(("key", "message"), [(None, "ENCRYPTION_KEY is not set"), ("", "not set"), ("short", "not a valid Fernet key")])
def test_missing_or_bad_key_is_a_clear_configuration_error(key, message):
    with pytest.raises(ConfigurationError, match=message):
        SecretBox(key)


@pytest.fixture
async def binance():
    server = FakeBinance()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def accounts(binance):
    def connect(exchange, credentials, is_testnet, market_type):
        return CcxtExchange(CcxtGateway(binance.point(create_client(exchange, credentials, timeout_ms=300))))

    return ExchangeAccountService(CredentialVault(SecretBox(Fernet.generate_key().decode()), connect), connect)


async def test_a_verified_key_is_stored_encrypted_and_listed_by_hint(trading, accounts, binance):
    alice = await new_user(trading)
    async with TradingUnitOfWork(trading.session_factory) as uow:
        info = await accounts.connect(uow, alice, "binance", API_KEY, SECRET)
    assert (info.exchange, info.label, info.key_hint) == ("binance", "default", "Eh8A")
    [row] = await trading.rows("select * from exchange_credentials")
    assert API_KEY.encode() not in bytes(row["api_key_encrypted"]) and SECRET.encode() not in bytes(row["api_secret_encrypted"])
    async with TradingUnitOfWork(trading.session_factory) as uow:
        assert [i.key_hint for i in await accounts.list(uow, alice)] == ["Eh8A"]
    assert binance.seen("GET", "/api/v3/account")[0].api_key == API_KEY


async def test_the_adapter_gets_the_decrypted_key_and_the_use_is_recorded(trading, accounts, binance):
    alice = await new_user(trading)
    async with TradingUnitOfWork(trading.session_factory) as uow:
        await accounts.connect(uow, alice, "binance", API_KEY, SECRET)
    async with TradingUnitOfWork(trading.session_factory) as uow:
        balances = await accounts.balances(uow, alice, "binance")
    assert [b.asset for b in balances] == ["USDT", "BTC"]
    assert [r.api_key for r in binance.seen("GET", "/api/v3/account")] == [API_KEY, API_KEY]
    assert await trading.scalar("select last_used_at is not null from exchange_credentials")


async def test_a_refused_key_is_not_stored(trading, accounts, binance):
    alice = await new_user(trading)
    binance.script("GET", "/api/v3/account", Reply(recorded("error_invalid_api_key.json"), status=401))
    with pytest.raises(AuthenticationFailed):
        async with TradingUnitOfWork(trading.session_factory) as uow:
            await accounts.connect(uow, alice, "binance", API_KEY, SECRET)
    assert await trading.scalar("select count(*) from exchange_credentials") == 0


async def test_duplicate_label_is_refused_and_removal_works(trading, accounts):
    alice = await new_user(trading)
    async with TradingUnitOfWork(trading.session_factory) as uow:
        info = await accounts.connect(uow, alice, "binance", API_KEY, SECRET)
    with pytest.raises(InvalidOrder, match="already have"):
        async with TradingUnitOfWork(trading.session_factory) as uow:
            await accounts.connect(uow, alice, "binance", API_KEY, SECRET)
    async with TradingUnitOfWork(trading.session_factory) as uow:
        assert await accounts.remove(uow, alice, info.id)
        assert await accounts.list(uow, alice) == []
