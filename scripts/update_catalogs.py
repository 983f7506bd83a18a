"""Extract the bot's messages and merge them into every catalog (bot/locales/<lang>/LC_MESSAGES).

    .venv/bin/python scripts/update_catalogs.py          # update the catalogs, list what lacks a translation
    .venv/bin/python scripts/update_catalogs.py --check  # change nothing; exit 1 if anything lacks one

New English messages arrive with an empty translation: fill in ``msgstr`` in the .po file (the
bot reads the .po files directly, compiling them in memory at start; there is no .mo to build).
tests/bot/test_translations.py runs the check.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from babel.messages.catalog import Catalog  # noqa: E402
from babel.messages.extract import extract_from_dir  # noqa: E402
from babel.messages.pofile import read_po, write_po  # noqa: E402

from bot.i18n import DEFAULT_LOCALE, DOMAIN, LANGUAGES, LOCALES_DIR  # noqa: E402

# Where user-facing text lives, and the marker functions of bot/i18n.py.
SOURCES = ("bot", "handlers")
KEYWORDS = {"_": None, "t": None, "N_": None, "tn": (1, 2)}
# The domain marks what it writes for a user with domain/phrases.py: phrase("...", value=...) and N_("...").
DOMAIN_KEYWORDS = {"N_": None, "phrase": None, "NP_": ((1, "c"), 2)}


def extract() -> Catalog:
    template = Catalog(project="trading-signals-reader", domain=DOMAIN)
    for filename, lineno, message in domain_messages():
        template.add(message, None, [(filename, lineno)])
    for source, keywords in [*((source, KEYWORDS) for source in SOURCES), ("domain", DOMAIN_KEYWORDS)]:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / source, method_map=[("**.py", "python")], keywords=keywords, comment_tags=("i18n:",),
            strip_comment_tags=True,
        ):
            template.add(message, None, [(f"{source}/{filename}", lineno)], auto_comments=comments, context=context)
    return template


def domain_messages() -> list[tuple[str, int, str]]:
    """The user-safe messages the domain raises as they are (it knows nothing of translation):
    the ``default_message`` of its errors and the plain strings given to them. The bot shows them
    through ``_()``; messages built with values (f-strings) stay English."""
    found = []
    for path in sorted((ROOT / "domain").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        relative = path.relative_to(ROOT).as_posix()
        for node in ast.walk(tree):
            text = None
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "default_message" for t in node.targets):
                text = node.value
            elif isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
                raised = getattr(node.exc.func, "id", None) or getattr(node.exc.func, "attr", "")
                if not hasattr(builtins, raised):  # ValueError & co. are for developers
                    text = node.exc.args[0]
            if isinstance(text, ast.Constant) and isinstance(text.value, str) and " " in text.value:
                found.append((relative, node.lineno, text.value))
            # Labels the domain names things by (URGENT_KINDS = {"stop_loss": "Stop-loss hit", ...}).
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict)
                    and any(getattr(t, "id", "").endswith(("_KINDS", "_LABELS")) for t in node.targets)):
                found += [(relative, value.lineno, value.value) for value in node.value.values
                          if isinstance(value, ast.Constant) and isinstance(value.value, str)]
    return found


def catalog_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def load(language: str) -> Catalog:
    path = catalog_path(language)
    if not path.exists():
        return Catalog(locale=language, domain=DOMAIN, project="trading-signals-reader")
    with path.open("rb") as po_file:
        return read_po(po_file, locale=language)


def untranslated(catalog: Catalog, template: Catalog) -> list[str]:
    """msgids of ``template`` that ``catalog`` lacks, leaves empty or marks fuzzy."""
    missing = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        strings = found.string if found is not None else None
        filled = all(strings) if isinstance(strings, (list, tuple)) else bool(strings)
        if found is None or found.fuzzy or not filled:
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a translation is missing")
    args = parser.parse_args()
    template = extract()
    status = 0
    for language in LANGUAGES:
        if language == DEFAULT_LOCALE:
            continue
        catalog = load(language)
        if not args.check:
            catalog.update(template, no_fuzzy_matching=True)
            catalog.obsolete.clear()
            path = catalog_path(language)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as po_file:
                write_po(po_file, catalog, width=120, omit_header=False, sort_output=False)
        missing = untranslated(catalog, template)
        print(f"{language}: {len(template)} messages, {len(missing)} without a translation")
        for msgid in missing:
            print(f"  {msgid!r}")
        status |= bool(missing)
    return status if args.check else 0


if __name__ == "__main__":
    sys.exit(main())
