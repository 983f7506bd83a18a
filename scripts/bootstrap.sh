#!/usr/bin/env bash
# Creates .venv and installs the project with its dev extras. Re-installs only when
# pyproject.toml changed since the last install, so repeated runs start in a second.
set -euo pipefail
cd "$(dirname "$0")/.."

# Which Python: $PYTHON if set; else the system's own python3 when it is 3.11 or newer and can
# make a virtualenv; else python3 from PATH. Distributions (Debian, Ubuntu, Fedora) build CPython
# with profile-guided and link-time optimisation; pyenv builds without them unless
# PYTHON_CONFIGURE_OPTS asks, and the bot then spends about a fifth more CPU per update
# (README, "Benchmarks"). An existing .venv is kept, whichever Python made it.
# Usable: new enough, can make a virtualenv, and has its C headers (for packages built from source).
usable() {
  "$1" -c 'import ensurepip, os, sys, sysconfig, venv
sys.exit(sys.version_info < (3, 11) or not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' 2>/dev/null
}
if [ -z "${PYTHON:-}" ]; then
  for candidate in /usr/bin/python3 python3; do
    if usable "$candidate"; then PYTHON=$candidate; break; fi
  done
fi
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Python 3.11 or newer is needed (found: $("$PYTHON" --version 2>&1))." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv ..."
  "$PYTHON" -m venv .venv
fi

stamp=.venv/.installed-pyproject
wanted=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  echo "Installing dependencies into .venv (first run takes a few minutes) ..."
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[dev]"
  echo "$wanted" > "$stamp"
fi
