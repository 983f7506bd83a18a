"""Migration 0004 (the design's names) keeps every row: up from 0003, down again, and up again."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import asyncpg

from db.migrate import downgrade, upgrade
from tests.conftest import _asyncpg_dsn

# Rows written with the project's names, before 0004.
OLD_ROWS = """
INSERT INTO users (id, username) VALUES ('00000000-0000-0000-0000-000000000001', 'tg_42');
INSERT INTO telegram_users (id, telegram_id, user_id, status, terms_accepted_at) VALUES
  ('00000000-0000-0000-0000-000000000002', 42, '00000000-0000-0000-0000-000000000001', 'suspended',
   '2026-11-01T10:00:00Z');
INSERT INTO user_sessions (user_id, token_hash, ip_address, expires_at) VALUES
  ('00000000-0000-0000-0000-000000000001', 'hash-1', '10.0.0.7', '2026-12-01T00:00:00Z');
INSERT INTO portfolios (id, user_id) VALUES
  ('00000000-0000-0000-0000-000000000003', '00000000-0000-0000-0000-000000000001');
INSERT INTO trading_pairs (id, symbol, base_asset, quote_asset, min_order_size) VALUES
  ('00000000-0000-0000-0000-000000000004', 'BTC/USDT', 'BTC', 'USDT', 0.00001);
INSERT INTO orders (user_id, portfolio_id, trading_pair_id, client_order_id, order_type, side, quantity,
                    filled_quantity, fee) VALUES
  ('00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000003',
   '00000000-0000-0000-0000-000000000004', 'c-1', 'limit', 'buy', 0.5, 0.2, 1.25);
INSERT INTO positions (user_id, portfolio_id, trading_pair_id, side, quantity, initial_quantity, entry_price,
                       fees, stop_loss, take_profit) VALUES
  ('00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000003',
   '00000000-0000-0000-0000-000000000004', 'buy', 0.2, 0.5, 60000, 0.75, 58000, 65000);
INSERT INTO ai_commands (id, telegram_user_id, input_text, processed_input) VALUES
  ('00000000-0000-0000-0000-000000000005', '00000000-0000-0000-0000-000000000002', 'buy btc', 'buy btc');
INSERT INTO ai_responses (ai_command_id, response_text) VALUES ('00000000-0000-0000-0000-000000000005', 'How much?');
INSERT INTO trading_signals (user_id, symbol, signal_type, source, actual_outcome, indicators, market_data) VALUES
  ('00000000-0000-0000-0000-000000000001', 'SOL/USDT', 'buy', 'forwarded_post', 'tp1_hit',
   '{"rsi": 40}', '{"exchange": "binance"}');
"""


async def _run(url: str, sql: str) -> None:
    conn = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _row(url: str, query: str) -> asyncpg.Record:
    conn = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        return await conn.fetchrow(query)
    finally:
        await conn.close()


def run(url: str, sql: str) -> None:
    asyncio.run(_run(url, sql))


def row(url: str, query: str) -> asyncpg.Record:
    return asyncio.run(_row(url, query))


def _assert_design_names_hold_the_rows(url: str) -> None:
    order = row(url, "SELECT type::text, amount, filled_amount, remaining_amount, total_fee FROM orders")
    assert tuple(order) == ("limit", Decimal("0.5"), Decimal("0.2"), Decimal("0.3"), Decimal("1.25"))
    position = row(url, "SELECT size, remaining_size, total_fees, stop_loss_price, take_profit_price FROM positions")
    assert tuple(position) == (Decimal("0.5"), Decimal("0.2"), Decimal("0.75"), Decimal("58000"), Decimal("65000"))
    command = row(url, "SELECT user_id::text, command_type::text, processed_input::text FROM ai_commands")
    assert tuple(command) == ("00000000-0000-0000-0000-000000000001", "general_query", '{"text": "buy btc"}')
    assert row(url, "SELECT command_id::text FROM ai_responses")[0] == "00000000-0000-0000-0000-000000000005"
    signal = row(url, "SELECT s.outcome, s.technical_indicators->>'rsi', s.market_conditions->>'exchange',"
                      " p.symbol, p.exchange FROM trading_signals s JOIN trading_pairs p ON p.id = s.trading_pair_id")
    assert tuple(signal) == ("tp1_hit", "40", "binance", "SOL/USDT", "binance")
    session = row(url, "SELECT session_token, host(ip_address) FROM user_sessions")
    assert tuple(session) == ("hash-1", "10.0.0.7")
    account = row(url, "SELECT status::text, is_verified FROM telegram_users")
    assert tuple(account) == ("blocked", True)
    pair = row(url, "SELECT base_currency, quote_currency FROM trading_pairs WHERE symbol = 'BTC/USDT'")
    assert tuple(pair) == ("BTC", "USDT")


def test_upgrade_renames_keep_rows_and_downgrade_restores_them(empty_database_url):
    url = empty_database_url
    upgrade(url, "0003")
    run(url, OLD_ROWS)

    upgrade(url, "0004")
    _assert_design_names_hold_the_rows(url)
    # Values only the design knows, mapped to their nearest old value on the way down.
    run(url, "UPDATE trading_signals SET signal_type = 'strong_buy', source = 'hybrid', actual_outcome = 12.5;"
             " UPDATE ai_commands SET status = 'cancelled'")

    downgrade(url, "0003")
    order = row(url, "SELECT order_type::text, quantity, filled_quantity, fee FROM orders")
    assert tuple(order) == ("limit", Decimal("0.5"), Decimal("0.2"), Decimal("1.25"))
    signal = row(url, "SELECT signal_type::text, source::text, actual_outcome FROM trading_signals")
    assert tuple(signal) == ("buy", "technical_analysis", "tp1_hit")
    assert row(url, "SELECT status::text, processed_input FROM ai_commands")[:] == ("failed", "buy btc")
    assert row(url, "SELECT status::text FROM telegram_users")[0] == "suspended"
    assert row(url, "SELECT ip_address, token_hash FROM user_sessions")[:] == ("10.0.0.7", "hash-1")

    upgrade(url)
    _assert_design_names_hold_the_rows(url)
