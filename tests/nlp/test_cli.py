import io
import json
import os
import subprocess
import sys
from pathlib import Path

from nlp import cli

ROOT = Path(__file__).resolve().parents[2]


def run_cli(stdin: str, *args: str) -> list[dict]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("OPENAI_")}
    completed = subprocess.run(
        [sys.executable, "-m", "nlp.cli", *args], input=stdin.encode("utf-8"), capture_output=True, cwd=ROOT,
        env=env, timeout=60, check=True,
    )
    return [json.loads(line) for line in completed.stdout.decode("utf-8").splitlines()]


def test_one_json_object_per_line_with_the_text_as_read() -> None:
    post = r"#SOL LONG\nEntry: 140 - 142\nTP: 150 160\nSL: 135"
    outputs = run_cli(f"buy 0.5 eth at 3100\n\n{post}\nпривет 👋\n")
    assert len(outputs) == 4
    assert outputs[0]["entities"]["price"] == 3100
    assert outputs[1]["text"] == "" and outputs[1]["command_type"] == "general_query"
    assert outputs[2]["text"] == post  # escaped newlines are kept in the output text
    assert outputs[2]["intent"] == "signal" and outputs[2]["entities"]["take_profits"] == [150, 160]
    assert outputs[3]["text"] == "привет 👋"
    assert set(outputs[0]) == {"text", "command_type", "intent", "confidence", "entities"}


def test_forwarded_flag_reads_lines_as_posts() -> None:
    assert run_cli("close ETH\n", "--forwarded")[0]["intent"] == "signal_update"


def test_main_ignores_the_host_programs_arguments(monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.argv", ["main.py", "parse"])
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO("sui now?\n".encode())))
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    assert cli.main() == 0
    assert '"intent": "price"' in capsys.readouterr().out


def run_main_parse(*args: str) -> list[dict]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("OPENAI_")}
    completed = subprocess.run([sys.executable, "main.py", "parse", *args], capture_output=True, cwd=ROOT, env=env,
                               timeout=60, check=True)
    return [json.loads(line) for line in completed.stdout.decode("utf-8").splitlines()]


def test_main_parse_reads_a_russian_post_given_as_an_argument() -> None:
    post = "#TON ЛОНГ\nВход: по рынку\nЦели: 5.60 / 5.85\nСтоп: 5.20\nПлечо: 5-10х"
    [output] = run_main_parse(post)
    assert output["text"] == post and output["intent"] == "signal"
    assert output["entities"] == {"symbol": "TON/USDT", "side": "buy", "entry_at_market": True, "take_profits": [5.6, 5.85],
                                  "stop_loss": 5.2, "leverage": 5, "leverage_max": 10}
    # The escaped form of the stdin filter works as an argument too, and the text comes back as given.
    escaped = r"#ETH ШОРТ\nВход: 3150\nЦели: 3050\nСтоп: 3220"
    [output] = run_main_parse(escaped)
    assert output["text"] == escaped and output["entities"]["side"] == "sell" and output["entities"]["entries"] == [3150]


def test_main_parse_takes_the_forwarded_flag_around_the_message() -> None:
    assert run_main_parse("--forwarded", "close ETH")[0]["intent"] == "signal_update"
    assert run_main_parse("close ETH", "--forwarded")[0]["intent"] == "signal_update"
    assert run_main_parse("close ETH")[0]["intent"] == "close_position"
