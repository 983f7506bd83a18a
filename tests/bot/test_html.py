from __future__ import annotations

import re

import pytest

from bot.html import MESSAGE_LIMIT, escape, html_to_terminal, split_html, telegram_length

_TAG = re.compile(r"<(/?)(\w+)[^>]*>")


def _balanced(part: str) -> bool:
    stack: list[str] = []
    for closing, name in _TAG.findall(part):
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


def _visible(text: str) -> str:
    return _TAG.sub("", text)


def test_escape_makes_user_text_inert():
    assert escape('<b>&"x"</b>') == "&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;"
    assert escape(42) == "42"


def test_length_counts_like_telegram():
    assert telegram_length("abc") == 3
    assert telegram_length("📈") == 2  # outside the BMP: two UTF-16 code units


def test_a_short_text_is_one_part():
    assert split_html("<b>hi</b>") == ["<b>hi</b>"]


def test_long_text_is_cut_at_line_breaks():
    lines = [f"line {n:04d} " + "x" * 40 for n in range(300)]
    parts = split_html("\n".join(lines))
    assert len(parts) > 1
    assert all(telegram_length(p) <= MESSAGE_LIMIT for p in parts)
    assert all(p.endswith("\n") for p in parts[:-1])  # no line cut in two
    assert "".join(parts) == "\n".join(lines)


def test_tags_open_at_a_cut_are_closed_and_reopened():
    text = '<b>Report</b>\n<blockquote><a href="https://x.y/?a=1&amp;b=2">' + "\n".join(
        f"<i>row {n}</i> &lt;{n}&gt;" for n in range(900)
    ) + "</a></blockquote>"
    parts = split_html(text, limit=1000)
    assert len(parts) > 5
    for part in parts:
        assert telegram_length(part) <= 1000
        assert _balanced(part), part
    assert parts[1].startswith('<blockquote><a href="https://x.y/?a=1&amp;b=2">')
    assert _visible("".join(parts)) == _visible(text)


def test_a_single_line_longer_than_a_message_is_cut_between_tokens():
    text = "<code>" + " ".join(["word&amp;word"] * 1000) + "</code>"
    parts = split_html(text, limit=500)
    for part in parts:
        assert telegram_length(part) <= 500
        assert _balanced(part)
        assert not re.search(r"&[a-z]*$", _visible(part))  # no entity cut in half
    assert _visible("".join(parts)) == _visible(text)


def test_emoji_count_twice_towards_the_limit():
    parts = split_html("📈" * 3000)
    assert all(telegram_length(p) <= MESSAGE_LIMIT for p in parts)
    assert "".join(parts) == "📈" * 3000


@pytest.mark.parametrize(
    ("html", "styled", "expected"),
    [
        ("<b>Bold</b> &lt;x&gt;", False, "Bold <x>"),
        ('<a href="https://t.me/x">link</a>', False, "link (https://t.me/x)"),
        ("<b>B</b>", True, "\033[0m\033[1mB\033[0m"),
    ],
)
def test_terminal_rendering(html, styled, expected):
    assert html_to_terminal(html, styled=styled) == expected
