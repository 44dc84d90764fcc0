"""Untrusted map text and file names never reach the terminal raw; a closed pipe ends a run
quietly; the text report stays linear in the number of diagnostics."""

from __future__ import annotations

import json
import os
import pathlib
import resource
import subprocess
import sys
import unicodedata
from collections.abc import Callable

import pytest
from _pytest.mark.structures import ParameterSet

from cjmkit.terminal import UNSAFE_RANGES, json_safe, same_width, visible
from conftest import Result, run_cjm

#: An OSC that retitles the window (BEL-terminated), a clear-screen CSI and a right-to-left override.
HOSTILE = "\x1b]0;pwned\x07\x1b[2J\u202e"
HOSTILE_YAML = "\\e]0;pwned\\a\\e[2J\\u202e"  # the same, written as a YAML double-quoted escape
FILE_NAME = f"shop{HOSTILE}.yaml"
UNSAFE_CATEGORIES = ("Cc", "Cf", "Cs", "Zl", "Zp")

JOURNEY = f"""\
cjm: 1
id: shop
title: "Shop {HOSTILE_YAML} title"
persona:
  id: maya
  name: "Maya {HOSTILE_YAML}"
channels:
  - id: web
    name: Website
stages:
  - id: visit
    name: "Visit {HOSTILE_YAML} stage"
    touchpoints:
      - id: home
        name: "Home {HOSTILE_YAML} touchpoint"
        channel: web
    kpis:
      - id: bounce
        name: "Bounce {HOSTILE_YAML} KPI"
        target: 0.4
        unit: ratio
        direction: lower
    funnel:
      entered: 800
      advanced: 410
  - name: Raw \u202e bidi \u2066isolate\u2069 zero\u200bwidth
    id: checkout
"""
#: The same map made invalid, so validation messages quote map text too.
INVALID = JOURNEY.replace("        channel: web\n", f'        channel: "web{HOSTILE_YAML}"\n').replace(
    "cjm: 1\n", f'cjm: 1\n"{HOSTILE_YAML}": 1\n'
)


def raw_controls(text: str) -> list[str]:
    """The characters a terminal would act on or hide behind, other than line ends."""
    return [char for char in text if char != "\n" and unicodedata.category(char) in UNSAFE_CATEGORIES]


def assert_inert(result: Result, *, shown: bool = True) -> None:
    output = result.stdout + result.stderr
    assert raw_controls(output) == [], output
    assert "Traceback" not in output and "internal error" not in output, output
    if shown:  # the hostile text did reach the output, escaped
        assert "\\u001b" in output, output


@pytest.fixture
def maps(tmp_path: pathlib.Path) -> dict[str, pathlib.Path]:
    old, new, invalid = tmp_path / "old", tmp_path / "new", tmp_path / "invalid"
    for folder in (old, new, invalid):
        folder.mkdir()
    (old / FILE_NAME).write_text(JOURNEY.replace("target: 0.4", "target: 0.3"), encoding="utf-8")
    (new / FILE_NAME).write_text(JOURNEY, encoding="utf-8")
    (invalid / FILE_NAME).write_text(INVALID, encoding="utf-8")
    csv = tmp_path / f"metrics{HOSTILE}.csv"
    csv.write_text(
        "journey,stage,field,value\nshop,visit,kpi:bounce,0.5\nshop,visit,funnel.entered,900\n"
        f"shop{HOSTILE},visit,kpi:bounce,0.5\n",
        encoding="utf-8",
    )
    good_csv = tmp_path / "good.csv"
    good_csv.write_text("journey,stage,field,value\nshop,visit,kpi:bounce,0.5\n", encoding="utf-8")
    mermaid = tmp_path / f"flow{HOSTILE}.mmd"
    mermaid.write_text(
        f"journey\n  title Shop {HOSTILE}\n  section Visit {HOSTILE}\n"
        f"    Home {HOSTILE}: 3: Maya {HOSTILE}\n",
        encoding="utf-8",
    )
    return {
        "old": old / FILE_NAME,
        "new": new / FILE_NAME,
        "invalid": invalid / FILE_NAME,
        "csv": csv,
        "good_csv": good_csv,
        "mermaid": mermaid,
        "tmp": tmp_path,
    }


Command = Callable[[dict[str, pathlib.Path]], list[str]]


def case(name: str, command: Command, *, shown: bool = True) -> ParameterSet:
    """One command line over the hostile maps; ``shown``: its output quotes the hostile text."""
    return pytest.param(command, shown, id=name)


COMMANDS = [
    case("validate-text", lambda m: ["validate", str(m["invalid"])]),
    case("validate-github", lambda m: ["validate", "--format", "github", str(m["invalid"])]),
    case("validate-json", lambda m: ["validate", "--format", "json", str(m["invalid"])]),
    case("validate-sarif", lambda m: ["validate", "--format", "sarif", str(m["invalid"])]),
    case("lint-text", lambda m: ["lint", str(m["new"])]),
    case("lint-github", lambda m: ["lint", "--format", "github", str(m["new"])]),
    case("lint-json", lambda m: ["lint", "--format", "json", str(m["new"])]),
    case("diff-text", lambda m: ["diff", str(m["old"]), str(m["new"])]),
    case("diff-md", lambda m: ["diff", "--format", "md", str(m["old"]), str(m["new"])]),
    case("diff-json", lambda m: ["diff", "--format", "json", str(m["old"]), str(m["new"])]),
    case("diff-invalid", lambda m: ["diff", str(m["old"]), str(m["invalid"])]),
    case("metrics-changes", lambda m: ["metrics", "import", str(m["good_csv"]), str(m["new"]), "--dry-run"]),
    case("metrics-problems", lambda m: ["metrics", "import", str(m["csv"]), str(m["new"]), "--dry-run"]),
    case(
        "convert-warnings",
        lambda m: ["convert", str(m["mermaid"]), "-o", str(m["tmp"] / "a.yaml")],
        shown=False,
    ),
    case(
        "convert-invalid",
        lambda m: ["convert", str(m["invalid"]), "-o", str(m["tmp"] / "a.mmd")],
    ),
    case("fmt-diff", lambda m: ["fmt", "--diff", str(m["new"])]),
    case("schema", lambda m: ["schema", "--out", str(m["tmp"] / f"schemas{HOSTILE}")]),
    case("schema-check", lambda m: ["schema", "--check", "--out", str(m["tmp"] / f"stale{HOSTILE}")]),
    case(
        "render", lambda m: ["render", str(m["new"]), "--to", "md", "-o", str(m["tmp"] / "out")], shown=False
    ),
    case(
        "render-invalid",
        lambda m: ["render", str(m["invalid"]), "--to", "md", "-o", str(m["tmp"] / "out")],
    ),
]


@pytest.mark.parametrize(("command", "shown"), COMMANDS)
def test_hostile_map_text_never_reaches_the_terminal_raw(
    command: Command, shown: bool, maps: dict[str, pathlib.Path]
) -> None:
    result = run_cjm(*command(maps))
    assert result.exit_code in (0, 1), result
    assert_inert(result, shown=shown)


def test_library_errors_are_shown_escaped(tmp_path: pathlib.Path) -> None:
    """`cjm: error: ...` quotes file names: a folder with no maps in it is one."""
    folder = tmp_path / f"empty{HOSTILE}"
    folder.mkdir()
    result = run_cjm("validate", str(folder))
    assert result.exit_code == 2
    assert_inert(result)


# --- visible() and its relatives --------------------------------------------------------------


def test_the_unsafe_table_covers_the_unicode_categories() -> None:
    """Every Cc, Cf, Cs, Zl and Zp character of this Python's Unicode is in the table; the table's
    extra ones are unassigned here (they are format characters of a later Unicode)."""
    table = {point for low, high in UNSAFE_RANGES for point in range(low, high + 1)}
    for point in range(sys.maxunicode + 1):
        category = unicodedata.category(chr(point))
        if category in UNSAFE_CATEGORIES:
            assert point in table, hex(point)
        elif point in table:
            assert category == "Cn", hex(point)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain text, Привет, 👍", "plain text, Привет, 👍"),
        ("\x1b[2J", "\\u001b[2J"),
        ("\x9b2J", "\\u009b2J"),
        ("a\nb\rc\td", "a\\u000ab\\u000dc\\u0009d"),
        ("\u202eevil\u202c", "\\u202eevil\\u202c"),
        ("\u2066x\u2069", "\\u2066x\\u2069"),
        ("pay\u200bpal\ufeff", "pay\\u200bpal\\ufeff"),
        ("line\u2028sep", "line\\u2028sep"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("lone \ud800", "lone \\ud800"),
    ],
)
def test_visible(text: str, shown: str) -> None:
    assert visible(text) == shown
    assert raw_controls(visible(text)) == []


def test_same_width_keeps_the_caret_column() -> None:
    assert same_width("a\tb\x1bc\u202ed") == "a b\ufffdc\ufffdd"


def test_json_stays_the_same_data_with_no_raw_control() -> None:
    value = {"k\x1b": ["\x9b\u202e\U000e0041\ud800é\n\t", 1]}
    text = json_safe(json.dumps(value, ensure_ascii=False, indent=2))
    assert raw_controls(text) == []
    assert json.loads(text) == value
    assert "é" in text  # other text stays readable


def test_github_annotations_are_one_line_each(tmp_path: pathlib.Path) -> None:
    """Map text cannot end an annotation's line and start a workflow command of its own."""
    injected = "x\\n::error file=evil::owned\\r::add-mask::x\\u2028::stop-commands::t\\x85::warning::y %0A"
    path = tmp_path / "a%,::b.yaml"
    path.write_text(INVALID.replace('title: "Shop', f'title: "Shop {injected}'), encoding="utf-8")
    path.write_text(
        path.read_text("utf-8").replace("  - id: visit\n", f'  - id: visit\n    bad: "{injected}"\n')
    )
    result = run_cjm("validate", "--format", "github", str(path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == result.stdout.count("\n") >= 3
    for line in lines:
        command, properties, message = line.split("::", 2)[0], *line.split("::", 2)[1:]
        assert command == "" and properties.startswith("error file=")
        assert "a%25%2C%3A%3Ab.yaml,line=" in properties
        assert raw_controls(message) == [] and "\r" not in line
    assert "%0A" not in result.stdout.replace("%250A", "")  # a literal %0A is encoded as %250A


# --- a closed pipe ----------------------------------------------------------------------------


def cjm_into_head(*args: str) -> subprocess.CompletedProcess[str]:
    command = " ".join(f"'{arg}'" for arg in [sys.executable, "-m", "cjmkit", *args])
    return subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{command} | head -1"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONUNBUFFERED": ""},
    )


@pytest.fixture(scope="module")
def many_duplicates(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """One journey file with 20,000 duplicate keys: 20,000 diagnostics, megabytes of text report."""
    path = tmp_path_factory.mktemp("big") / "dup.yaml"
    lines = ["cjm: 1", "id: dup", "title: Dup", "stages:", "  - id: s", "    name: S"]
    path.write_text("\n".join(lines + ["    name: S"] * 20_000) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("output_format", ["text", "github", "json", "sarif"])
def test_a_closed_pipe_ends_validate_quietly(output_format: str, many_duplicates: pathlib.Path) -> None:
    """`cjm validate | head -1` exits 141 like git does, SIGPIPE's status, with nothing on stderr."""
    result = cjm_into_head("validate", "--format", output_format, str(many_duplicates))
    assert result.stderr == ""
    assert result.stdout.count("\n") == 1
    assert result.returncode == 141


@pytest.mark.parametrize("command", [["lint", "--format", "text"], ["diff"]])
def test_a_closed_pipe_ends_lint_and_diff_quietly(command: list[str], tmp_path: pathlib.Path) -> None:
    stages = "".join(f"  - id: s{i}\n    name: Stage {i}\n" for i in range(3000))
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(f"cjm: 1\nid: big\ntitle: Big\nstages:\n{stages}", encoding="utf-8")
    new.write_text(
        f"cjm: 1\nid: big\ntitle: Big\nstages:\n{stages.replace('Stage', 'Step')}", encoding="utf-8"
    )
    paths = [str(old), str(new)] if command == ["diff"] else [str(new)]
    result = cjm_into_head(*command, *paths)
    assert result.stderr == ""
    assert result.stdout.count("\n") == 1
    assert result.returncode == 141


# --- linear reports ---------------------------------------------------------------------------


@pytest.mark.parametrize("output_format", ["text", "github", "json", "sarif"])
def test_reports_of_many_diagnostics_take_seconds(output_format: str, many_duplicates: pathlib.Path) -> None:
    """20,000 diagnostics in one file: the text report was quadratic (22 s); a generous bound here,
    exact figures belong to scripts/benchmark.py. CPU time, not wall time: a busy CI machine
    stretches the second, not the first."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(
        [sys.executable, "-m", "cjmkit", "validate", "--format", output_format, str(many_duplicates)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    assert result.returncode == 1, result.stderr
    assert result.stdout.count("V002") >= 20_000
    assert cpu < 10, f"{output_format}: {cpu:.1f} s of CPU"


def test_a_colour_terminal_gets_the_same_text_as_a_pipe() -> None:
    """The text reporter writes plain lines when there is no colour, rich's rendering otherwise."""
    import io
    import re

    from rich.console import Console

    from cjmkit.diagnostics import Diagnostic
    from cjmkit.reporters.text import write_diagnostic
    from cjmkit.terminal import console

    diagnostic = Diagnostic(f"a{HOSTILE}.yaml", 2, 3, "V101", "unknown-key", f"unknown key '{HOSTILE}'")
    source = f"cjm: 1\nid{HOSTILE}: x\n"
    piped, coloured = io.StringIO(), io.StringIO()
    write_diagnostic(console(piped), diagnostic, source)
    terminal = Console(file=coloured, force_terminal=True, color_system="standard", soft_wrap=True)
    write_diagnostic(terminal, diagnostic, source)
    assert "\x1b[" in coloured.getvalue()
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured.getvalue()) == piped.getvalue()
    assert raw_controls(piped.getvalue()) == []
