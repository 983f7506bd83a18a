"""Telegram's HTML parse mode: escaping user text, splitting long messages, terminal rendering."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

MESSAGE_LIMIT = 4096

# Tags, entities, newlines, runs of spaces, short runs of other text: a message can be cut
# between any two tokens without breaking a tag or an entity.
_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|\n|[^\S\n]+|[^\s<&]{1,64}|[<&]")
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*>")


def escape(text: object) -> str:
    """The one place user-provided text is made safe to embed in an HTML-mode message."""
    return html.escape(str(text), quote=True)


def telegram_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (most emoji count twice)."""
    return len(text.encode("utf-16-le")) // 2


def split_html(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut ``text`` into messages of at most ``limit``, at line breaks where possible.

    Tags open at a cut are closed at the end of one part and reopened at the start of the next,
    so every part is valid HTML on its own. Lengths count the markup too, which keeps each part
    safely under Telegram's limit on the rendered text.
    """
    if telegram_length(text) <= limit:
        return [text]
    return _Splitter(limit).split(text)


class _Splitter:
    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._parts: list[str] = []
        self._open_tags: list[tuple[str, str]] = []  # (name, opening tag as written)
        self._prefix = ""  # tags reopened at the start of the current part
        self._body = ""

    def split(self, text: str) -> list[str]:
        for line in text.splitlines(keepends=True):
            if self._append(line):
                continue
            self._flush()
            if self._append(line):
                continue
            for token in _TOKEN.findall(line):  # a line longer than a whole message
                if not self._append(token):
                    self._flush()
                    if not self._append(token):
                        raise ValueError("open tags alone exceed the message limit")
        self._flush()
        return self._parts

    def _append(self, piece: str) -> bool:
        open_after = _open_tags_after(self._open_tags, piece)
        candidate = self._prefix + self._body + piece + _closing(open_after)
        if telegram_length(candidate) > self._limit:
            return False
        self._body += piece
        self._open_tags = open_after
        return True

    def _flush(self) -> None:
        if self._body:
            self._parts.append(self._prefix + self._body + _closing(self._open_tags))
        self._prefix = "".join(opening for _, opening in self._open_tags)
        self._body = ""


def _open_tags_after(open_tags: list[tuple[str, str]], piece: str) -> list[tuple[str, str]]:
    stack = list(open_tags)
    for match in _TAG.finditer(piece):
        is_closing, name = match.group(1), match.group(2).lower()
        if not is_closing:
            stack.append((name, match.group(0)))
            continue
        for index in range(len(stack) - 1, -1, -1):
            if stack[index][0] == name:
                del stack[index]
                break
    return stack


def _closing(open_tags: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(open_tags))


def html_to_terminal(text: str, *, styled: bool) -> str:
    """Render a bot message for a terminal: ANSI styles (when ``styled``), links spelled out."""
    renderer = _TerminalRenderer(styled)
    renderer.feed(text)
    renderer.close()
    return "".join(renderer.output)


_ANSI_STYLES = {
    **dict.fromkeys(("b", "strong"), "1"),
    **dict.fromkeys(("i", "em"), "3"),
    **dict.fromkeys(("u", "ins"), "4"),
    **dict.fromkeys(("s", "strike", "del"), "9"),
}


class _TerminalRenderer(HTMLParser):
    def __init__(self, styled: bool) -> None:
        super().__init__(convert_charrefs=True)
        self._styled = styled
        self._styles: list[str] = []
        self._links: list[str | None] = []
        self.output: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._links.append(dict(attrs).get("href"))
        elif tag in _ANSI_STYLES:
            self._styles.append(_ANSI_STYLES[tag])
            self._apply_styles()

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._links:
            href = self._links.pop()
            if href:
                self.output.append(f" ({href})")
        elif tag in _ANSI_STYLES and self._styles:
            self._styles.pop()
            self._apply_styles()

    def handle_data(self, data: str) -> None:
        self.output.append(data)

    def _apply_styles(self) -> None:
        if self._styled:
            self.output.append("\033[0m" + "".join(f"\033[{code}m" for code in self._styles))
