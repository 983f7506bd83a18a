"""The scheduler lock: one leader among workers, a successor when the leader stops renewing."""

from __future__ import annotations

import asyncio

import redis.asyncio as aioredis

from bot.leader import LOCK_KEY, SchedulerLeader


class FakeScheduler:
    def __init__(self) -> None:
        self.running = False

    def pause(self) -> None:
        self.running = False

    def resume(self) -> None:
        self.running = True


async def test_one_worker_leads_and_another_takes_over_when_it_stops_renewing(redis_client):
    schedulers = [FakeScheduler(), FakeScheduler()]
    leaders = [SchedulerLeader(redis_client, s, ttl_seconds=0.5, renew_seconds=0.1) for s in schedulers]
    for _ in range(3):
        for leader in leaders:
            await leader.step()
    assert [s.running for s in schedulers] == [True, False]
    assert await redis_client.get(LOCK_KEY) == leaders[0].holder.encode()

    await asyncio.sleep(0.6)  # the first worker died: no more renewals, its lock expires
    await leaders[1].step()
    assert schedulers[1].running and leaders[1].is_leader

    await leaders[0].step()  # a leader that finds its lock taken pauses its jobs
    assert not schedulers[0].running and not leaders[0].is_leader


async def test_a_stopping_leader_hands_over_at_once(redis_client):
    schedulers = [FakeScheduler(), FakeScheduler()]
    leaders = [SchedulerLeader(redis_client, s, ttl_seconds=30, renew_seconds=1) for s in schedulers]
    await leaders[0].step()
    await leaders[0].resign()
    await leaders[1].step()
    assert [s.running for s in schedulers] == [False, True]


async def test_a_leader_cut_off_from_redis_pauses_before_its_lock_can_expire(redis_client):
    scheduler = FakeScheduler()
    leader = SchedulerLeader(redis_client, scheduler, ttl_seconds=0.3, renew_seconds=0.1)
    await leader.step()
    assert scheduler.running
    leader._redis = aioredis.from_url("redis://127.0.0.1:1", socket_connect_timeout=0.1)
    leader._renew = leader._redis.register_script("return 0")
    await asyncio.sleep(0.25)
    await leader.step()
    assert not scheduler.running
    await leader._redis.aclose()
