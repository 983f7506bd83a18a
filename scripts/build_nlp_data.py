"""Builds the NLP layer's word data from packages, so the bot needs none of them at run time.

    .venv/bin/pip install wordfreq && .venv/bin/python scripts/build_nlp_data.py

Writes ``nlp/data/english_words.txt``: lower-case English words common enough (Zipf frequency
>= 3.0, about once per million words) that a word of the list is never "corrected" as a typo of a
trading key word, and that decides whether an ambiguous ticker written in plain prose is a word.
"""

from __future__ import annotations

from pathlib import Path

from wordfreq import top_n_list, zipf_frequency

OUT = Path(__file__).resolve().parents[1] / "nlp" / "data" / "english_words.txt"
MIN_ZIPF = 3.0


def main() -> None:
    words = sorted({w for w in top_n_list("en", 100_000) if w.isascii() and w.isalpha() and zipf_frequency(w, "en") >= MIN_ZIPF})
    OUT.write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {OUT}")


if __name__ == "__main__":
    main()
