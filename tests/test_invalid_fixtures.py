"""Negative fixtures: every broken map must be reported exactly where its header says.

Each case under ``tests/fixtures/invalid/`` is a single journey file or a folder
(a workspace ``cjm.yaml`` with journey files). The file that holds an error
carries header comments naming every diagnostic the tool must report::

    # expect: LINE:COL CODE PATH     (PATH "-" is the document root)
    # hint: LINE:COL KEY             (that unknown-key message says "did you mean" KEY)
    # schema: reject                 (a plain JSON Schema validator rejects it too)

Lines and columns are 1-based and count the header lines themselves. Adding a
case is adding a file: nothing here lists them.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import re
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from cjmkit.cli import app

FIXTURES = Path(__file__).parent / "fixtures" / "invalid"
SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
YAML_SUFFIXES = (".yaml", ".yml")

EXPECT_RE = re.compile(r"^#\s*expect:\s*(\d+):(\d+)\s+(V\d{3})\s+(\S+)\s*$")
HINT_RE = re.compile(r"^#\s*hint:\s*(\d+):(\d+)\s+(\S+)\s*$")
SCHEMA_REJECT_RE = re.compile(r"^#\s*schema:\s*reject\s*$")

#: V204 (unit-range) is retired: KPI values are not range-limited by unit.
ALL_CODES = frozenset(
    [f"V00{n}" for n in range(1, 8)] + [f"V10{n}" for n in range(1, 7)] + [f"V20{n}" for n in (1, 2, 3, 5)]
)
#: Hostile input (alias bombs, deep nesting) must be refused fast, not chewed on.
TOO_COMPLEX_BUDGET_SECONDS = 3.0
#: Hard stop so a tool that expands an alias bomb fails the test instead of hanging it.
HANG_DEADLINE_SECONDS = 30.0

# (file relative to the case, line, column, code, path)
Expectation = tuple[str, int, int, str, str]


@dataclass
class Case:
    name: str
    path: Path
    expected: set[Expectation] = field(default_factory=set)
    hints: dict[tuple[str, int, int], str] = field(default_factory=dict)
    schema_reject: list[Path] = field(default_factory=list)
    malformed_headers: list[str] = field(default_factory=list)

    @property
    def root(self) -> Path:
        """The folder file names are relative to: the case folder, or the file's folder."""
        return self.path if self.path.is_dir() else self.path.parent

    def files(self) -> list[Path]:
        if self.path.is_file():
            return [self.path]
        return sorted(p for p in self.path.rglob("*") if p.is_file() and p.suffix in YAML_SUFFIXES)

    def display_suffix(self, rel: str) -> str:
        """What the text report must end the file name with, whatever form the path takes."""
        return rel if self.path.is_file() else f"{self.path.name}/{rel}"


def _load_case(path: Path) -> Case:
    case = Case(name=path.stem if path.is_file() else path.name, path=path)
    for file in case.files():
        rel = file.relative_to(case.root).as_posix()
        text = file.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if match := EXPECT_RE.match(line):
                where, col, code, yaml_path = match.groups()
                case.expected.add((rel, int(where), int(col), code, "" if yaml_path == "-" else yaml_path))
            elif match := HINT_RE.match(line):
                case.hints[(rel, int(match[1]), int(match[2]))] = match[3]
            elif SCHEMA_REJECT_RE.match(line):
                case.schema_reject.append(file)
            elif re.match(r"^#\s*(expect|hint|schema)\b", line):
                case.malformed_headers.append(f"{rel}:{number}: {line}")
    return case


def _discover() -> list[Case]:
    if not FIXTURES.is_dir():
        return []
    entries = sorted(
        p for p in FIXTURES.iterdir() if p.is_dir() or (p.is_file() and p.suffix in YAML_SUFFIXES)
    )
    return [_load_case(p) for p in entries]


CASES = _discover()
SCHEMA_CASES = [(case, file) for case in CASES for file in case.schema_reject]


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise TimeoutError in the main thread after ``seconds`` (no-op where SIGALRM is missing)."""
    usable = hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def _expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"cjm validate still running after {seconds:.0f} s")

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _invoke(args: list[str]) -> tuple[Result, float]:
    started = time.perf_counter()
    with _deadline(HANG_DEADLINE_SECONDS):
        result = CliRunner().invoke(app, args)
    return result, time.perf_counter() - started


def _assert_no_crash(result: Result) -> None:
    # CliRunner turns an uncaught exception into exit code 1, the same code as
    # "findings", so a crash would otherwise pass for a correct rejection.
    exception = result.exception
    if exception is not None and not isinstance(exception, SystemExit):
        import traceback

        trace = "".join(traceback.format_exception(exception))
        pytest.fail(f"cjm validate crashed:\n{trace}")
    assert "Traceback" not in result.output, result.output


def _relative(case: Case, reported: str) -> str:
    path = Path(reported)
    if not path.is_absolute():
        path = Path.cwd() / path
    try:
        return path.resolve().relative_to(case.root.resolve()).as_posix()
    except ValueError:
        return reported


def _describe(items: set[Expectation]) -> str:
    return "\n".join(
        f"  {file}:{line}:{col} {code} {path or '-'}" for file, line, col, code, path in sorted(items)
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_json_report_lists_exactly_the_expected_errors(case: Case) -> None:
    result, elapsed = _invoke(["validate", "--format", "json", str(case.path)])

    _assert_no_crash(result)
    assert result.exit_code == 1, f"exit code {result.exit_code}\n{result.output}"
    report = json.loads(result.stdout)
    assert isinstance(report.get("files"), int), report
    errors: list[dict[str, Any]] = report["errors"]

    reported = [(_relative(case, e["file"]), e["line"], e["column"], e["code"], e["path"]) for e in errors]
    got = set(reported)
    missing, unexpected = case.expected - got, got - case.expected
    assert not missing and not unexpected, (
        f"\nexpected but not reported:\n{_describe(missing)}"
        f"\nreported but not expected:\n{_describe(unexpected)}"
    )
    repeated = [item for item, count in Counter(reported).items() if count > 1]
    assert not repeated, f"reported more than once:\n{_describe(set(repeated))}"

    for error in errors:
        message = error["message"]
        assert isinstance(message, str) and message.strip(), error
        assert "Traceback" not in message, error

    for (file, line, col), key in case.hints.items():
        messages = [
            e["message"]
            for e, (rel, *_) in zip(errors, reported, strict=True)
            if (rel, e["line"], e["column"], e["code"]) == (file, line, col, "V101")
        ]
        assert messages, f"no unknown-key error at {file}:{line}:{col}"
        assert any("did you mean" in m.lower() and key in m for m in messages), (
            f"{file}:{line}:{col}: expected a 'did you mean' hint naming {key!r}, got {messages}"
        )

    if any(code == "V007" for *_, code, _ in case.expected):
        assert elapsed < TOO_COMPLEX_BUDGET_SECONDS, (
            f"hostile input took {elapsed:.1f} s (budget {TOO_COMPLEX_BUDGET_SECONDS} s)"
        )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_text_report_names_each_error_as_file_line_column_code(case: Case) -> None:
    result, _ = _invoke(["validate", str(case.path)])

    _assert_no_crash(result)
    assert result.exit_code == 1, f"exit code {result.exit_code}\n{result.output}"
    lines = result.output.replace("\\", "/").splitlines()

    def mentioned(needle: str) -> bool:
        for line in lines:
            at = line.find(needle)
            # The needle must start a path component, not the middle of a longer name.
            if at == 0 or (at > 0 and line[at - 1] in "/ \t'\""):
                return True
        return False

    absent = [
        f"{case.display_suffix(file)}:{line}:{col}: {code} "
        for file, line, col, code, _ in sorted(case.expected)
        if not mentioned(f"{case.display_suffix(file)}:{line}:{col}: {code} ")
    ]
    assert not absent, "not in the text report:\n  " + "\n  ".join(absent) + "\n" + result.output


def test_fixtures_cover_every_validation_code() -> None:
    assert len(CASES) >= 25, f"only {len(CASES)} invalid cases in {FIXTURES}"
    malformed = [line for case in CASES for line in case.malformed_headers]
    assert not malformed, "header lines that do not parse:\n" + "\n".join(malformed)
    assert all(case.expected for case in CASES), [c.name for c in CASES if not c.expected]
    covered = {code for case in CASES for *_, code, _ in case.expected}
    assert covered >= ALL_CODES, f"codes without a fixture: {sorted(ALL_CODES - covered)}"


def _plain(value: Any) -> Any:
    """YAML data as JSON data: dates become ISO strings, as in a JSON document."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


@pytest.mark.parametrize(
    ("case", "file"),
    SCHEMA_CASES,
    ids=[file.relative_to(FIXTURES).as_posix() for _, file in SCHEMA_CASES],
)
def test_json_schema_rejects_it_too(case: Case, file: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from ruamel.yaml import YAML

    schema_file = SCHEMAS / ("workspace.schema.json" if file.name == "cjm.yaml" else "journey.schema.json")
    assert schema_file.is_file(), f"{schema_file} is missing (generate the JSON Schemas)"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)

    document = _plain(YAML(typ="safe").load(file.read_text(encoding="utf-8")))
    problems = list(jsonschema.Draft202012Validator(schema).iter_errors(document))
    assert problems, f"{file.relative_to(FIXTURES)} passes {schema_file.name}; the tool rejects it"
