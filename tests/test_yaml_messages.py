"""The two YAML mistakes made most often are reported in the tool's words, not the parser's.

A tab in the indentation, and an unquoted text holding ': ' (which YAML reads as a key
and its value, or refuses), are reported the same through the CLI, the fast loader and
the compose path (the reference), for short texts (the pure parser's marks) and long
ones (libyaml's).
"""

from __future__ import annotations

import pathlib
import time

import pytest

from cjmkit.loading.validation import validate_model
from cjmkit.loading.yaml_source import (
    COLON_IN_TEXT,
    PURE_ERROR_LIMIT,
    TAB_ELSEWHERE,
    TAB_INDENT,
    YamlProblems,
    parse_yaml,
)
from cjmkit.models.journey import Journey
from conftest import run_cjm

HEAD = "cjm: 1\nid: a\ntitle: T\nstages:\n"
STAGE = "  - id: s\n    name: S\n"

#: A comment long enough to make a text longer than PURE_ERROR_LIMIT, where libyaml's
#: error and mark are reported instead of the pure parser's.
PADDING = "".join(f"# padding line {number:05d} {'x' * 60}\n" for number in range(1100))
assert len(PADDING) > PURE_ERROR_LIMIT


S = HEAD + STAGE  # a stage with its required keys, for a line to follow
LONG = PADDING + S
TAB, COLON = TAB_INDENT, COLON_IN_TEXT

# (id, text, code, line, column, message)
CASES = [
    ("tab-before-list-item", HEAD + "\t- id: s\n", "V001", 5, 1, TAB),
    ("tab-before-key", HEAD + "  - id: s\n\tname: S\n", "V001", 6, 1, TAB),
    ("tab-after-dash", HEAD + "  -\tid: s\n    name: S\n", "V001", 5, 4, TAB),
    ("tab-after-dash-and-space", HEAD + "  - \tid: s\n    name: S\n", "V001", 5, 5, TAB),
    ("tab-before-nested-key", S + "    \tphase: x\n", "V001", 7, 5, TAB),
    ("tab-indents-nested-mapping", S + "    economics:\n\t\tcost: 1\n", "V001", 8, 1, TAB),
    ("tab-in-block-text", S + "    customer_goal: |\n\tFind a door\n", "V001", 8, 1, TAB),
    ("tab-in-list-item", S + "    thoughts:\n      -\tNote\n", "V001", 8, 8, TAB),
    ("colon-in-goal", S + "    customer_goal: Find: a door\n", "V001", 7, 24, COLON),
    ("colon-in-name", HEAD + "  - id: s\n    name: Note: x\n", "V001", 6, 15, COLON),
    ("colon-at-end", S + "    customer_goal: Find:\n", "V001", 7, 24, COLON),
    ("colon-in-title", "cjm: 1\nid: a\ntitle: Doors: a map\nstages:\n" + STAGE, "V001", 3, 13, COLON),
    ("colon-in-list-item", S + "    thoughts:\n      - Note: this is it\n", "V103", 8, 9, COLON),
    ("two-colons-in-list-item", S + "    thoughts:\n      - Note: this: is it\n", "V001", 8, 19, COLON),
    ("colon-in-flow-list", S + "    actions: [Do: it, fine]\n", "V103", 7, 15, COLON),
    ("two-colons-in-flow-list", S + "    actions: [fine, Do: it: now]\n", "V001", 7, 27, COLON),
    ("long-tab", PADDING + HEAD + "  - id: s\n\tname: S\n", "V001", 1106, 1, TAB),
    ("long-tab-before-item", PADDING + HEAD + "\t- id: s\n", "V001", 1105, 1, TAB),
    ("long-colon", LONG + "    customer_goal: Find: a door\n", "V001", 1107, 24, COLON),
    ("long-colon-in-flow-list", LONG + "    actions: [Do: it: now]\n", "V001", 1107, 21, COLON),
    ("long-colon-in-list-item", LONG + "    thoughts:\n      - Note: this is it\n", "V103", 1108, 9, COLON),
]
IDS = [case[0] for case in CASES]


def _problems(text: str, *, fast: bool) -> list[tuple[str, int, int, str]]:
    """What reading and validating ``text`` as a journey reports, in order."""
    try:
        document = parse_yaml(text, fast=fast)
    except YamlProblems as raised:
        found = raised.problems
    else:
        assert document is not None
        _, found = validate_model(Journey, document.data, document.source_map)
    return [(problem.code.code, problem.line, problem.column, problem.message) for problem in found]


@pytest.mark.parametrize(("name", "text", "code", "line", "column", "message"), CASES, ids=IDS)
@pytest.mark.parametrize("fast", [True, False], ids=["fast", "compose"])
def test_both_loader_paths_word_it_the_same(
    name: str, text: str, code: str, line: int, column: int, message: str, fast: bool
) -> None:
    assert _problems(text, fast=fast) == [(code, line, column, message)]


@pytest.mark.parametrize(("name", "text", "code", "line", "column", "message"), CASES, ids=IDS)
def test_the_cli_reports_it(
    name: str, text: str, code: str, line: int, column: int, message: str, tmp_path: pathlib.Path
) -> None:
    target = tmp_path / "map.yaml"
    target.write_text(text, encoding="utf-8")
    result = run_cjm("validate", str(target), "--format", "json")
    assert result.exit_code == 1, result.stdout + result.stderr
    errors = result.json()["errors"]
    assert [(e["code"], e["line"], e["column"], e["message"]) for e in errors] == [
        (code, line, column, message)
    ]
    text_result = run_cjm("validate", str(target))
    assert f"map.yaml:{line}:{column}: {code} {message}" in text_result.stdout


@pytest.mark.parametrize(
    "text",
    [
        S + '    customer_goal: "Find: a door"\n',
        S + "    customer_goal: 'Find: a door'\n",
        S + '    thoughts:\n      - "Note: this is it"\n',
        S + '    actions: ["Do: it", fine]\n',
        S + "    customer_goal: Find:a door, see http://example.com\n",
        LONG + '    customer_goal: "Find: a door"\n',
    ],
    ids=["double-quoted", "single-quoted", "quoted-list-item", "quoted-in-flow-list", "no-space", "long"],
)
def test_a_quoted_colon_is_valid(text: str, tmp_path: pathlib.Path) -> None:
    for fast in (True, False):
        assert _problems(text, fast=fast) == []
    target = tmp_path / "map.yaml"
    target.write_text(text, encoding="utf-8")
    result = run_cjm("validate", str(target))
    assert result.exit_code == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        # A key indented deeper than its siblings: no text holds the ':'.
        (HEAD + "  - id: s\n    name: S\n      phase: x\n", 7, 12, "mapping values are not allowed here"),
        # A quoted text followed by more: the quotes are there already.
        (HEAD + '  - id: s\n    name: "S": x\n', 6, 14, "mapping values are not allowed here"),
    ],
    ids=["indented-key", "after-quotes"],
)
def test_other_syntax_errors_keep_the_parsers_words(text: str, line: int, column: int, message: str) -> None:
    for fast in (True, False):
        assert _problems(text, fast=fast) == [("V001", line, column, message)]


def test_a_tab_outside_the_indentation_is_called_that() -> None:
    # libyaml takes the trailing tab and stops at the unclosed list; the pure parser, whose
    # words are reported, stops at the tab.
    text = HEAD + "  - id: s\t\n    actions: [a\n"
    for fast in (True, False):
        assert _problems(text, fast=fast) == [("V001", 5, 10, TAB_ELSEWHERE)]


def test_a_long_flow_line_is_worded_in_linear_time() -> None:
    text = HEAD + "  - id: s\n    actions: [" + "a," * 400_000 + "Do: it: now]\n"
    started = time.perf_counter()
    [(code, line, _, message)] = _problems(text, fast=True)
    assert (code, line, message) == ("V001", 6, COLON)
    assert time.perf_counter() - started < 10


def test_a_mapping_where_text_is_expected_is_still_called_one() -> None:
    text = S + "    thoughts:\n      - note: x\n        more: y\n"
    [(code, line, column, message)] = _problems(text, fast=True)
    assert (code, line, column) == ("V103", 8, 9)
    assert message == "expected text, got a mapping"
