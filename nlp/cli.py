"""Command line: one message per input line on stdin, one contract JSON object per output line;
or the one message given as an argument (``parse "#BTC ЛОНГ\nВход: 61000 …"``, real newlines kept).

A literal backslash-n inside a line stands for a newline in the message; the printed ``text`` is
the line (or the argument) exactly as read. The LLM fallback is used only when OPENAI_API_KEY or OPENAI_BASE_URL
is set (OPENAI_MODEL picks the model).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import BinaryIO

from nlp.llm import DEFAULT_MODEL
from nlp.models import ParsedCommand
from nlp.service import NLPService


def main(argv: list[str] | None = None) -> int:
    """Run the line filter. ``argv`` holds this command's own options only (None: none), so a host
    CLI such as ``main.py parse`` can call ``main()`` without its own arguments getting in the way."""
    options = _arguments().parse_args(argv or [])
    service = NLPService(
        openai_api_key=os.environ.get("OPENAI_API_KEY") or None,
        openai_base_url=os.environ.get("OPENAI_BASE_URL") or None,
        openai_model=os.environ.get("OPENAI_MODEL") or DEFAULT_MODEL,
    )
    messages = [" ".join(options.message)] if options.message else _lines(sys.stdin.buffer)
    if service.llm_enabled:
        asyncio.run(_run_with_llm(service, messages, options.forwarded))
    else:
        for line in messages:
            _emit(replace(service.parse_rules(_unescape(line), forwarded=options.forwarded), text=line))
    return 0


async def _run_with_llm(service: NLPService, messages: Iterable[str], forwarded: bool) -> None:
    try:
        for line in messages:
            _emit(replace(await service.parse(_unescape(line), forwarded=forwarded), text=line))
    finally:
        await service.aclose()


def _arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="parse", description="Parse one message per stdin line (or the message given) into JSON.")
    parser.add_argument("--forwarded", action="store_true", help="read every line as a post forwarded from a channel")
    parser.add_argument("message", nargs="*", help="one message to read instead of stdin (words are joined by spaces)")
    return parser


def _lines(stream: BinaryIO) -> Iterator[str]:
    for raw in stream:
        yield raw.decode("utf-8", errors="replace").rstrip("\n").removesuffix("\r")


def _unescape(line: str) -> str:
    return line.replace("\\n", "\n")


def _emit(result: ParsedCommand) -> None:
    sys.stdout.buffer.write(result.to_json().encode("utf-8") + b"\n")
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
