"""Webhook mode: only Telegram, which knows the secret token, may post updates."""

from __future__ import annotations

import time

from aiohttp.test_utils import TestClient, TestServer

from bot.client import build_bot
from bot.dispatcher import build_dispatcher
from bot.runners import build_webhook_app
from tests.e2e.conftest import build_services
from tests.e2e.fake_bot_api import TOKEN

SECRET = "s3cret-token"


def _update(update_id: int, user_id: int, text: str) -> dict:
    user = {"id": user_id, "is_bot": False, "first_name": "Web"}
    message = {"message_id": 1, "date": int(time.time()), "chat": {"id": user_id, "type": "private"}, "from": user, "text": text}
    return {"update_id": update_id, "message": message}


async def test_updates_need_the_secret_token(bot_api, settings, uow_factory, redis_client):
    bot = build_bot(TOKEN, uow_factory, api_url=bot_api.base_url)
    dispatcher = build_dispatcher(build_services(bot, settings, uow_factory, redis_client, None))
    app = build_webhook_app(dispatcher, bot, path="/telegram/webhook", secret=SECRET)
    async with TestClient(TestServer(app)) as client:
        missing = await client.post("/telegram/webhook", json=_update(1, 301, "/help"))
        wrong = await client.post(
            "/telegram/webhook", json=_update(2, 301, "/help"), headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
        )
        assert (missing.status, wrong.status) == (401, 401)
        assert bot_api.texts_to(301) == []

        right = await client.post(
            "/telegram/webhook", json=_update(3, 301, "/help"), headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
        assert right.status == 200
        # Answered before the response: Telegram only counts the update delivered once it was handled.
        assert any("I understand" in text for text in bot_api.texts_to(301))
    await bot.session.close()
