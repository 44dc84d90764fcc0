#!/usr/bin/env bash
# Install cjmkit with its development tools into .venv, the programs the tests drive
# (Graphviz's dot, Chromium, LibreOffice Calc), and run the whole test suite.
# Extra arguments go to pytest, e.g. scripts/test.sh -k schema  or  --update-golden
source "$(dirname "$0")/bootstrap.sh" dev,pdf
require_tool dot graphviz
require_tool chromium chromium
if ! .venv/bin/python -c 'import weasyprint' >/dev/null 2>&1; then
    apt_install libpango-1.0-0 libpangoft2-1.0-0 || die "WeasyPrint needs Pango: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0"
fi
# LibreOffice recalculates the workbooks' formulas the way a client's spreadsheet does (tests/test_spreadsheet.py).
if ! command -v soffice >/dev/null 2>&1; then
    apt_install --no-install-recommends libreoffice-calc-nogui ||
        die "the workbook tests need LibreOffice: sudo apt-get install --no-install-recommends libreoffice-calc-nogui"
fi
# html-validate checks the rendered HTML (tests/test_a11y.py); a project-local npm install.
HTML_VALIDATE_VERSION=10.2.1
if [ "$(.tools/node/node_modules/.bin/html-validate --version 2>/dev/null)" != "html-validate-$HTML_VALIDATE_VERSION" ]; then
    command -v npm >/dev/null 2>&1 || apt_install nodejs npm || die "html-validate needs Node.js 20 or newer and npm: sudo apt-get install nodejs npm"
    say "installing html-validate $HTML_VALIDATE_VERSION into .tools/node"
    npm install --prefix .tools/node --no-audit --no-fund --silent "html-validate@$HTML_VALIDATE_VERSION" >&2 ||
        die "installing html-validate failed (the npm registry must be reachable)"
fi
set -x
.venv/bin/ruff check src tests scripts
.venv/bin/ruff format --check src tests scripts
.venv/bin/mypy src
.venv/bin/python -m pytest "$@"
