"""Optional LLM fallback for messages the rules read with low confidence.

Talks to any OpenAI-compatible endpoint through the official ``openai`` AsyncOpenAI client with a
JSON-schema structured output for the same ParsedCommand. The answer is validated against the
contract; any error, timeout or invalid answer returns the rule result unchanged.
"""

from __future__ import annotations

import asyncio
import json
import logging
from decimal import Decimal
from typing import Any

from openai import AsyncOpenAI

from domain.enums import CommandType
from nlp.models import ENTITY_KINDS, INTENTS, NUMBER_ENTITIES, ParsedCommand, entity_value_is_valid

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "gpt-4o-mini"
ALL_INTENTS = sorted({intent for intents in INTENTS.values() for intent in intents})
_NUMBER_LISTS = ("entries", "take_profits", "take_profit_percents")


def _entity_schema(kind: Any) -> dict[str, Any]:
    if isinstance(kind, tuple):
        return {"type": "string", "enum": list(kind)}
    return {
        "number": {"type": "number"},
        "numbers": {"type": "array", "items": {"type": "number"}},
        "bool": {"type": "boolean"},
        "string": {"type": "string"},
        "strings": {"type": "array", "items": {"type": "string"}},
        "symbol": {"type": "string"},
        "symbols": {"type": "array", "items": {"type": "string"}},
    }[kind]


RESPONSE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "command_type": {"type": "string", "enum": [str(value) for value in CommandType]},
        "intent": {"type": "string", "enum": ALL_INTENTS},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        "entities": {
            "type": "object",
            "properties": {
                name: ({"type": "array", "items": {"type": "string", "enum": list(kind)}} if name == "indicators"
                       else _entity_schema(kind))
                for name, kind in ENTITY_KINDS.items()
            },
            "additionalProperties": False,
        },
    },
    "required": ["command_type", "intent", "confidence", "entities"],
    "additionalProperties": False,
}

SYSTEM_PROMPT = (
    "You read messages sent to a crypto trading Telegram bot and return one JSON object.\n"
    "command_type and its intents:\n"
    + "\n".join(f"- {command_type}: {', '.join(intents)}" for command_type, intents in INTENTS.items())
    + "\nEntities use only these names; omit what the message does not say: "
    + ", ".join(ENTITY_KINDS)
    + ".\nRules: symbol is BASE/QUOTE upper case, quote USDT unless named (bitcoin -> BTC/USDT); side is buy|sell "
    "(long=buy, short=sell); numbers are plain JSON numbers (45k -> 45000, 27,400 -> 27400, 390,50 -> 390.5); "
    "a price without order words means a limit order, no price a market order; forwarded channel posts with "
    "entries/targets/stop are trade_analysis/signal, channel follow-ups (TP hit, stop hit, stop moved, closed, "
    "cancelled) are trade_analysis/signal_update with update tp_hit|sl_hit|move_sl|close|cancel|entry_filled. "
    "confidence is your probability that the reading is right."
)


class LLMFallback:
    """Re-reads low-confidence messages with a model; keeps the rule result on any failure."""

    def __init__(self, *, api_key: str | None = None, base_url: str | None = None, model: str = DEFAULT_MODEL,
                 timeout: float = 8.0, threshold: float = 0.6) -> None:
        self.model = model
        self.timeout = timeout
        self.threshold = threshold
        # Local OpenAI-compatible servers often need no key, but the client insists on one.
        self._client = AsyncOpenAI(api_key=api_key or "not-needed", base_url=base_url, timeout=timeout, max_retries=0)

    def wants(self, rule_result: ParsedCommand) -> bool:
        return rule_result.confidence < self.threshold

    async def refine(self, rule_result: ParsedCommand, *, forwarded: bool = False) -> ParsedCommand:
        """The model's reading when the rules were unsure and the answer is valid, else the rule result."""
        if not self.wants(rule_result):
            return rule_result
        try:
            answer = await asyncio.wait_for(self._ask(rule_result, forwarded), timeout=self.timeout)
        except Exception as error:  # network, HTTP status, timeout, malformed body: the rules stand
            logger.warning("LLM fallback failed, keeping rule result: %s", error.__class__.__name__)
            return rule_result
        parsed = parse_answer(answer, rule_result.text, model_version=f"llm:{self.model}")
        if parsed is None:
            logger.warning("LLM answer rejected by validation, keeping rule result")
            return rule_result
        return parsed

    async def _ask(self, rule_result: ParsedCommand, forwarded: bool) -> str:
        hint = {"rule_reading": rule_result.to_dict(), "forwarded_from_channel": forwarded}
        response = await self._client.chat.completions.create(
            model=self.model,
            temperature=0,
            messages=[
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": f"Message:\n{rule_result.text}\n\nContext: {json.dumps(hint)}"},
            ],
            response_format={
                "type": "json_schema",
                "json_schema": {"name": "parsed_command", "schema": RESPONSE_SCHEMA, "strict": False},
            },
        )
        content = response.choices[0].message.content
        if not content:
            raise ValueError("empty completion")
        return content

    async def aclose(self) -> None:
        await self._client.close()


def parse_answer(answer: str, text: str, *, model_version: str) -> ParsedCommand | None:
    """Validate a model answer against the contract; None when anything is off."""
    try:
        data = json.loads(answer)
    except (TypeError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("entities", {}), dict):
        return None
    try:
        command_type = CommandType(data.get("command_type"))
    except ValueError:
        return None
    intent, confidence = data.get("intent"), data.get("confidence")
    if intent not in INTENTS[command_type]:
        return None
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 <= confidence <= 1:
        return None
    entities = data.get("entities", {})
    if not all(entity_value_is_valid(name, value) for name, value in entities.items()):
        return None
    return ParsedCommand(text, command_type, intent, float(confidence), _to_decimals(entities),
                         model_version=model_version)


def _to_decimals(entities: dict[str, Any]) -> dict[str, Any]:
    # Internally prices and amounts are Decimals, as in rule results (via str to avoid float noise).
    converted: dict[str, Any] = {}
    for name, value in entities.items():
        if name in NUMBER_ENTITIES:
            converted[name] = Decimal(str(value))
        elif name in _NUMBER_LISTS:
            converted[name] = [Decimal(str(item)) for item in value]
        else:
            converted[name] = value
    return converted
