#!/usr/bin/env bash
# Install cjmkit with its development tools into .venv and run the whole test suite.
# Extra arguments go to pytest, e.g. scripts/test.sh -k schema  or  --update-golden
source "$(dirname "$0")/bootstrap.sh" dev
set -x
.venv/bin/ruff check src tests scripts
.venv/bin/ruff format --check src tests scripts
.venv/bin/mypy src
.venv/bin/python -m pytest "$@"
