"""`cjm --help` and `cjm validate` stay fast: no renderer, jinja2 or graphviz imported."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from conftest import EXAMPLES

#: ``cjmkit.renderers`` itself is only the registry of formats (names, summaries, what each
#: needs) that the `--to` help is made from; any renderer module under it is heavy.
HEAVY = ("jinja2", "graphviz", "cjmkit.renderers.", "markupsafe", "babel", "watchfiles", "cjmkit.serve")


def imported_modules(*args: str) -> set[str]:
    """Modules a real `python -m cjmkit ARGS` imports, read from -X importtime."""
    process = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "cjmkit", *args], capture_output=True, text=True
    )
    assert process.returncode in (0, 1), process.stderr[-2000:]
    modules = set()
    for line in process.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            modules.add(line.rsplit("|", 1)[1].strip())
    return modules


def test_heavy_modules_are_installed_so_this_test_can_fail() -> None:
    assert importlib.util.find_spec("jinja2") and importlib.util.find_spec("graphviz")


@pytest.mark.parametrize(
    "args", [("--help",), ("validate", str(EXAMPLES)), ("validate", "--format", "json", str(EXAMPLES))]
)
def test_light_commands_import_no_renderer(args: tuple[str, ...]) -> None:
    modules = imported_modules(*args)
    assert "cjmkit.cli" in modules  # the trace was read
    heavy = sorted(m for m in modules if m.startswith(HEAVY))
    assert heavy == []


def test_help_builds_no_format_models() -> None:
    """Building the pydantic models takes a third of a second; `cjm --help` needs none of them."""
    modules = imported_modules("--help")
    assert "cjmkit.cli" in modules
    assert "cjmkit.models" not in modules
