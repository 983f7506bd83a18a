"""How fast each CPython build on this machine runs plain Python work, against this virtualenv's.

    .venv/bin/python benchmarks/python_build_bench.py [/usr/bin/python3 /other/python ...]

The bot's CPU per update is mostly interpreted Python (aiogram, middlewares, SQLAlchemy Core,
redis-py), so a build compiled with profile-guided and link-time optimisation runs it faster than
one without (pyenv's default). This times two small workloads, dicts and JSON, and coroutines on
an event loop, in each interpreter named (default: the system's python3 and every python3.x on
PATH), rounds alternating between them, best of all; each is printed as a ratio to the one
running this file.
scripts/bootstrap.sh prefers the system's python3 because of what this shows.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

ROUNDS = 4  # per interpreter, alternating

WORKLOAD = r"""
import asyncio, json, sys, time

def dicts_and_json():
    d = {}
    for i in range(200_000):
        d[str(i)] = [i, i * 2, {"a": i}]
    json.loads(json.dumps(list(d.items())[:20_000]))

async def ping(n):
    for _ in range(n):
        await asyncio.sleep(0)

async def coroutines():
    await asyncio.gather(*(ping(2_000) for _ in range(50)))

def best(run, times=3):
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return min(timings)

print(best(dicts_and_json), best(lambda: asyncio.run(coroutines())))
"""


def run_once(python: str) -> tuple[float, float]:
    output = subprocess.run([python, "-c", WORKLOAD], capture_output=True, text=True, check=True).stdout
    first, second = output.split()
    return float(first), float(second)


def describe(python: str) -> tuple[str, str]:
    """The interpreter's real executable (shims resolved) and version; raises if it does not run."""
    code = "import os, sys; print(os.path.realpath(sys.executable), sys.version.split()[0])"
    executable, version = subprocess.run([python, "-c", code], capture_output=True, text=True,
                                         check=True).stdout.split()
    return executable, version


def candidates() -> list[str]:
    found = ["/usr/bin/python3"]
    found += [path for name in ("python3", "python3.11", "python3.12", "python3.13")
              if (path := shutil.which(name))]
    return found


def main() -> None:
    this = os.path.realpath(sys.executable)  # a virtualenv's python links to the interpreter it was made with
    interpreters: dict[str, str] = {this: sys.version.split()[0]}  # real executable -> version
    for python in sys.argv[1:] or candidates():
        try:
            executable, version = describe(python)
        except (OSError, subprocess.CalledProcessError):
            print(f"{python}: does not run here, skipped")
            continue
        interpreters.setdefault(executable, version)
    # Rounds alternate the interpreters, so that the machine's drift hits them alike; best of all.
    best: dict[str, list[float]] = {python: [float("inf"), float("inf")] for python in interpreters}
    for _ in range(ROUNDS):
        for python in interpreters:
            timings = run_once(python)
            best[python] = [min(old, new) for old, new in zip(best[python], timings)]
    baseline = best[this]
    for python, version in interpreters.items():
        dicts, coroutines = best[python]
        label = "this virtualenv's" if python == this else ""
        print(f"{python:<45} {version:<8} dicts+JSON {dicts * 1000:5.0f} ms ({dicts / baseline[0]:.2f}x)   "
              f"coroutines {coroutines * 1000:4.0f} ms ({coroutines / baseline[1]:.2f}x)  {label}")


if __name__ == "__main__":
    main()
