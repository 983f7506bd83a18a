"""Terms of a channel post besides its levels: leverage (a range gives leverage and leverage_max),
margin mode and the share of the balance to use."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

_LEVERAGE_PATTERNS = (
    re.compile(r"\b(?:leverage|lev|mode|margin)\b\.?\s*[:\-]?\s*(?P<mode>cross|isolated)?\s*(?:margin\s*)?(?:min\s*)?(?:(?:from|от|between|da|de|desde|entre|von|ab|من|از)\s+)?"
               r"[x×]?\s?(?P<low>\d{1,3})(?:\.0+)?(?:\s?[x×])?(?:\s+(?P<mode_after>cross|isolated)(?=\s*/))?(?:(?:\s*(?:->|→|➡\ufe0f?|-|to|till|until|up\s+to|and|&|/|max|~+|,|or|или|либо|до|تا|الی|إلى|الى|ile|a|à|al|bis|até|hasta|und|et|e|y|sampai|hingga|s/d|đến|\|)\s*|\s+(?=[x×]))(?:max\s*)?[x×]?\s?(?P<high>\d{1,3})(?:\.0+)?(?:\s?[x×])?)?"
               r"(?!\s*%)(?:\s*times)?", re.IGNORECASE),
    re.compile(r"\b(?P<mode>cross|isolated)\s*(?:margin\s*)?(?:[x×]\s?(?P<low2>\d{1,3})|(?P<low>\d{1,3})\s?[x×])"
               r"(?:\s*(?:-|to|/|~)\s*[x×]?(?P<high>\d{1,3})\s?[x×]?)?", re.IGNORECASE),
    re.compile(r"(?:\bwith\s+)?(?:[x×](?P<low2>\d{1,3})|(?P<low>\d{1,3})(?:\s?[x×])?(?:\s*(?:-|to|/|~)\s*[x×]?(?P<high>\d{1,3}))?"
               r"\s*(?:[x×]|times))"
               r"\s+(?:(?P<mode>cross|isolated)\s+)?leverage\b", re.IGNORECASE),
    re.compile(r"(?<![\w.])(?P<low>\d{1,3})(?:\s?[x×])?(?:\s*(?:-|to|/|~)\s*(?P<high>\d{1,3}))?\s?[x×](?![\w])(?:\s+(?P<mode>cross|isolated))?",
               re.IGNORECASE),
    re.compile(r"(?<![\w.])[x×]\s?(?P<low>\d{1,3})(?![\d.,%])(?:\s*-\s*[x×]?\s?(?P<high>\d{1,3})(?![\d.,%]))?",
               re.IGNORECASE),
)
# A leverage figure inside a warning ("10x is highly aggressive") is not the post's leverage.
_WARNING_RE = re.compile(r"\b(?:aggressive|too\s+high|risky|avoid|reduce|don'?t|do\s+not|not\s+recommended)\b",
                         re.IGNORECASE)
# A line that opens with the leverage label states the post's leverage, whatever caution follows.
_LEVERAGE_LABEL_RE = re.compile(r"^\W*(?:leverage|lev)\b", re.IGNORECASE)
# Cheap pre-check so that prose lines skip the leverage patterns.
_LEVERAGE_HINT_RE = re.compile(r"\d\s?[x×]|[x×]\s?\d|\blev|\btimes\b", re.IGNORECASE)
_PROFIT_REPORT_RE = re.compile(r"%|\b(?:profit|loss|gain|pnl|roi)\b", re.IGNORECASE)
_ANY_PARENTHESES_RE = re.compile(r"\([^)]*\)")
_MARGIN_MODE_RE = re.compile(r"(?<!#)\b(cross|isolated)\b", re.IGNORECASE)
# An allocation hint; of a range ("Use 5-6% balance") the lower bound, as for leverage.
_ALLOCATION_RES = (
    re.compile(r"(?P<value>\d+(?:[.,]\d+)?)(?:\s*-\s*\d+(?:[.,]\d+)?)?\s*%\s*(?:(?:of|от|de|del)\s+)?(?:your\s+|the\s+|my\s+|total\s+|tu\s+|su\s+)*"
               r"(?:deposit|balance|funds?|capital|portfolio|account|bank|wallet)", re.IGNORECASE),
    re.compile(r"\b(?:amount|allocation|allocate|invest(?:ed|ment)?|use|volume|position\s+size|capital(?:\s+invested)?|"
               r"margin\s+(?:per\s+trade|size)|entry\s+size|balance|deposit|bank)\b(?:\s+per\s+trade)?\s*[:\-]?\s*(?:only\s+|just\s+|max\s+)?"
               r"(?P<value>\d+(?:[.,]\d+)?)(?:\s*-\s*\d+(?:[.,]\d+)?)?\s*%", re.IGNORECASE),
)


def read_leverage(text: str) -> dict[str, Any]:
    # A line labelled "Leverage" states the post's leverage; a figure elsewhere ("LONG 10x" in the title,
    # "Futures 5x") is read only when no labelled line gives one.
    lines = text.splitlines()
    labelled = [line for line in lines if _LEVERAGE_LABEL_RE.match(line)]
    for line in labelled + [line for line in lines if not _LEVERAGE_LABEL_RE.match(line)]:
        result = _leverage_on_line(line, text)
        if result:
            return result
    mode = _margin_mode(_without_warnings(text))
    return {"margin_mode": mode} if mode else {}


def _leverage_on_line(line: str, text: str) -> dict[str, Any] | None:
    if not _LEVERAGE_HINT_RE.search(line) or (_WARNING_RE.search(line) and not _LEVERAGE_LABEL_RE.match(line)):
        return None
    for pattern in _LEVERAGE_PATTERNS:
        match = pattern.search(_without_percent_context(line))
        if not match:
            continue
        low = match.groupdict().get("low") or match.groupdict().get("low2")
        if not low or int(low) == 0 or int(low) > 200:
            continue
        high = match.groupdict().get("high")
        if high and re.match(r"[.,]0*[1-9]", match.string[match.end("high"):]):
            high = None  # "20x - 1.25": a price after the leverage, not a range's other end
        if high and _counts_something(match):
            high = None  # "Lev 20x, 2 entries": a count after the leverage, not a range's other end
        high = high or _symbol_joined_high(match)
        # "50x-20x" is the same range written high first; "10x-15x-20x" spans its lowest to its highest.
        bounds = [int(low)] + ([int(high)] if high else []) + _more_steps(match.string, match.end())
        bounds = [value for value in bounds if 0 < value <= 200]
        if len(bounds) == 1:
            # "10x (20x max)", "10x; can go up to 20x": a named maximum above the leverage is the range's top.
            bounds += [value for value in _stated_max(match.string[match.end():]) if bounds[0] < value <= 200]
        result: dict[str, Any] = {"leverage": Decimal(min(bounds))}
        if max(bounds) > min(bounds):
            result["leverage_max"] = Decimal(max(bounds))
        # "Margin: Isolated" on a line of its own states the mode of the leverage given elsewhere.
        mode = match.groupdict().get("mode") or match.groupdict().get("mode_after") or _margin_mode(line) \
            or _margin_mode(_without_warnings(text))
        if mode:
            result["margin_mode"] = mode.lower()
        return result
    return None


# "20x, 2 entries", "10x — 3 targets": a bare figure after an x-leverage, with a word after it, counts something.
_COUNTED_WORD_RE = re.compile(r"\s*(?!(?:cross|isolated|times|leverage|lev|max|margin)\b)[^\W\d_]{2,}", re.IGNORECASE)


def _counts_something(match: re.Match[str]) -> bool:
    low_has_x = re.search(r"[x×]", match.string[match.start("low") if match.start("low") >= 0 else match.start():match.start("high")],
                          re.IGNORECASE)
    high_has_x = re.match(r"\s?[x×]", match.string[match.end("high"):], re.IGNORECASE)
    return bool(low_has_x) and not high_has_x and bool(_COUNTED_WORD_RE.match(match.string, match.end("high")))


# A maximum named after the leverage on its line: "(max: 20x)", "(макс 50х)", "[max 20x]", "(20x max)", "can go up to 20x".
_STATED_MAX_RE = re.compile(r"\b(?:max(?:imum)?|макс(?:имум)?)(?![^\W\d_])\W{0,3}[x×]?\s?(\d{1,3})(?![\d.,%])|(?<![\w.])(\d{1,3})\s?[x×]\s*max\b"
                            r"|\bup\s+to\s+[x×]?\s?(\d{1,3})\s?[x×]", re.IGNORECASE)


def _stated_max(rest: str) -> list[int]:
    match = _STATED_MAX_RE.search(rest)
    return [int(next(group for group in match.groups() if group))] if match else []


def _without_warnings(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not _WARNING_RE.search(line))


# "10x🔸20x", "10x • 20x": two leverage figures, each with its x, joined by a decoration are a range too.
_SYMBOL_JOINED_HIGH_RE = re.compile(r"[ \t]*[^\w\s.,%$]{1,3}[ \t]*[x×]?(\d{1,3})[ \t]?[x×](?![\w])")


def _symbol_joined_high(match: re.Match[str]) -> str | None:
    if not re.search(r"[x×]\s*$", match.group(0)):
        return None  # the first figure must carry its x too: "20 • 25x" may be anything
    joined = _SYMBOL_JOINED_HIGH_RE.match(match.string, match.end())
    return joined.group(1) if joined else None


_MORE_STEPS_RE = re.compile(r"(?:[ \t]*[-/~,][ \t]*[x×]?[ \t]?\d{1,3}(?![\d.,%])[ \t]?[x×]?)+")


def _more_steps(line: str, end: int) -> list[int]:
    """Further values of a leverage range written as steps ("10x-15x-20x"), after the matched pair."""
    steps = _MORE_STEPS_RE.match(line, end)
    return [int(value) for value in re.findall(r"\d{1,3}", steps.group(0))] if steps else []


# "10x_20x", "x10_x20", "10x...20x": an underscore or dots between two leverage figures join a range.
_UNDERSCORE_RANGE_RE = re.compile(r"(?:(?<=\d[x×])|(?<=[x×]\d)|(?<=[x×]\d\d))(?:_|\s*(?:\.{2,3}|\u2026)\s*)(?=[x×]?\d)",
                                  re.IGNORECASE)
# "10x (Cross) - 20x", "10x Isolated to 20x": the margin mode named between the ends of a range moves after it.
_MODE_INSIDE_RANGE_RE = re.compile(r"(?P<low>(?:[x×]\s?)?\d{1,3}(?:\s?[x×])?)\s*[(\[]?\s*(?P<mode>cross|isolated)\s*[)\]]?"
                                   r"(?P<high>\s*(?:-|\u2013|to|/|~)\s*[x×]?\s?\d{1,3}\s?[x×]?)(?![\d.,%])", re.IGNORECASE)


def _without_percent_context(line: str) -> str:
    # "+52% profit (10x lev)" reports carry past leverage; "Leverage: Cross (20x)" and
    # "COIN: $XRP/USDT (3-5x)" state the post's own.
    line = _MODE_INSIDE_RANGE_RE.sub(r"\g<low>\g<high> \g<mode>", _UNDERSCORE_RANGE_RE.sub("-", line))
    if _PROFIT_REPORT_RE.search(line):
        return _ANY_PARENTHESES_RE.sub(" ", line)
    return line.replace("(", " ").replace(")", " ")


def _margin_mode(text: str) -> str | None:
    match = _MARGIN_MODE_RE.search(text)
    return match.group(1).lower() if match else None


# "risk 1-2% of capital", "risking 1%": a risk budget; "Risk management: use 2% of funds" allocates.
_RISK_BUDGET_RE = re.compile(r"\brisk(?:ing)?\b(?!\s+management)", re.IGNORECASE)


def read_allocation(text: str) -> Decimal | None:
    for line in text.splitlines():
        if _RISK_BUDGET_RE.search(line):
            continue  # "risk 1-2% of capital" is a risk budget, not an allocation
        for pattern in _ALLOCATION_RES:
            match = pattern.search(line)
            if match:
                return Decimal(match.group("value").replace(",", "."))
    return None
