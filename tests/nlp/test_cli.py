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
