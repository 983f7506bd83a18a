"""Counting a conversation under faults: every update sent is answered or counted lost."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.e2e.fake_bot_api import FakeBotApi

ANSWERING_METHODS = ("sendMessage", "sendPhoto", "editMessageText")


def answers_to(bot_api: FakeBotApi, chat_id: int) -> list[str]:
    """What the chat has been shown so far: delivered messages and edits, in order."""
    return [
        call.params.get("text") or call.params.get("caption") or call.method
        for call in bot_api.calls
        if call.method in ANSWERING_METHODS and call.status == 200 and call.params.get("chat_id") == chat_id
    ]


def alerts(bot_api: FakeBotApi) -> list[str]:
    """Texts shown over the chat in answer to button taps (any user: the tests tap one at a time)."""
    return [call.params["text"] for call in bot_api.calls_of("answerCallbackQuery")
            if call.status == 200 and call.params.get("text")]


@dataclass
class Ledger:
    bot_api: FakeBotApi
    timeout: float = 10.0
    sent: int = 0
    answered: int = 0
    lost: list[str] = field(default_factory=list)

    async def say(self, user_id: int, text: str) -> str | None:
        """Send ``text`` and wait for the next thing the chat is shown."""
        shown = lambda: answers_to(self.bot_api, user_id)  # noqa: E731
        return await self._await_answer(shown, text, lambda: self.bot_api.send_text(user_id, text))

    async def tap(self, user_id: int, label: str) -> str | None:
        """Tap a button and wait for a message, an edit or an alert."""
        shown = lambda: answers_to(self.bot_api, user_id) + alerts(self.bot_api)  # noqa: E731
        return await self._await_answer(shown, f"[{label}]", lambda: self.bot_api.tap(user_id, label))

    async def _await_answer(self, shown, what: str, send) -> str | None:
        before = list(shown())
        self.sent += 1
        send()
        try:
            await self.bot_api.wait_for(lambda: len(shown()) > len(before), self.timeout)
        except TimeoutError:
            self.lost.append(what)
            return None
        self.answered += 1
        return _first_new(shown(), before)

    def report(self) -> str:
        return f"sent {self.sent}, answered {self.answered}, lost {len(self.lost)} {self.lost}"

    def assert_none_lost(self) -> None:
        assert not self.lost and self.answered == self.sent, self.report()


def _first_new(now: list[str], before: list[str]) -> str:
    earlier = list(before)
    for item in now:
        if item in earlier:
            earlier.remove(item)
        else:
            return item
    raise AssertionError("nothing new was shown")
