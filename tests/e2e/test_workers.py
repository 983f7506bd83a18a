"""Two webhook workers (real `main.py run` processes) sharing PostgreSQL and Redis: every update
is answered exactly once whichever worker gets it (even both), and when the worker running the
scheduler is killed the other takes the jobs over."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from bot.leader import LOCK_KEY
from db.repositories.notifications import NotificationRepository
from db.repositories.telegram import TelegramUserRepository
from tests.conftest import ROOT, redis_url_of_test_database
from tests.e2e.fake_bot_api import TOKEN, FakeBotApi

SECRET = "workers-secret"
PATH = "/telegram/webhook"
STARTUP_SECONDS = 120  # two interpreters loading the NLP model on a busy machine


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    url: str
    log: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_worker(api_url: str, database_url: str, log: Path) -> Worker:
    port = _free_port()
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api_url,
        "TELEGRAM_MODE": "webhook",
        "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_WEBHOOK_HOST": "127.0.0.1",
        "TELEGRAM_WEBHOOK_PORT": str(port),
        "TELEGRAM_UPDATE_CLAIM_SECONDS": "3",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url_of_test_database(),
        "MARKET_DATA": "simulated",
        "INFLUX_URL": "",
        "OPENAI_API_KEY": "",
        "SCHEDULER_NOTIFY_INTERVAL_SECONDS": "0.5",
        "SCHEDULER_LEADER_TTL_SECONDS": "2",
        "SCHEDULER_LEADER_RENEW_SECONDS": "0.5",
        "APP_LOG_LEVEL": "WARNING",
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "run"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    return Worker(process, f"http://127.0.0.1:{port}{PATH}", log)


def _update(update_id: int, user_id: int, text: str) -> dict:
    user = {"id": user_id, "is_bot": False, "first_name": f"W{user_id}"}
    chat = {"id": user_id, "type": "private"}
    message = {"message_id": update_id, "date": int(time.time()), "chat": chat, "from": user, "text": text}
    return {"update_id": update_id, "message": message}


class Telegram:
    """Telegram's side of the webhook: POST an update, and again (to any worker) until one says 200."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def deliver(self, update: dict, workers: list[Worker], timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        attempt = 0
        while True:
            worker = workers[attempt % len(workers)]
            attempt += 1
            try:
                async with self._session.post(
                    worker.url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
                ) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass  # not listening yet, or killed
            if time.monotonic() > deadline:
                raise AssertionError(f"update {update['update_id']} was never accepted")
            await asyncio.sleep(0.2)


@pytest.fixture
def workers(bot_api: FakeBotApi, database_url: str, uow_factory, redis_client, tmp_path: Path) -> Iterator[list[Worker]]:
    started = [_start_worker(bot_api.base_url, database_url, tmp_path / f"worker{i}.log") for i in range(2)]
    yield started
    for worker in started:
        if worker.process.poll() is None:
            worker.process.send_signal(signal.SIGTERM)
    for worker in started:
        try:
            worker.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait()
        sys.stderr.write(f"--- {worker.log.name}\n{worker.log.read_text(errors='replace')[-3000:]}\n")


@pytest.fixture
async def telegram() -> AsyncIterator[Telegram]:
    async with aiohttp.ClientSession() as session:
        yield Telegram(session)


def _help_replies(bot_api: FakeBotApi, user_id: int) -> int:
    return sum("I understand" in text for text in bot_api.texts_to(user_id))


async def test_two_workers_answer_each_update_once_and_keep_the_jobs_running_when_the_leader_dies(
    bot_api: FakeBotApi, workers: list[Worker], telegram: Telegram, uow_factory, redis_client
):
    # Both workers up: each answers a first /help.
    await asyncio.gather(*(telegram.deliver(_update(1 + i, 501 + i, "/help"), [w], STARTUP_SECONDS)
                           for i, w in enumerate(workers)))
    await bot_api.wait_for(lambda: _help_replies(bot_api, 501) and _help_replies(bot_api, 502), timeout=30)

    # Updates spread over both workers, and one update posted to both at once (a redelivery).
    users = list(range(510, 520))
    await asyncio.gather(
        *(telegram.deliver(_update(10 + i, user, "/help"), [workers[i % 2]]) for i, user in enumerate(users)),
        *(telegram.deliver(_update(99, 599, "/help"), [worker]) for worker in workers),
    )
    await bot_api.wait_for(lambda: all(_help_replies(bot_api, u) for u in [*users, 599]), timeout=30)

    # The scheduler runs in exactly one of them; kill that one outright.
    holder = (await redis_client.get(LOCK_KEY)).decode()
    pids = [w.process.pid for w in workers]
    leader_pid = int(holder.split(":")[1])
    assert leader_pid in pids
    leader = workers[pids.index(leader_pid)]
    survivor = workers[1 - pids.index(leader_pid)]
    leader.process.kill()
    leader.process.wait()

    # A notification queued now can only be delivered by a scheduler in the survivor.
    async with uow_factory() as uow:
        account = await uow.repo(TelegramUserRepository).get_by_telegram_id(501)
        await uow.repo(NotificationRepository).enqueue(account.id, "daily_summary", {"text": "Your day, from the survivor"})
        await uow.commit()
    # Telegram keeps delivering: to the dead worker first, then (retrying) the survivor.
    later = list(range(530, 536))
    await asyncio.gather(*(telegram.deliver(_update(200 + i, user, "/help"), [leader, survivor])
                           for i, user in enumerate(later)))
    await bot_api.wait_for_text(501, "Your day, from the survivor", timeout=30)
    await bot_api.wait_for(lambda: all(_help_replies(bot_api, u) for u in later), timeout=30)
    assert (await redis_client.get(LOCK_KEY)).decode().split(":")[1] == str(survivor.process.pid)

    answered = [_help_replies(bot_api, u) for u in [501, 502, *users, 599, *later]]
    assert answered == [1] * len(answered)
