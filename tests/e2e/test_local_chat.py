"""``python main.py chat`` with piped input: the same dispatcher, printed to the terminal."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import TelegramUser
from domain.enums import TelegramUserStatus
from tests.e2e.english import english_sentences
from tests.conftest import redis_url_of_test_database

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LOCAL_USER_ID = 777


async def _main(command: str, stdin: str, database_url: str | None, **settings: str) -> tuple[int, str, str]:
    """Run ``python main.py <command>`` with no Telegram token against the test servers, or with
    ``database_url=None`` on the embedded servers of a configuration-free start."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url or "",
        "REDIS_URL": redis_url_of_test_database() if database_url else "",
        "TELEGRAM_BOT_TOKEN": "",
        "TELEGRAM_LOCAL_CHAT_USER_ID": str(LOCAL_USER_ID),
        "USER": "Ada",
        **settings,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "main.py", command,
        cwd=PROJECT_ROOT, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(stdin.encode()), 120)
    return process.returncode, out.decode(), err.decode()


async def test_piped_conversation(database_url, session_factory, redis_client):
    code, out, err = await _main("chat", "/start\n1\n/help\n", database_url)
    assert code == 0, err
    assert "you> /start" in out and "Hello, Ada!" in out
    assert "[1] ✅ I accept" in out
    assert "(tapped: ✅ I accept)" in out and "you are all set" in out
    assert "you> /help" in out and "buy 0.01 BTC at market" in out
    assert "<b>" not in out and "Traceback" not in err
    async with session_factory() as session:
        account = await session.scalar(select(TelegramUser).where(TelegramUser.telegram_id == LOCAL_USER_ID))
    assert account.status is TelegramUserStatus.ACTIVE


async def test_run_without_a_token_opens_the_local_chat(database_url, session_factory, redis_client):
    code, out, _ = await _main("run", "/help\n", database_url)
    assert code == 0
    assert out.startswith("No TELEGRAM_BOT_TOKEN is configured")
    assert "I understand" in out


@pytest.mark.skipif(os.environ.get("TEST_EMBEDDED_SERVERS") != "1", reason="runs in test.sh's embedded-servers pass")
async def test_a_configuration_free_session_prints_no_warnings_and_rate_limits_the_21st_message():
    # Fresh embedded servers, as on a first ./run.sh; under .data (the embedded PostgreSQL runs
    # as its own system user, which cannot enter pytest's private temporary directories).
    data_dir = PROJECT_ROOT / ".data" / "test" / f"default-path-{os.getpid()}"
    shutil.rmtree(data_dir, ignore_errors=True)
    lines = ["/start", "1"] + ["/help", "price of btc"] * 14  # 30 lines; the tap on [1] is not a message
    try:
        code, out, err = await _main("run", "\n".join(lines) + "\n", None, APP_DATA_DIR=str(data_dir))
    finally:
        log_text = (data_dir / "logs" / "bot.log").read_text() if (data_dir / "logs" / "bot.log").exists() else ""
        shutil.rmtree(data_dir, ignore_errors=True)
    assert code == 0, err
    assert err == "" and "warning" not in out.lower() and "Traceback" not in out
    assert out.count(f"Logs go to {(data_dir / 'logs' / 'bot.log').relative_to(PROJECT_ROOT)}.") == 1
    assert "starting embedded PostgreSQL" in log_text  # the library logs went to the file instead

    turns = out.split("\nyou> ")[1:]
    assert [t.split("\n")[0] for t in turns] == lines
    refused = [i for i, turn in enumerate(turns) if "faster than I can take them" in turn]
    # /start, then 20 more messages: the 21st is refused (once), and nothing after it is answered.
    assert refused == [21]
    assert all("bot>" in turn for turn in turns[:21])
    assert not any("bot>" in turn for turn in turns[22:])


async def test_a_pasted_post_is_one_message_and_a_chart_is_saved_as_a_picture(database_url, redis_client, tmp_path):
    post = "/paste\n🔥 #SOL/USDT LONG\nEntry zone: 140 - 145\n🎯 Targets: 150 / 160 / 175\n⛔ Stop loss: 130\n\n"
    code, out, err = await _main("chat", "/start\n1\n" + post + "btc chart 4h\n", database_url,
                                 APP_DATA_DIR=str(tmp_path), TELEGRAM_LOCAL_CHAT_USER_ID="778")
    assert code == 0, err
    assert "you> 🔥 #SOL/USDT LONG\nEntry zone: 140 - 145" in out  # the four lines went as one message
    answer = out.split("you> 🔥 #SOL/USDT LONG", 1)[1].split("you> ", 1)[0]
    assert answer.count("bot> ") == 1 and "did not get that" not in out  # one message in, one answer out
    assert "SOL/USDT" in answer and "Execute" in answer and "unavailable" not in answer  # the signal card
    pictures = list((tmp_path / "pictures").glob("*.png"))
    assert len(pictures) == 1 and pictures[0].read_bytes().startswith(b"\x89PNG")
    assert f"[picture: {pictures[0]}]" in out or f"[picture: {pictures[0].name}" in out or "[picture: " in out
    assert str(pictures[0].name) in out


async def test_the_terminal_language_is_the_chat_language(database_url, redis_client):
    asked = ("should i accumulate eth", "what is a funding rate", "sentiment on btc", "how risky is my portfolio",
             "build me a dca plan for sol, $100 a week", "buy 1 pepe at 0.0000001")
    code, out, err = await _main("chat", "/start\n1\n/help\n" + "\n".join(asked) + "\n", database_url,
                                 LANG="ru_RU.UTF-8", LC_ALL="", TELEGRAM_LOCAL_CHAT_USER_ID="779")
    assert code == 0, err
    assert "Локальный чат" in out and "Прежде чем начать" in out and "Пишите мне обычными словами" in out
    assert "купи 0.01 BTC по рынку" in out
    answers = "\n".join(line for line in out.split("you> should i accumulate eth", 1)[1].splitlines()
                        if not line.startswith("you> "))  # the bot's lines, not what was typed
    assert "Почему" in answers and "ставка финансирования" in answers.lower() and "Настроение" in answers
    assert not english_sentences(answers), english_sentences(answers)
