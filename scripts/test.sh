#!/usr/bin/env bash
# Install cjmkit with its development tools into .venv, the programs the tests drive
# (Graphviz's dot, Chromium), and run the whole test suite.
# Extra arguments go to pytest, e.g. scripts/test.sh -k schema  or  --update-golden
source "$(dirname "$0")/bootstrap.sh" dev,pdf
require_tool dot graphviz
require_tool chromium chromium
if ! .venv/bin/python -c 'import weasyprint' >/dev/null 2>&1; then
    apt_install libpango-1.0-0 libpangoft2-1.0-0 || die "WeasyPrint needs Pango: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0"
fi
set -x
.venv/bin/ruff check src tests scripts
.venv/bin/ruff format --check src tests scripts
.venv/bin/mypy src
.venv/bin/python -m pytest "$@"
