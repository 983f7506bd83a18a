from __future__ import annotations

import pytest
from aiogram import Bot

from tests.bot.fakes import RecordingSession


@pytest.fixture
def api_session() -> RecordingSession:
    return RecordingSession()


@pytest.fixture
def bot(api_session: RecordingSession) -> Bot:
    return Bot("4242:TEST", session=api_session)
