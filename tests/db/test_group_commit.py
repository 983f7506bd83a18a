"""Group commit (db/group_commit.py): many writers in few transactions; a shutdown writes all
that was queued (tests/bot/test_update_log.py: a database that cannot be reached is reported)."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, insert, select

from db.group_commit import GroupCommit
from db.models import TelegramUser


async def _count(session_factory) -> int:
    async with session_factory() as session:
        return await session.scalar(select(func.count()).select_from(TelegramUser))


def _counting_writer(batches: list[int]):
    async def write_batch(uow, telegram_ids):
        batches.append(len(telegram_ids))
        await uow.session.execute(insert(TelegramUser), [{"telegram_id": telegram_id} for telegram_id in telegram_ids])

    return write_batch


async def test_concurrent_writers_share_transactions_and_all_are_committed(uow_factory, session_factory):
    batches: list[int] = []
    log = GroupCommit(uow_factory, _counting_writer(batches))
    await asyncio.gather(*(log.write(telegram_id) for telegram_id in range(1, 51)))
    assert await _count(session_factory) == 50
    assert sum(batches) == 50 and len(batches) < 50


async def test_a_shutdown_writes_what_cancelled_writers_queued(uow_factory, session_factory):
    log = GroupCommit(uow_factory, _counting_writer([]))
    writers = [asyncio.create_task(log.write(telegram_id)) for telegram_id in range(1, 21)]
    await asyncio.sleep(0)  # all queued, the first batch being written
    for writer in writers:
        writer.cancel()  # what a shutdown does to the updates in flight
    await asyncio.gather(*writers, return_exceptions=True)
    await log.close()
    assert await _count(session_factory) == 20
