"""What the live benchmarks share: a scratch database with the schema, one user, and the live venue
composed as in db/trading_services.py, talking to a local exchange server."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import text

from benchmarks.paper_engine_bench import drop_database, scratch_database
from db.crypto import SecretBox
from db.engine import create_engine, create_session_factory
from db.migrate import upgrade
from db.repositories.credentials import CredentialVault
from db.trading_services import exchange_connector
from domain.exchanges.paper import PaperEngine
from domain.exchanges.pool import AccountPool
from domain.services.live_trading import LiveVenue
from domain.services.paper_broker import PaperBroker


@dataclass(frozen=True)
class LiveStack:
    session_factory: Any
    connect: Any
    vault: CredentialVault
    venue: LiveVenue
    user_id: uuid.UUID


@asynccontextmanager
async def live_stack(exchange_url: str) -> AsyncIterator[LiveStack]:
    url = await scratch_database()
    try:
        await asyncio.to_thread(upgrade, url)  # alembic runs its own event loop
        engine = create_engine(url, pool_size=5)
        session_factory = create_session_factory(engine)
        connect = exchange_connector(exchange_url)
        pool = AccountPool(connect)
        vault = CredentialVault(SecretBox(Fernet.generate_key().decode()), pool)
        venue = LiveVenue(vault, PaperBroker(PaperEngine(Decimal("0"))))
        async with session_factory() as session:
            user_id = (await session.execute(text("INSERT INTO users (username) VALUES ('bench') RETURNING id"))).scalar()
            await session.commit()
        try:
            yield LiveStack(session_factory, connect, vault, venue, user_id)
        finally:
            await pool.close()
            await engine.dispose()
    finally:
        await drop_database(url)
