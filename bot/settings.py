"""Application settings, in sections, read from the environment and an optional `.env` file.

Each section is its own ``BaseSettings`` so it has one environment prefix (``DATABASE_``,
``REDIS_``, ``TELEGRAM_``...). The names operators use (``DATABASE_URL``, ``TELEGRAM_BOT_TOKEN``,
``ADMIN_IDS``...) are part of the contract with deployment scripts: keep them stable.
Secrets are ``SecretStr`` so that they never show up in a repr, a log line or a traceback.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ENV_FILE = PROJECT_ROOT / ".env"


def _section(prefix: str) -> SettingsConfigDict:
    return SettingsConfigDict(
        env_prefix=prefix,
        env_file=DEFAULT_ENV_FILE,
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        # "KEY=" in .env means "not set": a blank line in .env.example must not count as a value.
        env_ignore_empty=True,
    )


def _split_ids(value: object) -> object:
    """Accept ``"1, 2 3"`` as well as a JSON-ish list for id lists."""
    if isinstance(value, str):
        parts = value.replace(",", " ").split()
        return [int(p) for p in parts]
    if isinstance(value, int):
        return [value]
    return value


class TelegramSettings(BaseSettings):
    model_config = _section("TELEGRAM_")

    bot_token: SecretStr | None = None
    # Base URL of a self-hosted Bot API server (telegram-bot-api); tests point it at a local fake.
    api_url: str | None = None
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None
    webhook_path: str = "/telegram/webhook"
    webhook_host: str = "0.0.0.0"
    webhook_port: int = 8080
    webhook_secret: SecretStr | None = None
    # Per-user short window for the rate limiter.
    rate_limit_messages: int = 20
    rate_limit_window_seconds: int = 60
    daily_message_limit: int = 2000
    daily_command_limit: int = 500
    # How long a worker's claim on an update lasts if it dies mid-update (then another takes it).
    update_claim_seconds: int = 60
    # Updates one process handles at once; the rest wait their turn. Keep it below
    # DATABASE_POOL_SIZE: past the pool, connections are opened and closed per update (each new
    # one negotiates, then prepares every statement afresh), which costs more than the waiting.
    concurrent_updates: int = 16
    # The Telegram user id the local terminal chat (`main.py chat`) speaks as; put it in ADMIN_IDS
    # to try the admin commands locally.
    local_chat_user_id: int = 1


class DatabaseSettings(BaseSettings):
    model_config = _section("DATABASE_")

    # None means "start the embedded PostgreSQL under data_dir".
    url: SecretStr | None = None
    echo: bool = False
    # Connections kept open per process. Updates are handled concurrently; beyond the pool,
    # up to DATABASE_MAX_OVERFLOW more are opened and closed again, which is slow (a new
    # connection prepares every statement afresh). Workers x (pool + overflow) must stay under
    # the server's max_connections.
    pool_size: int = 20
    max_overflow: int = 5


class RedisSettings(BaseSettings):
    model_config = _section("REDIS_")

    # None means "start the embedded Redis under data_dir".
    url: SecretStr | None = None


class InfluxSettings(BaseSettings):
    model_config = _section("INFLUX_")

    # None disables the time-series writer (the bot works without it).
    url: str | None = None
    token: SecretStr | None = None
    org: str = "trading-bot"
    bucket: str = "trading"


class ExchangeSettings(BaseSettings):
    model_config = _section("")

    # ccxt exchange id used for public market data and live trading.
    exchange_id: str = Field("binance", validation_alias="EXCHANGE")
    # "simulated" is a deterministic offline feed; "ccxt" asks the exchange's public API.
    market_data: Literal["ccxt", "simulated"] = Field("simulated", validation_alias="MARKET_DATA")
    paper_starting_balance: Decimal = Field(Decimal("10000"), validation_alias="PAPER_STARTING_BALANCE")
    paper_quote_asset: str = Field("USDT", validation_alias="PAPER_QUOTE_ASSET")
    paper_slippage_percent: Decimal = Field(Decimal("0.05"), validation_alias="PAPER_SLIPPAGE_PERCENT")
    market_cache_ttl_seconds: int = Field(10, validation_alias="MARKET_CACHE_TTL_SECONDS")
    # Each process reuses a cached price or candle series this long before asking Redis again.
    market_cache_local_seconds: float = Field(1.0, ge=0, validation_alias="MARKET_CACHE_LOCAL_SECONDS")
    # Users' own accounts (live and testnet) are called here instead of the exchange's hosts, paths
    # unchanged: a local recording of the exchange for demos. Empty: the real exchanges.
    exchange_api_url: str | None = Field(None, validation_alias="EXCHANGE_API_URL")


class LLMSettings(BaseSettings):
    model_config = _section("OPENAI_")

    api_key: SecretStr | None = None
    base_url: str | None = None
    model: str = "gpt-4o-mini"
    timeout_seconds: float = 8.0
    # Rule results below this confidence are sent to the model (when one is configured).
    confidence_threshold: float = 0.7

    @property
    def enabled(self) -> bool:
        return self.api_key is not None or self.base_url is not None


class SecuritySettings(BaseSettings):
    model_config = _section("")

    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list, validation_alias="ADMIN_IDS")
    # Telegram ids allowed to trade; empty means "every registered, active user".
    allowed_user_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, validation_alias="ALLOWED_USER_IDS"
    )
    # Fernet key (urlsafe base64, 32 bytes) for secrets stored in the database.
    encryption_key: SecretStr | None = Field(None, validation_alias="ENCRYPTION_KEY")

    _split_admins = field_validator("admin_ids", "allowed_user_ids", mode="before")(_split_ids)


class NewsSettings(BaseSettings):
    model_config = _section("")

    # RSS/Atom feed URLs for the news intent, comma separated. Empty: no news source connected.
    feeds: Annotated[list[str], NoDecode] = Field(default_factory=list, validation_alias="NEWS_FEEDS")

    @field_validator("feeds", mode="before")
    @classmethod
    def _split_urls(cls, value: object) -> object:
        if isinstance(value, str):
            return [url.strip() for url in value.split(",") if url.strip()]
        return value


class SchedulerSettings(BaseSettings):
    model_config = _section("SCHEDULER_")

    # How often watched prices are read (alerts, followed signals, resting paper orders).
    price_interval_seconds: float = 15
    # How often the notification queue is drained.
    notify_interval_seconds: float = 3
    # How often alert ticks (market_updates streams) and candle closes are evaluated.
    tick_interval_seconds: float = 1
    candle_interval_seconds: float = 30
    # Outbound pacing shared by every process (Telegram answers 429 above about 1/s per chat, 30/s overall).
    per_chat_messages_per_second: float = 1.0
    global_messages_per_second: float = 30.0
    # Housekeeping: message log rows older than this move to the archive; delivered notifications are pruned.
    archive_messages_after_days: int = 30
    prune_notifications_after_days: int = 14
    # How often open orders on users' own exchange accounts are followed (fills, cancellations).
    live_sync_seconds: float = 10
    # The scheduler runs in the worker holding a Redis lock: its expiry (how soon another worker
    # takes over from a dead one) and how often the holder renews it.
    leader_ttl_seconds: float = 15
    leader_renew_seconds: float = 5


class TradingSettings(BaseSettings):
    model_config = _section("TRADING_")

    confirmation_ttl_seconds: int = 120
    price_tolerance_percent: Decimal = Decimal("1.0")
    max_position_percent: Decimal = Decimal("25")
    # Position sizing never suggests more than this multiple of the portfolio (1: no borrowing).
    max_leverage: Decimal = Decimal(1)


class AppSettings(BaseSettings):
    model_config = _section("APP_")

    # Where the embedded PostgreSQL/Redis keep their data when no URL is configured.
    data_dir: Path = PROJECT_ROOT / ".data"
    log_level: str = "INFO"
    nlp_confidence_threshold: float = 0.6
    # Readings kept by message text (nlp/service.py): a post forwarded by many subscribers, or a
    # phrase many users type, is parsed once. 0 turns the cache off.
    nlp_parse_cache_size: int = 4096
    # "auto": uvloop when it is installed (bot/event_loop.py), else asyncio's own loop.
    event_loop: Literal["auto", "asyncio"] = "auto"


class Settings:
    """All sections together. Build with :func:`load_settings`."""

    def __init__(self, env_file: Path | str | None = DEFAULT_ENV_FILE) -> None:
        kwargs = {"_env_file": env_file}
        self.app = AppSettings(**kwargs)
        self.telegram = TelegramSettings(**kwargs)
        self.database = DatabaseSettings(**kwargs)
        self.redis = RedisSettings(**kwargs)
        self.influx = InfluxSettings(**kwargs)
        self.exchange = ExchangeSettings(**kwargs)
        self.llm = LLMSettings(**kwargs)
        self.security = SecuritySettings(**kwargs)
        self.trading = TradingSettings(**kwargs)
        self.news = NewsSettings(**kwargs)
        self.scheduler = SchedulerSettings(**kwargs)

    def __repr__(self) -> str:  # SecretStr fields render as '**********'
        sections = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"Settings({sections})"


def load_settings(env_file: Path | str | None = DEFAULT_ENV_FILE) -> Settings:
    return Settings(env_file=env_file)
