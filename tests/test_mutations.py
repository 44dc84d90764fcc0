"""Bad input never crashes: mangled copies of the examples give located errors, never a traceback."""

from __future__ import annotations

import json
import pathlib
import random

import pytest
from typer.testing import CliRunner

from cjmkit.cli import app
from conftest import example_files

MUTATIONS = 30
GARBAGE = [
    "\t",
    ":",
    "- ",
    "[",
    "}",
    "&a ",
    "*a",
    "!!python/object ",
    "'",
    '"',
    "\x00",
    "\u202e",
    "#",
    "? ",
    "<<: ",
]


def mutate(text: str, rng: random.Random) -> str:
    lines = text.splitlines(keepends=True)
    at = rng.randrange(len(lines))
    kind = rng.randrange(6)
    if kind == 0:
        del lines[at]
    elif kind == 1:
        lines.insert(at, lines[rng.randrange(len(lines))])
    elif kind == 2:
        lines[at] = " " * rng.randrange(1, 5) + lines[at]
    elif kind == 3:
        cut = rng.randrange(len(lines[at]) + 1)
        lines[at] = lines[at][:cut] + rng.choice(GARBAGE) + lines[at][cut:]
    elif kind == 4:
        return "".join(lines[:at])
    else:
        lines[at] = lines[at].replace(":", "", 1)
    return "".join(lines)


@pytest.mark.parametrize("source", example_files(), ids=lambda p: p.name)
def test_mangled_examples_never_crash(source: pathlib.Path, tmp_path: pathlib.Path) -> None:
    rng = random.Random(source.name)
    text = source.read_text(encoding="utf-8")
    target = tmp_path / source.name
    runner = CliRunner()
    for _ in range(MUTATIONS):
        target.write_text(mutate(text, rng), encoding="utf-8", errors="surrogatepass")
        result = runner.invoke(app, ["validate", "--format", "json", str(target)])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert result.exit_code in (0, 1)
        report = json.loads(result.stdout)
        lines = target.read_text(encoding="utf-8").count("\n") + 1
        for error in report["errors"]:
            assert 1 <= error["line"] <= lines and error["column"] >= 1, error
            assert error["message"] and error["code"]
