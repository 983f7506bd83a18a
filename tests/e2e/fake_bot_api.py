"""A local Bot API server for end-to-end tests: the real aiogram HTTP session talks to it.

It keeps a queue of updates for getUpdates (long poll, offset confirms), answers the sending
methods like Telegram, records every call, and can be told to answer 429 (retry_after), 403,
5xx, or to stall a request past the client's timeout. Like Telegram, it refuses (400) a text
whose HTML it cannot parse.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "Test bot", "username": "test_trading_bot"}
TOKEN = "4242:TEST-TOKEN"
# Form fields aiogram sends as plain strings; every other field is JSON.
_STRING_FIELDS = {"text", "caption", "callback_query_id", "url", "secret_token", "parse_mode", "photo"}


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    at: float
    status: int | None = None  # HTTP status of the answer; None while open; 499 if the client gave up
    content_type: str = ""  # how the parameters came: a form, multipart or JSON


class FakeBotApi:
    def __init__(self, *, first_update_id: int = 1) -> None:
        self.calls: list[ApiCall] = []
        self.messages: dict[int, dict[str, Any]] = {}  # what the bot sent, by message id
        self.blocked_chats: set[int] = set()
        self._retry_after: dict[str, list[int]] = {}
        self._errors: dict[str, list[tuple[int, str]]] = {}
        self._stalls: dict[str, list[float]] = {}
        self._updates: list[dict[str, Any]] = []
        # Where a user's update goes: the getUpdates queue, or (webhook mode) a POST to the bot.
        self.deliver: Callable[[dict[str, Any]], None] = self._queue
        self._update_ids = itertools.count(first_update_id)
        # Telegram's language_code per user (absent: none sent, as for many clients).
        self.languages: dict[int, str] = {}
        self._message_ids = itertools.count(1000)
        self._tapped_by: dict[str, int] = {}  # callback query id -> the user who tapped
        self.last_tap_data = ""
        # Set (and replaced) on every change: waiters wake up and check their condition again.
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # -- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        # A bot that stops polling drops its long poll: end that request, don't wait it out.
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what users do --------------------------------------------------------------------------

    def send_text(self, user_id: int, text: str, *, forward_from_channel: str | None = None) -> int:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": f"User{user_id}"},
            "from": self._user(user_id),
            "text": text,
        }
        if forward_from_channel:
            chat = {"id": -100123, "type": "channel", "title": forward_from_channel, "username": forward_from_channel}
            message["forward_origin"] = {"type": "channel", "chat": chat, "message_id": 7, "date": int(time.time())}
        return self._push({"message": message})

    def tap(self, user_id: int, label: str) -> int:
        """Tap the button whose text contains ``label`` on the latest message that has one."""
        for message in sorted(self.messages.values(), key=lambda m: m["message_id"], reverse=True):
            if message["chat"]["id"] != user_id:
                continue
            for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                for button in row:
                    if label in button["text"]:
                        return self.tap_data(user_id, button["callback_data"], message)
        raise AssertionError(f"no button {label!r} was sent to {user_id}")

    def tap_data(self, user_id: int, data: str, message: dict[str, Any] | None = None) -> int:
        query_id = f"cbq-{next(self._message_ids)}"
        self._tapped_by[query_id] = user_id
        self.last_tap_data = data
        query = {
            "id": query_id,
            "from": self._user(user_id),
            "chat_instance": "ci",
            "data": data,
            "message": message or self._any_message(user_id),
        }
        return self._push({"callback_query": query})

    def _user(self, user_id: int) -> dict[str, Any]:
        return _user(user_id, self.languages.get(user_id))

    def _any_message(self, user_id: int) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private"},
            "from": BOT_USER,
            "text": "old message",
        }

    def _push(self, payload: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        self.deliver({"update_id": update_id, **payload})
        return update_id

    def _queue(self, update: dict[str, Any]) -> None:
        self._updates.append(update)
        self._notify()

    # -- faults ---------------------------------------------------------------------------------

    def answer_429(self, method: str, retry_after: int, times: int = 1) -> None:
        self._retry_after.setdefault(method, []).extend([retry_after] * times)

    def answer_error(self, method: str, code: int, description: str, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` fail with this HTTP status (e.g. 502)."""
        self._errors.setdefault(method, []).extend([(code, description)] * times)

    def stall(self, method: str, seconds: float, times: int = 1) -> None:
        """The next ``times`` calls hang ``seconds`` (past the client's timeout), then fail unprocessed."""
        self._stalls.setdefault(method, []).extend([seconds] * times)

    # -- assertions -----------------------------------------------------------------------------

    def delivered(self, method: str = "sendMessage") -> list[ApiCall]:
        return [call for call in self.calls if call.method == method and call.status == 200]

    def calls_of(self, method: str, chat_id: int | None = None) -> list[ApiCall]:
        return [
            call
            for call in self.calls
            if call.method == method and (chat_id is None or call.params.get("chat_id") == chat_id)
        ]

    def texts_to(self, chat_id: int) -> list[str]:
        """The texts delivered to the chat (refused sends do not count)."""
        return [call.params["text"] for call in self.calls_of("sendMessage", chat_id) if call.status == 200]

    def popups_to(self, user_id: int) -> list[str]:
        """Texts of the answers to the user's taps (the pop-up or toast a tap shows)."""
        return [call.params["text"] for call in self.calls_of("answerCallbackQuery")
                if call.params.get("text") and self._tapped_by.get(call.params.get("callback_query_id")) == user_id]

    def texts_to_all(self) -> list[str]:
        """Every text delivered, to any chat."""
        return [call.params["text"] for call in self.calls_of("sendMessage") if call.status == 200]

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        async with asyncio.timeout(timeout):
            while not (result := predicate()):
                await self._changed.wait()
            return result

    async def wait_for_text(self, chat_id: int, fragment: str, timeout: float = 5.0) -> str:
        return await self.wait_for(
            lambda: next((text for text in self.texts_to(chat_id) if fragment in text), None), timeout
        )

    async def wait_for_edit(self, chat_id: int, fragment: str, timeout: float = 5.0) -> str:
        """Waits until a message in the chat was edited into a text containing the fragment."""
        return await self.wait_for(
            lambda: next((call.params["text"] for call in self.calls_of("editMessageText", chat_id)
                          if fragment in call.params.get("text", "")), None), timeout
        )

    async def wait_until_acknowledged(self, update_id: int, timeout: float = 5.0) -> None:
        """The bot confirmed the update (asked for later ones): it has been handled completely."""
        await self.wait_for(lambda: all(u["update_id"] > update_id for u in self._updates), timeout)

    # -- the API --------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        # Like the Bot API: a form (aiogram's default, and any upload) or a JSON body.
        body = await request.json() if request.content_type == "application/json" else await request.post()
        params = {key: _decode(key, value) for key, value in body.items()}
        call = ApiCall(method, params, time.monotonic(), content_type=request.content_type)
        self.calls.append(call)
        self._notify()
        try:
            response = await self._respond(method, params)
        except asyncio.CancelledError:
            call.status = 499  # the client gave up (timed out) and closed the connection
            self._notify()
            raise
        call.status = response.status
        self._notify()
        return response

    async def _respond(self, method: str, params: dict[str, Any]) -> web.Response:
        if method == "getUpdates":
            return _ok(await self._get_updates(params))
        stalls = self._stalls.get(method)
        if stalls:
            await asyncio.sleep(stalls.pop(0))
            return _error(504, "Gateway Timeout")
        delays = self._retry_after.get(method)
        if delays:
            delay = delays.pop(0)
            return _error(429, f"Too Many Requests: retry after {delay}", parameters={"retry_after": delay})
        errors = self._errors.get(method)
        if errors:
            code, description = errors.pop(0)
            return _error(code, description)
        if params.get("chat_id") in self.blocked_chats:
            return _error(403, "Forbidden: bot was blocked by the user")
        for field in ("text", "caption"):
            if field in params and (problem := html_problem(params[field])):
                return _error(400, f"Bad Request: can't parse entities: {problem}")
        return self._answer(method, params)

    def _answer(self, method: str, params: dict[str, Any]) -> web.Response:
        if method == "getMe":
            return _ok(BOT_USER)
        if method in ("sendMessage", "sendPhoto"):
            return _ok(self._store_message(params))
        if method in ("editMessageText", "editMessageReplyMarkup"):
            message = self.messages.get(params.get("message_id"))
            if message is None:
                return _error(400, "Bad Request: message to edit not found")
            if "text" in params:
                message["text"] = params["text"]
            # As Telegram does: an edit without a keyboard removes the message's keyboard.
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            else:
                message.pop("reply_markup", None)
            return _ok(message)
        if method == "deleteMessage":
            return _ok(self.messages.pop(params.get("message_id"), None) is not None or True)
        if method in ("answerCallbackQuery", "setMyCommands", "deleteMyCommands", "deleteWebhook", "setWebhook", "sendChatAction"):
            return _ok(True)
        return _error(404, "Not Found: method not found")

    def _store_message(self, params: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": params["chat_id"], "type": "private"},
            "from": BOT_USER,
        }
        if "text" in params:
            message["text"] = params["text"]
        else:
            message["photo"] = [{"file_id": "p1", "file_unique_id": "u1", "width": 10, "height": 10}]
            if "caption" in params:
                message["caption"] = params["caption"]
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.messages[message["message_id"]] = message
        return message

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = params.get("offset")
        if offset is not None:  # confirms every update before the offset
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            self._notify()
        if not self._updates and params.get("timeout"):
            try:
                await self.wait_for(lambda: self._updates, timeout=params["timeout"])
            except TimeoutError:
                return []
        return self._updates[: params.get("limit") or 100]

    def _notify(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()


# Telegram's HTML parse mode: these tags, and &lt; &gt; &amp; &quot; or numeric entities.
_ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "tg-spoiler",
                 "span", "blockquote", "tg-emoji"}
_MARKUP_RE = re.compile(r"<(/?)([a-zA-Z][\w-]*)(?:\s[^<>]*)?>|&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);|[<>&]")


def html_problem(text: str) -> str | None:
    """Why Telegram would refuse ``text`` in HTML mode: a stray ``<``/``&``, an unknown or unbalanced tag."""
    open_tags: list[str] = []
    for match in _MARKUP_RE.finditer(text):
        token = match.group(0)
        if token in "<>&":
            if token != ">":  # Telegram tolerates a bare ">"
                return f"unescaped {token!r} at {match.start()}"
            continue
        closing, name = match.group(1), (match.group(2) or "").lower()
        if not name:
            continue  # an entity
        if name not in _ALLOWED_TAGS:
            return f"unsupported tag <{name}> at {match.start()}"
        if not closing:
            open_tags.append(name)
        elif not open_tags or open_tags.pop() != name:
            return f"unbalanced </{name}> at {match.start()}"
    return f"unclosed <{open_tags[-1]}>" if open_tags else None


def _user(user_id: int, language_code: str | None = None) -> dict[str, Any]:
    user = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}", "username": f"user{user_id}"}
    return user if language_code is None else {**user, "language_code": language_code}


def _decode(key: str, value: Any) -> Any:
    if key in _STRING_FIELDS or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(code: int, description: str, **extra: Any) -> web.Response:
    return web.json_response({"ok": False, "error_code": code, "description": description, **extra}, status=code)
