"""Settings: the operator-facing environment names work as written; secrets stay secret."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bot.settings import load_settings

OPERATOR_ENV = {
    "DATABASE_URL": "postgresql://bot:pw@db:5432/bot",
    "REDIS_URL": "redis://cache:6379/0",
    "TELEGRAM_BOT_TOKEN": "123456:ABC-secret-token",
    "TELEGRAM_API_URL": "http://127.0.0.1:8081",
    "INFLUX_URL": "http://tsdb:8086",
    "INFLUX_TOKEN": "influx-secret",
    "INFLUX_ORG": "desk",
    "INFLUX_BUCKET": "ticks",
    "OPENAI_API_KEY": "sk-secret",
    "OPENAI_BASE_URL": "http://127.0.0.1:9000/v1",
    "OPENAI_MODEL": "local-model",
    "ADMIN_IDS": "11, 22 33",
    "ENCRYPTION_KEY": "k" * 43 + "=",
    "EXCHANGE": "bybit",
    "MARKET_DATA": "ccxt",
}


@pytest.fixture
def clean_env(monkeypatch):
    for name in OPERATOR_ENV:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_operator_environment_names(clean_env):
    for name, value in OPERATOR_ENV.items():
        clean_env.setenv(name, value)
    s = load_settings(env_file=None)
    assert s.database.url.get_secret_value() == "postgresql://bot:pw@db:5432/bot"
    assert s.redis.url.get_secret_value() == "redis://cache:6379/0"
    assert s.telegram.bot_token.get_secret_value() == "123456:ABC-secret-token"
    assert s.telegram.api_url == "http://127.0.0.1:8081"
    assert (s.influx.url, s.influx.token.get_secret_value(), s.influx.org, s.influx.bucket) == (
        "http://tsdb:8086", "influx-secret", "desk", "ticks",
    )
    assert s.llm.api_key.get_secret_value() == "sk-secret"
    assert (s.llm.base_url, s.llm.model, s.llm.enabled) == ("http://127.0.0.1:9000/v1", "local-model", True)
    assert s.security.admin_ids == [11, 22, 33]
    assert s.security.encryption_key.get_secret_value() == "k" * 43 + "="
    assert (s.exchange.exchange_id, s.exchange.market_data) == ("bybit", "ccxt")


def test_defaults_need_no_configuration(clean_env):
    s = load_settings(env_file=None)
    assert s.database.url is None and s.redis.url is None and s.telegram.bot_token is None
    assert s.llm.enabled is False
    assert s.exchange.market_data == "simulated"
    assert s.exchange.paper_starting_balance == Decimal("10000")
    assert s.security.admin_ids == []


def test_dotenv_file_is_read_and_environment_wins(clean_env, tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("TELEGRAM_BOT_TOKEN=from-file\nADMIN_IDS=5\nREDIS_URL=redis://file:1\n")
    clean_env.setenv("REDIS_URL", "redis://env:2")
    s = load_settings(env_file=env_file)
    assert s.telegram.bot_token.get_secret_value() == "from-file"
    assert s.security.admin_ids == [5]
    assert s.redis.url.get_secret_value() == "redis://env:2"


def test_secrets_never_show_in_repr(clean_env):
    for name, value in OPERATOR_ENV.items():
        clean_env.setenv(name, value)
    shown = repr(load_settings(env_file=None)) + str(load_settings(env_file=None).__dict__)
    for secret in ("ABC-secret-token", "sk-secret", "influx-secret", "pw@db", "k" * 43):
        assert secret not in shown


def test_invalid_values_are_rejected_with_the_field_name(clean_env):
    clean_env.setenv("MARKET_DATA", "carrier-pigeon")
    with pytest.raises(ValueError, match="MARKET_DATA"):
        load_settings(env_file=None)


def test_the_documented_example_file_configures_nothing_by_accident(clean_env):
    """Blank entries of .env.example mean "not set", so a copied example runs on the defaults."""
    s = load_settings(env_file=Path(__file__).resolve().parent.parent / ".env.example")
    assert s.telegram.bot_token is None and s.telegram.api_url is None
    assert s.database.url is None and s.redis.url is None and s.influx.url is None
    assert s.llm.enabled is False and s.security.encryption_key is None
    assert s.news.feeds == [] and s.security.admin_ids == []
