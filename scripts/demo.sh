#!/usr/bin/env bash
# Install cjmkit into .venv and run it on the example maps: validate, lint, render.
source "$(dirname "$0")/bootstrap.sh"
set -x
.venv/bin/cjm validate examples
.venv/bin/cjm lint examples
.venv/bin/cjm render examples --out build/cjm
