"""End-to-end throughput: the whole bot against a bare aiogram echo bot, over real HTTP.

    .venv/bin/python benchmarks/e2e_bench.py [--users 50] [--seconds 20] [--warmup 2] [--workers 0]
                                             [--mix "price of btc" --mix "/portfolio" ...]

Both bots run as separate processes and talk to a local Bot API server (the tests' FakeBotApi)
in this process. N users run a closed loop: each sends a message of the mix and waits for the
bot's reply before sending the next; what they send in the first ``--warmup`` seconds is not
counted (a fresh process fills its pools and caches, and each user's first messages create
their account and paper portfolio). The echo bot polls; the bot polls too (``--workers 0``) or
runs in webhook mode with that many worker processes (``main.py run --workers N``), the users
POSTing their updates to it as Telegram would. The bot uses a scratch PostgreSQL database
(migrated to head, dropped afterwards), a Redis logical database claimed like the tests claim
theirs, simulated market data and rate limits raised for the run.

Printed for both: requests/s, p50/p95/p99 latency, lost replies (no reply within
``--timeout``), peak RSS, the bot process's CPU time per request (on a shared machine req/s
follows everyone else's load; CPU per request much less); last line ``e2e: ratio=<bot/echo req/s> p99_ms=<bot p99> lost=<bot>``.
How many messages answer each mix item is learnt once before the measured run (the bot may
answer with a text and a chart, say).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Only what the echo bot's process needs too: it runs this file, and its memory is measured.
import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

from tests.e2e.fake_bot_api import TOKEN, FakeBotApi  # noqa: E402

ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379")
SIGNAL_POST = "BTC/USDT LONG Entry 61000-61500 TP1 62500 SL 60200 10x"
DEFAULT_MIX = (
    "price of btc", "rsi eth 4h", "what is a funding rate", "buy 0.01 btc", "sentiment on btc",
    "/portfolio", SIGNAL_POST, "my alerts",
)
WEBHOOK_PATH = "/telegram/webhook"
WEBHOOK_SECRET = "bench-secret"
REPLY_METHODS = ("sendMessage", "sendPhoto")
FIRST_USER_ID = 700_000


# -- the Bot API side --------------------------------------------------------------------------


class BenchBotApi(FakeBotApi):
    """The tests' Bot API server, telling waiting users when a reply reaches their chat."""

    def __init__(self, *, first_update_id: int = 1) -> None:
        super().__init__(first_update_id=first_update_id)
        self.replies: dict[int, int] = defaultdict(int)
        self._reply_events: dict[int, asyncio.Event] = defaultdict(asyncio.Event)

    def _answer(self, method: str, params: dict[str, Any]) -> web.Response:
        response = super()._answer(method, params)
        if method in REPLY_METHODS and response.status == 200:
            chat_id = params["chat_id"]
            self.replies[chat_id] += 1
            self._reply_events[chat_id].set()
        return response

    async def wait_for_replies(self, chat_id: int, count: int, timeout: float) -> bool:
        """True once the chat has received ``count`` replies in all, False after ``timeout``."""
        deadline = time.monotonic() + timeout
        while self.replies[chat_id] < count:
            event = self._reply_events[chat_id]
            event.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return self.replies[chat_id] >= count
        return True


class WebhookDelivery:
    """Telegram's side of a webhook: POST each update, retry until the bot answers 200."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.failed = 0

    def __call__(self, update: dict[str, Any]) -> None:
        task = asyncio.get_running_loop().create_task(self._post(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _post(self, update: dict[str, Any]) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
        give_up_at = time.monotonic() + 120  # the workers may still be starting
        while time.monotonic() < give_up_at:
            try:
                async with self._session.post(self._url, json=update, headers=headers) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
        self.failed += 1

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._session is not None:
            await self._session.close()


# -- the bots --------------------------------------------------------------------------------


@dataclass
class BotProcess:
    process: subprocess.Popen[bytes]

    def peak_rss_mb(self) -> float:
        """Peak resident memory of the process and its workers (summed), in MB."""
        total_kb = 0
        for pid in _process_tree(self.process.pid):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    total_kb += int(line.split()[1])
        return total_kb / 1024

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the process and its workers."""
        return sum(_cpu_seconds(stat) for pid in _process_tree(self.process.pid)
                   if (stat := _proc_stat(Path(f"/proc/{pid}"))) is not None)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


ProcStat = tuple[str, list[str]]  # a process's name, and the fields of /proc/<pid>/stat after it


def _proc_stat(directory: Path) -> ProcStat | None:
    """None when the process has gone."""
    try:
        stat = (directory / "stat").read_text()
    except OSError:
        return None
    return stat[stat.index("(") + 1:stat.rindex(")")], stat.rsplit(")", 1)[1].split()


def _cpu_seconds(stat: ProcStat) -> float:
    fields = stat[1]
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def _process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children[parent].append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def start_echo_bot(api_url: str) -> BotProcess:
    command = [sys.executable, __file__, "--serve-echo", api_url]
    return BotProcess(subprocess.Popen(command, cwd=ROOT))


def serve_echo(api_url: str) -> None:
    """The baseline: aiogram's own polling (updates as tasks), one handler answering the text."""
    from aiogram import Bot, Dispatcher
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import Message

    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "?")

    async def run() -> None:
        bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api_url)))
        await dispatcher.start_polling(bot, handle_signals=True)

    asyncio.run(run())


def start_full_bot(api_url: str, database_url: str, redis_url: str, workers: int, port: int) -> BotProcess:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api_url,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "MARKET_DATA": "simulated",
        "TELEGRAM_RATE_LIMIT_MESSAGES": "1000000000",
        "TELEGRAM_DAILY_MESSAGE_LIMIT": "1000000000",
        "TELEGRAM_DAILY_COMMAND_LIMIT": "1000000000",
        "APP_LOG_LEVEL": "WARNING",
        "INFLUX_URL": "",
        "OPENAI_API_KEY": "",
    }
    command = [sys.executable, str(ROOT / "main.py"), "run"]
    if workers:
        env.update({
            "TELEGRAM_MODE": "webhook",
            "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}",
            "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "TELEGRAM_WEBHOOK_HOST": "127.0.0.1",
            "TELEGRAM_WEBHOOK_PORT": str(port),
        })
        command += ["--workers", str(workers)]
    return BotProcess(subprocess.Popen(command, cwd=ROOT, env=env))


# -- the users -------------------------------------------------------------------------------


@dataclass
class Results:
    latencies_ms: list[float] = field(default_factory=list)
    lost: int = 0
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    cpu_seconds: float = 0.0
    wire: Any = None  # what the bot asked of PostgreSQL during the run (--count-db)
    machine: MachineLoad | None = None  # the whole machine during the run

    @property
    def per_second(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0] if self.latencies_ms else float("nan")
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[int(p) - 1]

    def line(self, name: str) -> str:
        return (
            f"{name:<22} {self.per_second:8.1f} req/s   p50 {self.percentile(50):7.1f} ms   "
            f"p95 {self.percentile(95):7.1f} ms   p99 {self.percentile(99):7.1f} ms   "
            f"lost {self.lost:4d}   peak RSS {self.peak_rss_mb:6.1f} MB   "
            f"CPU {self.cpu_ms_per_request:5.2f} ms/req"
        )

    @property
    def cpu_ms_per_request(self) -> float:
        """The bot's own CPU per answered request: unlike req/s, barely moved by other load."""
        return self._per_request(self.cpu_seconds)

    def _per_request(self, cpu_seconds: float) -> float:
        return cpu_seconds * 1000 / len(self.latencies_ms) if self.latencies_ms else float("nan")

    def machine_line(self) -> str:
        """Who else used the machine's CPU meanwhile: is the bot alone the bottleneck?"""
        load = self.machine
        if load is None:
            return ""
        return (f"{'':22} machine {load.busy_percent:3.0f}% busy ({os.cpu_count()} CPUs); CPU per request: "
                f"local PostgreSQL+Redis {self._per_request(load.services_seconds):.2f} ms, "
                f"this bench process {self._per_request(load.bench_seconds):.2f} ms")


class CpuSample(NamedTuple):
    machine_ticks: int  # all CPUs, since boot
    idle_ticks: int
    services_seconds: float  # the local PostgreSQL and Redis servers (0 when remote)
    bench_seconds: float  # this process: the Bot API server and the users

    @staticmethod
    def now() -> CpuSample:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        services = sum(_cpu_seconds(stat) for entry in Path("/proc").iterdir() if entry.name.isdigit()
                       if (stat := _proc_stat(entry)) is not None and stat[0] in SERVICE_PROCESSES)
        return CpuSample(sum(fields), fields[3] + fields[4], services, time.process_time())  # idle + iowait


SERVICE_PROCESSES = ("postgres", "redis-server")


@dataclass
class MachineLoad:
    """CPU use of the whole machine, of the local PostgreSQL and Redis servers, and of this
    process over a measured run."""
    busy_percent: float
    services_seconds: float
    bench_seconds: float

    @classmethod
    def between(cls, before: CpuSample, after: CpuSample) -> MachineLoad:
        total, idle = after.machine_ticks - before.machine_ticks, after.idle_ticks - before.idle_ticks
        busy = 100 * (total - idle) / total if total else float("nan")
        return cls(busy, after.services_seconds - before.services_seconds, after.bench_seconds - before.bench_seconds)


async def closed_loop(
    api: BenchBotApi, users: list[int], mix: list[str], expected: dict[str, int], seconds: float, timeout: float,
    *, warmup: float, window_opens: Callable[[], None],
) -> Results:
    """Users in a closed loop for ``warmup`` + ``seconds``; only requests sent after the warm-up
    count (a lost reply always counts). ``window_opens`` is called as the measured window opens."""
    results = Results()
    window_opens_at = time.monotonic() + warmup
    stop_at = window_opens_at + seconds

    async def user(index: int, user_id: int) -> None:
        step = index  # users start at different places in the mix
        while time.monotonic() < stop_at:
            text = mix[step % len(mix)]
            step += 1
            target = api.replies[user_id] + expected[text]
            started = time.monotonic()
            api.send_text(user_id, text)
            if await api.wait_for_replies(user_id, target, timeout):
                if started >= window_opens_at:
                    results.latencies_ms.append((time.monotonic() - started) * 1000)
            else:
                results.lost += 1
                api.replies[user_id] = target  # late replies must not answer the next message

    async def open_window() -> None:
        await asyncio.sleep(warmup)
        window_opens()

    # This process plays Telegram and the users: a full collection of its garbage stalls both for
    # 100-170 ms, which the users would book as the bot's latency. As timeit does, the collector
    # is off while they run (reference counting still frees what they drop).
    gc.collect()
    gc.disable()
    try:
        await asyncio.gather(open_window(), *(user(i, user_id) for i, user_id in enumerate(users)))
    finally:
        gc.enable()
    results.seconds = time.monotonic() - window_opens_at
    return results


async def wait_until_answering(api: BenchBotApi, user_id: int, bot: BotProcess, timeout: float = 120) -> None:
    """The bot is up once it answers /start (it may be loading its NLP model, migrating...)."""
    deadline = time.monotonic() + timeout
    api.send_text(user_id, "/start")
    while not await api.wait_for_replies(user_id, 1, 1.0):
        if bot.process.poll() is not None:
            raise SystemExit(f"the bot exited with code {bot.process.returncode}")
        if time.monotonic() > deadline:
            raise SystemExit("the bot did not answer /start in time")


async def accept_terms(api: BenchBotApi, users: list[int], timeout: float) -> None:
    async def one(user_id: int) -> None:
        if api.replies[user_id] == 0:
            api.send_text(user_id, "/start")
            await api.wait_for_replies(user_id, 1, timeout)
        edits = len(api.calls_of("editMessageText", user_id))
        api.tap(user_id, "I accept")
        await api.wait_for(lambda: len(api.calls_of("editMessageText", user_id)) > edits, timeout)

    await asyncio.gather(*(one(u) for u in users))


async def learn_replies(api: BenchBotApi, user_id: int, mix: list[str], timeout: float) -> dict[str, int]:
    """How many messages answer each item: send it, then count replies until the bot is quiet."""
    expected: dict[str, int] = {}
    for text in dict.fromkeys(mix):
        before = api.replies[user_id]
        api.send_text(user_id, text)
        if not await api.wait_for_replies(user_id, before + 1, timeout):
            raise SystemExit(f"the bot did not answer {text!r}")
        while await api.wait_for_replies(user_id, api.replies[user_id] + 1, 0.5):
            pass
        expected[text] = api.replies[user_id] - before
    return expected


# -- set-up and the run ----------------------------------------------------------------------


def _asyncpg_dsn(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _sql(statement: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_asyncpg_dsn(ADMIN_URL))
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def claim_redis_database() -> tuple[Any, str]:
    """A free Redis logical database, claimed with SET NX under the key the tests use."""
    import redis as sync_redis

    client = sync_redis.Redis.from_url(REDIS_URL, db=0)
    for number in range(15, 0, -1):
        key = f"tsr:test-redis-db:{number}"
        if client.set(key, os.getpid(), nx=True, ex=3600):
            return client, key
    raise SystemExit("no free Redis database (1-15)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Each round has its own users and update ids: the bot's claims and logs from a previous round
# (same database, same Redis) must not meet the next round's updates.
ROUND_USER_SPAN = 100_000
ROUND_UPDATE_SPAN = 100_000_000


async def measure(
    name: str, start: Callable[[str], BotProcess], args: argparse.Namespace, *,
    prepare: Callable[[BenchBotApi, list[int]], Awaitable[dict[str, int]]],
    webhook_url: str | None = None,
    wire: Any = None,
    round_number: int = 0,
) -> Results:
    api = BenchBotApi(first_update_id=round_number * ROUND_UPDATE_SPAN + 1)
    await api.start()
    delivery = WebhookDelivery(webhook_url) if webhook_url else None
    if delivery is not None:
        api.deliver = delivery
    bot = start(api.base_url)
    try:
        first_user = FIRST_USER_ID + round_number * ROUND_USER_SPAN
        users = [first_user + i for i in range(args.users)]
        await wait_until_answering(api, users[0], bot)
        expected = await prepare(api, users)
        print(f"{name}: measuring {args.users} users for {args.seconds:.0f} s after {args.warmup:.0f} s of warm-up ...",
              flush=True)
        before: dict[str, Any] = {}

        def window_opens() -> None:
            before.update(cpu=bot.cpu_seconds(), machine=CpuSample.now(),
                          wire=wire.counts.snapshot() if wire is not None else None)

        results = await closed_loop(api, users, args.mix, expected, args.seconds, args.timeout,
                                    warmup=args.warmup, window_opens=window_opens)
        results.cpu_seconds = bot.cpu_seconds() - before["cpu"]
        results.machine = MachineLoad.between(before["machine"], CpuSample.now())
        if wire is not None:
            results.wire = wire.counts.since(before["wire"])
        results.peak_rss_mb = bot.peak_rss_mb()
        return results
    finally:
        bot.stop()
        if delivery is not None:
            await delivery.close()
        await api.stop()


async def run(args: argparse.Namespace) -> None:
    import redis as sync_redis
    from sqlalchemy.engine import make_url

    from db.migrate import upgrade

    database = f"tsr_bench_e2e_{os.getpid()}"
    await _sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    await _sql(f'CREATE DATABASE "{database}"')
    database_url = make_url(ADMIN_URL).set(database=database).render_as_string(hide_password=False)
    wire = None
    rounds: list[tuple[Results, Results]] = []
    if args.count_db:  # the bot talks to PostgreSQL through a counting proxy
        from benchmarks.pg_wire_counter import PgWireCounter

        admin = make_url(ADMIN_URL)
        wire = PgWireCounter(admin.host or "127.0.0.1", admin.port or 5432)
        await wire.start()
        bot_database_url = make_url(database_url).set(port=wire.port).render_as_string(hide_password=False)
    else:
        bot_database_url = database_url
    claim, claim_key = claim_redis_database()
    redis_db = int(claim_key.rsplit(":", 1)[1])
    redis_url = make_url(REDIS_URL).set(database=str(redis_db)).render_as_string(hide_password=False)
    sync_redis.Redis.from_url(redis_url).flushdb()
    try:
        await asyncio.to_thread(upgrade, database_url)

        async def echo_prepare(_api: BenchBotApi, _users: list[int]) -> dict[str, int]:
            return {text: 1 for text in args.mix}

        async def bot_prepare(api: BenchBotApi, users: list[int]) -> dict[str, int]:
            await accept_terms(api, users, args.timeout)
            return await learn_replies(api, users[0], args.mix, args.timeout)

        label = f"bot, {args.workers} webhook worker(s)" if args.workers else "bot, polling"
        # Alternating echo and bot: each round's ratio compares runs a minute apart.
        for number in range(args.rounds):
            if args.rounds > 1:
                print(f"round {number + 1} of {args.rounds}", flush=True)
            echo = await measure("echo bot", start_echo_bot, args, prepare=echo_prepare, round_number=number)
            port = free_port()
            full = await measure(
                label,
                lambda api_url, port=port: start_full_bot(api_url, bot_database_url, redis_url, args.workers, port),
                args,
                prepare=bot_prepare,
                webhook_url=f"http://127.0.0.1:{port}{WEBHOOK_PATH}" if args.workers else None,
                wire=wire,
                round_number=number,
            )
            rounds.append((echo, full))
    finally:
        if wire is not None:
            await wire.stop()
        sync_redis.Redis.from_url(redis_url).flushdb()
        claim.delete(claim_key)
        await _sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    print()
    print(f"{args.users} users, closed loop, {args.seconds:.0f} s each; mix: {', '.join(args.mix)}")
    for number, (echo, full) in enumerate(rounds):
        if len(rounds) > 1:
            print(f"round {number + 1}:")
        for name, results in (("bare aiogram echo bot", echo), (label, full)):
            print(results.line(name))
            print(results.machine_line())
        print(f"CPU per request: bot/echo = {full.cpu_ms_per_request / echo.cpu_ms_per_request:.1f}x; "
              f"ratio {_ratio(echo, full):.2f}")
        if full.wire is not None:
            _print_wire(full)
    ratios = [_ratio(echo, full) for echo, full in rounds]
    p99s = [full.percentile(99) for _, full in rounds]
    lost = sum(full.lost for _, full in rounds)
    if len(rounds) > 1:
        print(f"median of {len(rounds)} rounds: ratio {statistics.median(ratios):.2f} "
              f"({' / '.join(f'{r:.2f}' for r in ratios)}), bot p99 {statistics.median(p99s):.0f} ms "
              f"({' / '.join(f'{p:.0f}' for p in p99s)}), lost {lost}")
    print(f"e2e: ratio={statistics.median(ratios):.2f} p99_ms={statistics.median(p99s):.0f} lost={lost}")


def _ratio(echo: Results, full: Results) -> float:
    return full.per_second / echo.per_second if echo.per_second else 0.0


def _print_wire(results: Results) -> None:
    requests = len(results.latencies_ms) + results.lost
    wire = results.wire
    print(f"PostgreSQL per request ({requests} requests): {wire.statements / requests:.2f} statements, "
          f"{wire.round_trips / requests:.2f} round trips, {wire.transactions / requests:.2f} BEGIN")
    for kind, count in wire.by_statement.most_common():
        print(f"  {count / requests:6.3f}  {kind}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=2,
                        help="seconds the users run before the measured window (pools, caches, new accounts)")
    parser.add_argument("--workers", type=int, default=0,
                        help="0: the bot polls; N: webhook mode with N worker processes")
    parser.add_argument("--mix", action="append", help="a message users send (repeat; default: the issue's mix)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="alternate echo bot and bot this many times; the last line gives the medians")
    parser.add_argument("--timeout", type=float, default=10, help="seconds a user waits before a reply counts lost")
    parser.add_argument("--count-db", action="store_true",
                        help="count the bot's PostgreSQL statements and round trips per request (a proxy; slower)")
    parser.add_argument("--serve-echo", metavar="API_URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_echo:
        serve_echo(args.serve_echo)
        return
    args.mix = args.mix or list(DEFAULT_MIX)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
