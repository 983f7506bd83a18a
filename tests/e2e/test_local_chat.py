"""``python main.py chat`` with piped input: the same dispatcher, printed to the terminal."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from sqlalchemy import select

from db.models import TelegramUser
from domain.enums import TelegramUserStatus
from tests.conftest import REDIS_DB, REDIS_URL

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LOCAL_USER_ID = 777


async def _main(command: str, stdin: str, database_url: str) -> tuple[int, str, str]:
    """Run ``python main.py <command>`` with no Telegram token against the test servers."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": f"{REDIS_URL}/{REDIS_DB}",
        "TELEGRAM_BOT_TOKEN": "",
        "TELEGRAM_LOCAL_CHAT_USER_ID": str(LOCAL_USER_ID),
        "USER": "Ada",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "main.py", command,
        cwd=PROJECT_ROOT, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(stdin.encode()), 60)
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
