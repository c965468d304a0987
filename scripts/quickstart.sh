#!/usr/bin/env bash
# The main job on the bundled graph: install into .venv, validate graph/ with
# SHACL, print the case summary, and write the cohort view to cohort-report/.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
.venv/bin/sarcokg validate
.venv/bin/sarcokg query case-summary
.venv/bin/sarcokg report -o cohort-report
echo "open cohort-report/index.html in a browser for the cohort view"
