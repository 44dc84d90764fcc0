# Sourced by demo.sh and test.sh: make .venv with cjmkit installed, or stop saying how.
# Usage: source scripts/bootstrap.sh [EXTRAS]   e.g. "dev"
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
say() { printf 'cjmkit setup: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else return 1
    fi
}
apt_install() {
    command -v apt-get >/dev/null 2>&1 || return 1
    say "installing $* with apt-get"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1 && return 0
    as_root apt-get update -q >/dev/null 2>&1 || return 1
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
}

PYTHON=""
for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
        "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        PYTHON=$candidate
        break
    fi
done
[ -n "$PYTHON" ] || die "cjmkit needs Python 3.11 or newer. On Debian: sudo apt-get install python3 python3-venv"

if [ ! -x .venv/bin/python ]; then
    say "creating .venv with $($PYTHON --version)"
    if ! "$PYTHON" -m venv .venv >/dev/null 2>&1; then
        rm -rf .venv
        apt_install python3-venv || die "cannot create a virtualenv. On Debian: sudo apt-get install python3-venv"
        "$PYTHON" -m venv .venv
    fi
fi

extras=${1:-}
target="."
[ -n "$extras" ] && target=".[$extras]"
say "installing cjmkit${extras:+ with $extras tools} into .venv"
log=$(mktemp)
if ! .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$target" >"$log" 2>&1; then
    grep -v "^WARNING: Location" "$log" >&2 || true
    rm -f "$log"
    die "installing cjmkit into .venv failed (pip's messages above; PyPI must be reachable)"
fi
rm -f "$log"

# require_tool COMMAND DEBIAN_PACKAGE: install the package with apt-get if the command is missing.
require_tool() {
    command -v "$1" >/dev/null 2>&1 && return 0
    apt_install "$2" && command -v "$1" >/dev/null 2>&1 && return 0
    die "'$1' is needed and could not be installed. On Debian: sudo apt-get install $2"
}
