"""NLPService: the async entry point the bot uses to read a message."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache

from nlp.llm import DEFAULT_MODEL, LLMFallback
from nlp.models import RULES_VERSION, ParsedCommand
from nlp.parser import RuleParser

__all__ = ["NLPService", "RULES_VERSION"]


class NLPService:
    """Rule parsing on the event loop, then the optional LLM fallback for unsure readings.

    A rule parse takes about 0.25 ms for a typical message and 2 ms for a 4,000-character post
    (Telegram's longest); handing it to a thread cost more than that (the hop, and the loop
    waiting for the GIL the parsing thread holds), and gained nothing, the parse holding the GIL.

    The LLM is used only when ``openai_api_key`` or ``openai_base_url`` is given.

    Rule readings are kept by (text, forwarded), the last ``parse_cache_size`` of them: the same
    channel post forwarded by many subscribers, or "price of btc" typed by many users, is parsed
    once (a parse is a tenth of the bot's CPU per message). The reading depends on nothing else
    but the market universe, and adding markets empties the cache. Each caller gets its own copy.
    """

    def __init__(
        self,
        *,
        openai_api_key: str | None = None,
        openai_base_url: str | None = None,
        openai_model: str = DEFAULT_MODEL,
        llm_timeout: float = 8.0,
        llm_threshold: float = 0.6,
        parser: RuleParser | None = None,
        parse_cache_size: int = 4096,
    ) -> None:
        self._parser = parser or RuleParser()
        self._readings = lru_cache(maxsize=parse_cache_size)(self._parse_locked) if parse_cache_size > 0 else None
        # spaCy's shared string store is not meant for concurrent writers: callers on other
        # threads (the parse CLI, tests) take turns with the loop.
        self._lock = threading.Lock()
        self._llm = (
            LLMFallback(api_key=openai_api_key, base_url=openai_base_url, model=openai_model, timeout=llm_timeout,
                        threshold=llm_threshold)
            if openai_api_key or openai_base_url else None
        )

    @property
    def llm_enabled(self) -> bool:
        return self._llm is not None

    @property
    def model_version(self) -> str:
        return RULES_VERSION

    def add_markets(self, symbols: Iterable[str]) -> None:
        """Add the exchange's market symbols ("BTC/USDT", "PEPE/USDT:USDT") to the known universe."""
        with self._lock:
            self._parser.add_markets(list(symbols))
        if self._readings is not None:
            self._readings.cache_clear()

    def parse_rules(self, text: str, *, forwarded: bool = False) -> ParsedCommand:
        if self._readings is None:
            return self._parse_locked(text, forwarded)
        reading = self._readings(text, forwarded)
        # Callers may change what they get (entities filled in by a dialog): not the kept one.
        return replace(reading, entities=copy.deepcopy(reading.entities))

    def _parse_locked(self, text: str, forwarded: bool) -> ParsedCommand:
        with self._lock:
            return self._parser.parse(text, forwarded=forwarded)

    async def parse(self, text: str, *, forwarded: bool = False) -> ParsedCommand:
        """Read one message. ``forwarded=True`` (forwarded from a channel) always reads it as a post."""
        result = self.parse_rules(text, forwarded=forwarded)
        if self._llm is not None:
            result = await self._llm.refine(result, forwarded=forwarded)
        return result

    async def aclose(self) -> None:
        if self._llm is not None:
            await self._llm.aclose()
