"""Shared test helpers: the CLI run in-process, and the project's folders."""

from __future__ import annotations

import json
import pathlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from typer.testing import CliRunner

from cjmkit.cli import app

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SCHEMAS = ROOT / "schemas"
FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures"


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_cjm(*args: str) -> Result:
    """Run `cjm ARGS...` in-process; exceptions are not swallowed."""
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)


def example_files() -> list[pathlib.Path]:
    return sorted(p for p in EXAMPLES.rglob("*") if p.suffix in (".yaml", ".yml"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="Rewrite golden files from the current output."
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


#: The system Chromium the HTML tests drive (Playwright's Python package, `apt-get install chromium`).
CHROMIUM = pathlib.Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless system Chromium for the module; a missing browser fails, never skips."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(
            "the HTML tests need Playwright's Python package: run `.venv/bin/pip install playwright` "
            "(the system Chromium is used; do not run `playwright install`)",
            pytrace=False,
        )
    if not CHROMIUM.exists():
        pytest.fail(
            f"the HTML tests need Chromium at {CHROMIUM}: run `apt-get install chromium`", pytrace=False
        )
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield instance
        instance.close()
