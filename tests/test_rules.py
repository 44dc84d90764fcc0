"""Every analysis rule has a map that triggers it and a near-identical map that does not.

Cases live in ``tests/rules/<slug>/``: ``trigger.yaml`` and ``clean.yaml``, or the folders
``trigger/`` and ``clean/`` (a workspace ``cjm.yaml`` and its journeys) for rules that need
a workspace. A trigger states the findings it expects as header comments in the file where
each finding appears::

    # expect: LINE:COL CODE PATH

Lines and columns are 1-based and count the header lines. A clean case expects no finding
of its rule. Only findings of the rule under test are compared; others may fire too.
"""

from __future__ import annotations

import json
import pathlib
import re
from typing import Any

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from cjmkit.analysis.rules import RULES, Rule
from cjmkit.cli import app
from cjmkit.diagnostics import Severity

CASES = pathlib.Path(__file__).resolve().parent / "rules"
VARIANTS = ("trigger", "clean")
YAML_SUFFIXES = (".yaml", ".yml")
EXPECT = re.compile(r"#\s*expect:\s*(\d+):(\d+)\s+(\S+)\s+(\S+)\s*")
PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
BY_SLUG = {rule.slug: rule for rule in RULES.values()}

# (file relative to the case, line, column, code, path)
Key = tuple[str, int, int, str, str]


def case_slugs() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def case_path(slug: str, variant: str) -> pathlib.Path | None:
    """``<variant>.yaml`` (a standalone journey) or the folder ``<variant>/`` (a workspace)."""
    folder = CASES / slug
    candidates = [folder / f"{variant}{suffix}" for suffix in YAML_SUFFIXES] + [folder / variant]
    return next((c for c in candidates if c.exists()), None)


def case_root(case: pathlib.Path) -> pathlib.Path:
    return case if case.is_dir() else case.parent


def case_files(case: pathlib.Path) -> list[pathlib.Path]:
    if case.is_file():
        return [case]
    return sorted(p for p in case.rglob("*") if p.is_file() and p.suffix in YAML_SUFFIXES)


def relative(case: pathlib.Path, file: str) -> str:
    return pathlib.Path(file).resolve().relative_to(case_root(case)).as_posix()


def header(path: pathlib.Path) -> list[str]:
    """The comment lines at the top of a file."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        if not line.lstrip().startswith("#"):
            break
        lines.append(line.strip())
    return lines


def expectations(case: pathlib.Path) -> set[Key]:
    expected: set[Key] = set()
    for path in case_files(case):
        name = path.relative_to(case_root(case)).as_posix()
        for line in header(path):
            match = EXPECT.fullmatch(line)
            if match:
                row, column, code, where = match.groups()
                expected.add((name, int(row), int(column), code, where))
            else:
                assert not line.lstrip("# ").startswith("expect"), f"malformed expectation in {path}: {line}"
    return expected


def key(case: pathlib.Path, finding: dict[str, Any]) -> Key:
    return (
        relative(case, finding["file"]),
        finding["line"],
        finding["column"],
        finding["code"],
        finding["path"],
    )


def lint(path: pathlib.Path, *options: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(
        app, ["lint", "--format", "json", *options, str(path)], catch_exceptions=False
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def rule_of(slug: str) -> Rule:
    assert slug in BY_SLUG, f"tests/rules/{slug}/ names no registered rule"
    return BY_SLUG[slug]


def existing_case(slug: str, variant: str) -> pathlib.Path:
    case = case_path(slug, variant)
    assert case is not None, f"tests/rules/{slug}/ has no {variant}.yaml or {variant}/"
    return case


def load(path: pathlib.Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def parse_path(path: str) -> list[str | int]:
    return [name if name else int(index) for name, index in PATH_PART.findall(path)]


def check_context(case: pathlib.Path, finding: dict[str, Any]) -> None:
    """`journey`, `stage` and `subject` name the journey, the stage and the element reported."""
    data = load(case_root(case) / relative(case, finding["file"]))
    parts = parse_path(finding["path"])
    # A journey-level finding (at `state`, `baseline`) is about the journey itself.
    subject, node = (data.get("id") if "stages" in data else None), data
    for part in parts:
        node = node[part]
        if isinstance(node, dict) and "id" in node:
            subject = node["id"]
    assert finding["subject"], finding
    assert finding["subject"] == subject, finding
    is_journey = "stages" in data
    if parts[:1] == ["stages"]:
        assert finding["journey"] == data["id"], finding
        assert finding["stage"] == data["stages"][parts[1]]["id"], finding
    else:
        assert finding["stage"] is None, finding
        # A finding in a journey file names its journey; one in the workspace file names none.
        assert finding["journey"] == (data["id"] if is_journey else None), finding


CASE_PARAMS = [
    pytest.param(slug, variant, id=f"{slug}/{variant}") for slug in case_slugs() for variant in VARIANTS
]


@pytest.mark.parametrize(("slug", "variant"), CASE_PARAMS)
def test_rule_case(slug: str, variant: str) -> None:
    rule = rule_of(slug)
    case = existing_case(slug, variant)
    exit_code, report = lint(case, "--select", slug)
    findings = [f for f in report["findings"] if f["slug"] == slug]
    invalid = [f for f in report["findings"] if f["code"].startswith("V") and f["severity"] == "error"]
    assert invalid == [], "the case map must be valid"
    expected = expectations(case)

    if variant == "clean":
        assert expected == set(), "a clean case expects no finding"
        assert findings == []
        assert exit_code == 0
        return

    assert expected, "a trigger case expects at least one finding"
    assert {c for _, _, _, c, _ in expected} == {rule.code}, "expectations name the rule under test"
    assert sorted(key(case, f) for f in findings) == sorted(expected)
    assert len(findings) == len(expected), "a finding is reported twice"
    for finding in findings:
        assert finding["message"].strip(), finding
        assert finding["code"] == rule.code, finding
        assert finding["name"] == slug, finding
        assert finding["severity"] == rule.severity.value, finding
        check_context(case, finding)


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_has_both_cases(code: str) -> None:
    for variant in VARIANTS:
        existing_case(RULES[code].slug, variant)


def test_every_case_folder_names_a_rule() -> None:
    assert set(case_slugs()) - set(BY_SLUG) == set()


@pytest.mark.parametrize("slug", case_slugs())
def test_exit_code_follows_the_default_severity(slug: str) -> None:
    rule = rule_of(slug)
    case = existing_case(slug, "trigger")
    code, _ = lint(case, "--select", slug)
    assert code == (1 if rule.severity is Severity.ERROR else 0)
    code, _ = lint(case, "--select", slug, "--fail-on", "info")
    assert code == 1
