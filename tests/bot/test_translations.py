"""Every user-facing message has a Russian translation, and no English sentence escapes marking.

Two nets: (1) every message marked for translation (``_``, ``t``, ``tn``, ``N_`` in bot/ and
handlers/) has a non-empty Russian ``msgstr``; (2) no English sentence sits in reply code
unmarked. Both name what is missing: run ``.venv/bin/python scripts/update_catalogs.py`` to
merge new messages into the catalog, then translate the ones it lists.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import update_catalogs  # noqa: E402

# Modules that never produce what a user reads (logs, settings, wiring, terminal chrome).
NOT_USER_FACING = {
    "bot/settings.py", "bot/i18n.py", "bot/html.py", "bot/runners.py", "bot/fsm_storage.py", "bot/message_log.py",
    "bot/client.py", "bot/outages.py", "bot/rate_limiter.py", "bot/runtime_config.py", "bot/sender.py",
    "bot/scheduler.py", "bot/services.py", "bot/dispatcher.py", "bot/flags.py", "bot/filters.py",
    "bot/callbacks.py", "bot/assistant_callbacks.py", "bot/assistant/routes.py", "bot/assistant/memory.py",
    "bot/assistant/context.py", "bot/assistant/services.py", "bot/text_handler.py", "bot/cancellation.py",
    # Pictures are drawn in a worker process, outside any locale: callers pass translated titles.
    "bot/charts.py",
    # Delivery bookkeeping (reasons stored on notification rows) and Redis Lua scripts.
    "bot/outbox.py", "bot/pacing.py",
}
NOT_USER_FACING_DIRS = ("bot/middlewares/", "bot/local_chat/")
MARKERS = {"_", "t", "tn", "N_"}
# Calls whose string arguments are for developers: logs, exceptions, lookups.
DEVELOPER_CALLS = {"debug", "info", "warning", "error", "exception", "critical", "getLogger", "get", "startswith",
                   "endswith", "split", "replace", "partition", "join", "strip", "format_date", "format_datetime",
                   "compile", "search", "match", "fullmatch", "sub", "findall", "setdefault", "pop", "field", "Field"}
SENTENCE = re.compile(r"[A-Za-z]{2,}[,:;]? [A-Za-z]{2,}")
WORD = re.compile(r"[A-Za-z]{2,}")
# Calls whose first argument is shown to the user as it is.
SENDING_CALLS = {"answer", "send", "send_message", "send_to_user", "show", "TextReply", "reply", "edit_text"}
# Not prose: proper names of indicators, and a chart library's options.
NOT_PROSE = {"Stoch RSI", "upper left", "my alerts", "delete alert", "alert me when"}  # /alerts words for the parser


def _source_files() -> list[Path]:
    files = []
    for source in update_catalogs.SOURCES:
        for path in sorted((ROOT / source).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative not in NOT_USER_FACING and not relative.startswith(NOT_USER_FACING_DIRS):
                files.append(path)
    return files


class _Unmarked(ast.NodeVisitor):
    """String literals that read like an English sentence and are not inside a marker call."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []
        self._skip = 0

    def visit_Call(self, node: ast.Call) -> None:  # noqa: N802
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if not self._skip and name not in MARKERS:
            self._check_single_words(node, name)
        if name in MARKERS or name in DEVELOPER_CALLS:
            self._skip += 1
            self.generic_visit(node)
            self._skip -= 1
        else:
            self.generic_visit(node)

    def _check_single_words(self, node: ast.Call, name: str) -> None:
        """Button labels and short answers are often one word ("Done.", "✅ Confirm"): any word counts."""
        shown = [keyword.value for keyword in node.keywords if keyword.arg == "text"]
        if name in SENDING_CALLS and node.args:
            shown.append(node.args[0])
        for value in shown:
            for literal in _literals(value):
                if WORD.search(_without_markup(literal)):
                    self.found.append((node.lineno, literal))

    def visit_Raise(self, node: ast.Raise) -> None:  # noqa: N802
        self._skip += 1
        self.generic_visit(node)
        self._skip -= 1

    def visit_Expr(self, node: ast.Expr) -> None:  # noqa: N802  # docstrings
        if not isinstance(node.value, ast.Constant):
            self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:  # noqa: N802  # payload["key"]
        self.visit(node.value)

    def visit_Compare(self, node: ast.Compare) -> None:  # noqa: N802  # kind == "some kind"
        return

    def visit_Dict(self, node: ast.Dict) -> None:  # noqa: N802  # keys are data, values may be text
        for value in node.values:
            self.visit(value)

    def visit_Constant(self, node: ast.Constant) -> None:  # noqa: N802
        if (not self._skip and isinstance(node.value, str) and "redis.call(" not in node.value  # Lua scripts
                and SENTENCE.search(_without_markup(node.value))):
            self.found.append((node.lineno, node.value))


def _literals(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [part.value for part in node.values if isinstance(part, ast.Constant) and isinstance(part.value, str)]
    return []


def _without_markup(text: str) -> str:
    """Drop tags, placeholders, commands, code and names: what is left is prose."""
    for name in NOT_PROSE:
        text = text.replace(name, " ")
    return re.sub(r"<code>.*?</code>|<[^>]+>|\{[^}]*\}|/\w+|%\(?\w*\)?[sd]", " ", text)


def test_no_english_sentence_is_left_unmarked() -> None:
    offenders = []
    for path in _source_files():
        visitor = _Unmarked()
        visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
        relative = path.relative_to(ROOT).as_posix()
        offenders += [f"{relative}:{line}: {text!r}" for line, text in visitor.found]
    assert not offenders, "English text not marked for translation (wrap it in _()/t()/N_()):\n" + "\n".join(offenders)


@pytest.mark.parametrize("language", [code for code in update_catalogs.LANGUAGES if code != "en"])
def test_every_message_is_translated(language: str) -> None:
    template = update_catalogs.extract()
    missing = update_catalogs.untranslated(update_catalogs.load(language), template)
    assert not missing, (
        f"{len(missing)} of {len(template)} messages lack a '{language}' translation "
        "(scripts/update_catalogs.py merges them into the catalog):\n" + "\n".join(map(repr, missing))
    )
