#!/usr/bin/env bash
# The project's test command (README, .ci/run): install into .venv, lint and
# type-check, run the tests, validate the bundled graph with SHACL, run the
# quality checks, check it with HermiT.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
.venv/bin/ruff check src tests bench scripts
.venv/bin/mypy
.venv/bin/python -m pytest -n 2   # two processes (pytest-xdist): the suite in about two thirds of the time
.venv/bin/sarcokg validate
.venv/bin/sarcokg check
.venv/bin/sarcokg reason
