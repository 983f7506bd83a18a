"""Throwaway PostgreSQL and Redis servers the fault tests may stop and start at will.

The machine's shared servers serve other test runs, so a test that pulls the plug starts its
own: a Redis on a free port (append-only file, so a restart keeps dialogs as a production Redis
with persistence would) and a PostgreSQL cluster made by initdb in a temporary directory.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until(answers: bool, port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            if answers:
                return
        except OSError:
            if not answers:
                return
        time.sleep(0.05)
    raise TimeoutError(f"port {port} still {'closed' if answers else 'open'} after {timeout}s")


class ThrowawayRedis:
    def __init__(self) -> None:
        self.port = free_port()
        self._dir = Path(tempfile.mkdtemp(prefix="tsr-redis-"))
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self._process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(self._dir), "--save", "", "--appendonly", "yes", "--appendfsync", "always"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        _wait_until(True, self.port)

    def stop(self) -> None:
        """As a crash or an operator's restart: the process ends, connections drop."""
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None
        _wait_until(False, self.port)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)


def _user_exists(name: str) -> bool:
    try:
        import pwd

        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _postgres_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name)]
    return found[-1]


class ThrowawayPostgres:
    """A cluster of its own; None from ``create`` where the PostgreSQL binaries are not installed."""

    def __init__(self, initdb: str, pg_ctl: str, run_as: list[str]) -> None:
        self._pg_ctl = pg_ctl
        self._run_as = run_as
        self.port = free_port()
        self._dir = Path(tempfile.mkdtemp(prefix="tsr-pg-"))
        if run_as:
            shutil.chown(self._dir, "postgres", "postgres")
        self._data = self._dir / "data"
        self._run([initdb, "-D", str(self._data), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"])

    @classmethod
    def create(cls) -> ThrowawayPostgres | None:
        initdb, pg_ctl = _postgres_bin("initdb"), _postgres_bin("pg_ctl")
        if not (initdb and pg_ctl):
            return None
        run_as: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root: run the cluster as the postgres user
            if not (shutil.which("runuser") and _user_exists("postgres")):
                return None
            run_as = ["runuser", "-u", "postgres", "--"]
        return cls(initdb, pg_ctl, run_as)

    def _run(self, command: list[str], check: bool = True) -> None:
        subprocess.run(self._run_as + command, check=check, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = f"-p {self.port} -k {self._dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run([self._pg_ctl, "-D", str(self._data), "-o", options, "-l", str(self._dir / "log"), "-w", "start"])
        _wait_until(True, self.port)

    def stop(self) -> None:
        """A fast shutdown: open sessions are terminated, as when the server restarts."""
        self._run([self._pg_ctl, "-D", str(self._data), "-m", "fast", "-w", "stop"], check=False)
        _wait_until(False, self.port)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)
