"""Soak: the whole bot under an end-to-end mix for a while, with faults injected at random.

    .venv/bin/python benchmarks/soak_bench.py [--seconds 300] [--users 12] [--seed 14]

Virtual users talk to the bot through the local Bot API server of the tests (the real aiogram
HTTP session, dispatcher, assistant, paper trading) on a Redis and a PostgreSQL of its own (a
throwaway cluster made with initdb, so the shared servers are never touched). While they talk,
Redis is stopped and restarted and the Bot API answers 5xx, at random.

Reported: updates sent, answered, lost (no answer within 20 s); duplicates (a message delivered
twice in answer to one update); memory (RSS after the warm-up third vs at the end, as a ratio);
answer latency p50/p99 while a fault is active vs in calm periods (ratio, same run). Not in CI.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import redis.asyncio as aioredis  # noqa: E402

from bot.settings import Settings  # noqa: E402
from db.engine import create_engine, create_session_factory  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from tests.assistant.conftest import running_app  # noqa: E402
from tests.e2e.conftest import accept_terms  # noqa: E402
from tests.e2e.fake_bot_api import FakeBotApi  # noqa: E402
from tests.faults.ledger import answers_to  # noqa: E402
from tests.faults.servers import ThrowawayPostgres, ThrowawayRedis  # noqa: E402

ANSWER_TIMEOUT = 20.0
MESSAGES = ["/help", "price of btc", "price of eth", "/portfolio", "/orders", "/positions", "rsi eth 4h",
            "alert me when sol goes above 900", "my alerts", "top gainers today", "what is a funding rate",
            "how risky is my portfolio", "/balance", "/history"]


@dataclass
class Tally:
    sent: int = 0
    answered: int = 0
    lost: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    calm_latency: list[float] = field(default_factory=list)
    fault_latency: list[float] = field(default_factory=list)
    faults: Counter[str] = field(default_factory=Counter)
    fault_active: int = 0


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def exchange(bot_api: FakeBotApi, tally: Tally, user: int, what: str, act) -> bool:
    """One update: send it, wait for the answer and the acknowledgement, check for duplicates."""
    before = len(answers_to(bot_api, user))
    faulty = tally.fault_active > 0
    started = time.monotonic()
    tally.sent += 1
    update_id = act()
    try:
        await bot_api.wait_for(lambda: len(answers_to(bot_api, user)) > before, ANSWER_TIMEOUT)
        (tally.fault_latency if faulty or tally.fault_active else tally.calm_latency).append(time.monotonic() - started)
        await bot_api.wait_until_acknowledged(update_id, ANSWER_TIMEOUT)
    except TimeoutError:
        tally.lost.append(f"{user}: {what}")
        return False
    tally.answered += 1
    shown = [text for text in answers_to(bot_api, user)[before:] if not text.startswith("⏳")]
    tally.duplicates += [f"{user}: {what} -> {text[:60]!r}" for text, n in Counter(shown).items() if n > 1]
    return True


async def virtual_user(bot_api: FakeBotApi, tally: Tally, user: int, deadline: float, rng: random.Random) -> None:
    await accept_terms(bot_api, user)
    while time.monotonic() < deadline:
        if rng.random() < 0.25:
            amount = rng.choice(["0.001", "0.002", "0.005"])
            if await exchange(bot_api, tally, user, f"buy {amount} btc", lambda: bot_api.send_text(user, f"buy {amount} btc")):
                if any("Confirm this order" in t for t in answers_to(bot_api, user)[-2:]):
                    await exchange(bot_api, tally, user, "[Confirm]", lambda: bot_api.tap(user, "Confirm"))
        else:
            text = rng.choice(MESSAGES)
            await exchange(bot_api, tally, user, text, lambda: bot_api.send_text(user, text))
        await asyncio.sleep(rng.uniform(0.2, 1.5))


async def inject_faults(bot_api: FakeBotApi, redis_server: ThrowawayRedis, tally: Tally, deadline: float,
                        rng: random.Random) -> None:
    while time.monotonic() < deadline - 10:
        await asyncio.sleep(rng.uniform(5, 15))
        tally.fault_active += 1
        try:
            if rng.random() < 0.5:
                tally.faults["redis restart"] += 1
                await asyncio.to_thread(redis_server.stop)
                await asyncio.sleep(rng.uniform(1, 4))
                await asyncio.to_thread(redis_server.start)
            else:
                tally.faults["Bot API 5xx"] += 1
                method = rng.choice(["sendMessage", "editMessageText", "answerCallbackQuery"])
                bot_api.answer_error(method, 502, "Bad Gateway", times=rng.randint(1, 2))
                await asyncio.sleep(3)
        finally:
            tally.fault_active -= 1


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def soak(postgres: ThrowawayPostgres, redis_server: ThrowawayRedis, seconds: float, users: int, seed: int) -> int:
    engine = create_engine(postgres.url)
    redis_client = aioredis.from_url(redis_server.url)
    bot_api = FakeBotApi()
    await bot_api.start()
    settings = Settings(env_file=None)
    settings.telegram = settings.telegram.model_copy(update={"rate_limit_messages": 1000})
    rng = random.Random(seed)
    tally = Tally()
    try:
        async with running_app(bot_api, settings, create_session_factory(engine), redis_client):
            started = time.monotonic()
            deadline = started + seconds
            workers = [virtual_user(bot_api, tally, 60_000 + n, deadline, random.Random(rng.random()))
                       for n in range(users)]

            async def sample_memory_after_warm_up() -> int:
                await asyncio.sleep(seconds / 3)
                gc.collect()
                return rss_kib()

            memory_task = asyncio.create_task(sample_memory_after_warm_up())
            await asyncio.gather(inject_faults(bot_api, redis_server, tally, deadline, rng), *workers)
            rss_warm = await memory_task
            gc.collect()
            rss_end = rss_kib()
            elapsed = time.monotonic() - started
    finally:
        await bot_api.stop()
        await redis_client.aclose()
        await engine.dispose()

    calm_p50, fault_p50 = percentile(tally.calm_latency, 0.5), percentile(tally.fault_latency, 0.5)
    print(f"soak: {elapsed:.0f} s, {users} virtual users, seed {seed}")
    print(f"faults injected:  {dict(tally.faults)}")
    print(f"updates sent:     {tally.sent}")
    print(f"answered:         {tally.answered}")
    print(f"lost:             {len(tally.lost)} {tally.lost[:5]}")
    print(f"duplicates:       {len(tally.duplicates)} {tally.duplicates[:5]}")
    print(f"memory (RSS):     {rss_warm / 1024:.1f} MiB after warm-up -> {rss_end / 1024:.1f} MiB at the end "
          f"= x{rss_end / rss_warm:.3f}")
    print(f"answer latency:   calm p50 {calm_p50 * 1000:.0f} ms p99 {percentile(tally.calm_latency, 0.99) * 1000:.0f} ms"
          f" ({len(tally.calm_latency)}); during faults p50 {fault_p50 * 1000:.0f} ms"
          f" p99 {percentile(tally.fault_latency, 0.99) * 1000:.0f} ms ({len(tally.fault_latency)})"
          f" = x{fault_p50 / calm_p50:.2f} the calm p50")
    healthy = not tally.lost and not tally.duplicates and rss_end <= rss_warm * 1.10
    print("verdict:          " + ("OK (0 lost, 0 duplicated, memory within 10 %)" if healthy else "NOT OK"))
    return 0 if healthy else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--users", type=int, default=12)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    postgres = ThrowawayPostgres.create()
    if postgres is None:
        print("needs PostgreSQL's initdb and pg_ctl (the postgresql package)")
        return 2
    redis_server = ThrowawayRedis()
    try:
        postgres.start()
        redis_server.start()
        upgrade(postgres.url)
        return asyncio.run(soak(postgres, redis_server, args.seconds, args.users, args.seed))
    finally:
        redis_server.close()
        postgres.close()


if __name__ == "__main__":
    sys.exit(main())
