"""`cjm fmt`: canonical key order and indentation, never losing a value or a comment."""

from __future__ import annotations

import collections
import datetime
import math
import pathlib
import shutil
from typing import Any

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode
from ruamel.yaml.tokens import CommentToken

from cjmkit.editing.fmt import canonical_order, format_text
from cjmkit.loading.document import load_document
from cjmkit.loading.validation import models_at
from cjmkit.loading.yaml_source import YamlProblems, decode, parse_yaml
from cjmkit.models import Journey, Workspace
from conftest import EXAMPLES, FIXTURES, ROOT, example_files, run_cjm

FMT = FIXTURES / "fmt"
UNORDERED = FMT / "unordered.yaml"


def parses(path: pathlib.Path) -> bool:
    try:
        return parse_yaml(decode(path.read_bytes())) is not None
    except YamlProblems:
        return False


FIXTURE_FILES = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".yaml", ".yml") and parses(p))
SAFETY_FILES = example_files() + FIXTURE_FILES


def label(path: pathlib.Path) -> str:
    return path.relative_to(ROOT).as_posix()


def comments(text: str) -> list[str]:
    """Comment texts as ruamel's round-trip scanner collects them (independent of the formatter)."""
    found: list[str] = []

    def collect(item: Any) -> None:
        if isinstance(item, list):
            for part in item:
                collect(part)
        elif isinstance(item, CommentToken):
            found.extend(line.strip() for line in item.value.splitlines() if line.strip().startswith("#"))

    for token in YAML().scan(text):
        collect(getattr(token, "_comment", None))
    return found


def same(before: Any, after: Any) -> bool:
    """Equal parsed values of equal types (a formatter must not turn 1 into 1.0 or "1")."""
    if type(before) is not type(after):
        return False
    if isinstance(before, dict):
        return before.keys() == after.keys() and all(same(before[k], after[k]) for k in before)
    if isinstance(before, list):
        return len(before) == len(after) and all(same(a, b) for a, b in zip(before, after, strict=True))
    if isinstance(before, float) and math.isnan(before):
        return math.isnan(after)
    return bool(before == after)


def copy_of(source: pathlib.Path, tmp_path: pathlib.Path) -> pathlib.Path:
    target = tmp_path / source.name  # the same name: `cjm.yaml` stays a workspace file
    shutil.copyfile(source, target)
    return target


def formatted(source: pathlib.Path, tmp_path: pathlib.Path) -> tuple[pathlib.Path, str]:
    target = copy_of(source, tmp_path)
    result = run_cjm("fmt", str(target))
    assert result.exit_code == 0, result.stdout + result.stderr
    return target, target.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("source", SAFETY_FILES, ids=label)
def test_formatting_keeps_values_and_comments_and_is_idempotent(
    source: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    before = decode(source.read_bytes())
    target, after = formatted(source, tmp_path)

    old, new = parse_yaml(before), parse_yaml(after)
    assert old is not None and new is not None
    assert same(old.data, new.data)
    original_model = load_document(source, "original").model
    if original_model is not None:
        assert load_document(target, "formatted").model == original_model
    missing = collections.Counter(comments(before)) - collections.Counter(comments(after))
    assert not missing, f"comments lost: {list(missing)}"

    again = run_cjm("fmt", "--check", str(target))
    assert again.exit_code == 0, again.stdout
    assert target.read_text(encoding="utf-8-sig") == after


def test_the_safety_net_covers_examples_and_fixtures() -> None:
    assert len(example_files()) >= 8
    assert UNORDERED in FIXTURE_FILES
    assert any("invalid" in p.parts for p in FIXTURE_FILES)


def test_examples_are_already_formatted() -> None:
    result = run_cjm("fmt", "--check", str(EXAMPLES))
    assert result.exit_code == 0, result.stdout
    assert "0 files would be reformatted" in result.stdout


def key_orders(
    node: Node, model: type[Any], path: tuple[str | int, ...] = ()
) -> list[tuple[list[str], list[str]]]:
    """(keys as written, keys in canonical order) for every mapping the models describe."""
    found: list[tuple[list[str], list[str]]] = []
    if isinstance(node, MappingNode):
        keys = [str(key.value) for key, _ in node.value]
        models = models_at(model, path)
        if models:
            rank = {name: i for i, name in enumerate(canonical_order(models[0]))}
            found.append((keys, sorted(keys, key=lambda k: (rank.get(k, len(rank)), keys.index(k)))))
        for key, value in node.value:
            found += key_orders(value, model, (*path, str(key.value)))
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            found += key_orders(item, model, (*path, index))
    return found


def test_keys_follow_the_model_field_order(tmp_path: pathlib.Path) -> None:
    _, after = formatted(UNORDERED, tmp_path)
    root = YAML(typ="safe", pure=True).compose(after)
    orders = key_orders(root, Journey)
    assert len(orders) >= 8
    for written, canonical in orders:
        assert written == canonical
    assert list(Journey.model_fields)[:3] == ["cjm", "id", "title"]
    assert [line.split(":")[0] for line in after.splitlines()[3:6]] == ["cjm", "id", "title"]


def test_comments_travel_with_their_keys(tmp_path: pathlib.Path) -> None:
    before = UNORDERED.read_text(encoding="utf-8")
    _, after = formatted(UNORDERED, tmp_path)
    lines = after.splitlines()
    assert lines[:3] == before.splitlines()[:3]  # the yaml-language-server line and the header stay first

    def line_after(fragment: str) -> str:
        index = next(i for i, line in enumerate(lines) if fragment in line)
        return lines[index + 1].strip()

    assert line_after("# measured by hand") == "actual: 0.07"
    assert line_after("# Stage one") == "- id: discovery"
    assert line_after("# Stage two") == "- id: order"
    assert 'title: "Bakery — weekend order"   # quoted on purpose' in lines
    assert "      advanced: 40   # paid" in lines
    assert lines.index("      entered: 120") < lines.index("      advanced: 40   # paid")


def test_flow_style_quotes_and_block_texts_are_kept(tmp_path: pathlib.Path) -> None:
    _, after = formatted(UNORDERED, tmp_path)
    lines = after.splitlines()
    assert "    actions: [Writes a DM, Pays by card link]" in lines
    # A one-line flow mapping stays one line; only its keys are ordered.
    assert "    motivations: {rational: [Close to home], emotional: [Smell of fresh bread]}" in lines
    assert "id: 'bakery'" in lines
    strategy = lines.index("    strategy: >-")
    assert lines[strategy + 1 : strategy + 3] == [
        "      Stories with fresh bread every Friday",
        "      evening, pinned highlights with prices.",
    ]
    content = lines.index("        content: |")
    assert lines[content + 1 : content + 3] == ["          Fresh rye at 8:00.", "            Order by DM."]


def indentation_problems(node: Node, text_lines: list[str], column: int = 0) -> list[str]:
    """Block mappings indented by 2 under their key, dashes 2 under their key, item keys 2 after the dash."""
    problems: list[str] = []
    if isinstance(node, MappingNode) and not node.flow_style:
        for key, value in node.value:
            if key.start_mark.column != column:
                problems.append(f"key {key.value!r} at column {key.start_mark.column}, expected {column}")
            if isinstance(value, MappingNode) and not value.flow_style:
                problems += indentation_problems(value, text_lines, column + 2)
            elif isinstance(value, SequenceNode) and not value.flow_style:
                for item in value.value:
                    line = text_lines[item.start_mark.line]
                    dash = len(line) - len(line.lstrip(" "))
                    if dash != column + 2 or line[dash : dash + 2] != "- ":
                        problems.append(
                            f"item of {key.value!r}: dash at column {dash}, expected {column + 2}"
                        )
                    if isinstance(item, MappingNode) and not item.flow_style:
                        problems += indentation_problems(item, text_lines, column + 4)
    return problems


@pytest.mark.parametrize("source", [UNORDERED, *example_files()], ids=label)
def test_indentation_is_canonical(source: pathlib.Path, tmp_path: pathlib.Path) -> None:
    _, after = formatted(source, tmp_path)
    root = YAML(typ="safe", pure=True).compose(after)
    assert indentation_problems(root, after.splitlines()) == []


def test_a_small_map_by_hand(tmp_path: pathlib.Path) -> None:
    target = tmp_path / "small.yaml"
    target.write_text(
        "stages:\n- name: S   # the only stage\n  id: s\ncjm: 1\n# the title\ntitle: T\nid: x\n",
        encoding="utf-8",
    )
    assert run_cjm("fmt", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8") == (
        "cjm: 1\nid: x\n# the title\ntitle: T\nstages:\n  - id: s\n    name: S   # the only stage\n"
    )


def test_unknown_keys_keep_their_order_after_the_known_ones(tmp_path: pathlib.Path) -> None:
    target = tmp_path / "unknown.yaml"
    target.write_text(
        "zeta: 1\ncjm: 1\nalpha: 2\ntitle: T\nid: x\nstages:\n  - {id: s, name: S}\n", encoding="utf-8"
    )
    assert run_cjm("fmt", str(target)).exit_code == 0
    keys = [line.split(":")[0] for line in target.read_text(encoding="utf-8").splitlines() if line[0] != " "]
    assert keys == ["cjm", "id", "title", "stages", "zeta", "alpha"]


def test_workspace_keys_follow_the_workspace_model(tmp_path: pathlib.Path) -> None:
    target = tmp_path / "cjm.yaml"
    target.write_text(
        "segments:\n  - name: Homeowners\n    id: homeowners\nlocale: en\ncjm: 1\n"
        "analysis:\n  thresholds: {min_stage_conversion: 0.3}\n  ignore: [stage-no-kpi]\n",
        encoding="utf-8",
    )
    assert run_cjm("fmt", str(target)).exit_code == 0
    root = YAML(typ="safe", pure=True).compose(target.read_text(encoding="utf-8"))
    for written, canonical in key_orders(root, Workspace):
        assert written == canonical


def test_line_endings_and_byte_order_mark_are_kept(tmp_path: pathlib.Path) -> None:
    target = tmp_path / "windows.yaml"
    target.write_bytes(b"\xef\xbb\xbftitle: T\r\ncjm: 1\r\nid: x\r\nstages:\r\n- name: S\r\n  id: s\r\n")
    assert run_cjm("fmt", str(target)).exit_code == 0
    assert target.read_bytes() == (
        b"\xef\xbb\xbfcjm: 1\r\nid: x\r\ntitle: T\r\nstages:\r\n  - id: s\r\n    name: S\r\n"
    )


def test_files_with_aliases_are_left_as_they_are(tmp_path: pathlib.Path) -> None:
    target = tmp_path / "aliases.yaml"
    text = "title: T\ncjm: 1\nid: x\nstages:\n- name: S\n  id: s\n  opportunities: &ideas [a]\n"
    text += "- name: U\n  id: u\n  opportunities: *ideas\n"
    target.write_text(text, encoding="utf-8")
    assert run_cjm("fmt", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8") == text


def test_dates_stay_dates(tmp_path: pathlib.Path) -> None:
    target = tmp_path / "dated.yaml"
    target.write_text(
        "updated: 2026-05-26\ncjm: 1\nid: x\ntitle: T\nstages: [{id: s, name: S}]\n", encoding="utf-8"
    )
    assert run_cjm("fmt", str(target)).exit_code == 0
    parsed = parse_yaml(target.read_text(encoding="utf-8"))
    assert parsed is not None and parsed.data["updated"] == datetime.date(2026, 5, 26)


# --- modes and exit codes ------------------------------------------------------------------------------


def test_check_lists_files_that_would_change_and_writes_nothing(tmp_path: pathlib.Path) -> None:
    target = copy_of(UNORDERED, tmp_path)
    before = target.read_bytes()
    result = run_cjm("fmt", "--check", str(target))
    assert result.exit_code == 1
    assert f"would reformat {target}" in result.stdout
    assert "1 file would be reformatted" in result.stdout
    assert target.read_bytes() == before


def test_diff_prints_a_unified_diff_and_writes_nothing(tmp_path: pathlib.Path) -> None:
    target = copy_of(UNORDERED, tmp_path)
    before = target.read_bytes()
    result = run_cjm("fmt", "--diff", str(target))
    assert result.exit_code == 1
    assert result.stdout.startswith(f"--- {target}\n+++ {target}\n@@ ")
    lines = result.stdout.splitlines()
    assert "--   name: Discovery" in lines and "+  - id: discovery" in lines
    assert target.read_bytes() == before


def test_diff_of_a_formatted_file_is_empty() -> None:
    result = run_cjm("fmt", "--diff", str(EXAMPLES / "front-doors"))
    assert result.exit_code == 0
    assert result.stdout == ""


def test_rewrite_reports_counts_and_second_run_changes_nothing(tmp_path: pathlib.Path) -> None:
    shutil.copytree(EXAMPLES / "front-doors", tmp_path / "maps")
    shutil.copyfile(UNORDERED, tmp_path / "maps" / "bakery.yaml")
    first = run_cjm("fmt", str(tmp_path / "maps"))
    assert first.exit_code == 0
    # The workspace, the current map and its future map are formatted already; only the bakery is not.
    assert "reformatted 1 file, 3 files left unchanged" in first.stdout
    assert f"reformatted {tmp_path / 'maps' / 'bakery.yaml'}" in first.stdout
    second = run_cjm("fmt", str(tmp_path / "maps"))
    assert second.exit_code == 0
    assert "reformatted 0 files, 4 files left unchanged" in second.stdout


def test_a_file_that_does_not_parse_is_reported_like_validate_and_never_rewritten(
    tmp_path: pathlib.Path,
) -> None:
    target = copy_of(FIXTURES / "invalid" / "01-yaml-tab-indent.yaml", tmp_path)
    before = target.read_bytes()
    error = run_cjm("validate", "--format", "json", str(target)).json()["errors"][0]
    result = run_cjm("fmt", str(target))
    assert result.exit_code == 1
    assert f"{target}:{error['line']}:{error['column']}: {error['code']}" in result.stdout
    assert "1 file not formatted" in result.stdout
    assert target.read_bytes() == before


def test_no_map_in_the_folder_is_a_usage_error(tmp_path: pathlib.Path) -> None:
    (tmp_path / "ci.yaml").write_text("on: push\n", encoding="utf-8")
    result = run_cjm("fmt", str(tmp_path))
    assert result.exit_code == 2
    assert "no cjmkit files" in result.stderr


def test_only_maps_skips_other_yaml_quietly(tmp_path: pathlib.Path) -> None:
    other = tmp_path / "ci.yaml"
    other.write_text("on: push\n", encoding="utf-8")
    result = run_cjm("fmt", "--only-maps", "--check", str(other))
    assert result.exit_code == 0
    assert other.read_text(encoding="utf-8") == "on: push\n"


HEAD = "cjm: 1\nid: a\ntitle: T\n"

# A key that moves to the `- ` line of its item takes the comments above it along: they end up
# above the dash, at the dash's column (where a second run puts comments above a dash too).
COMMENT_ABOVE_A_MOVED_KEY = {
    "dash at 0": (
        "stages:\n- name: S\n  # c\n  id: s\n",
        "stages:\n  # c\n  - id: s\n    name: S\n",
    ),
    "dash at 2": (
        "stages:\n  - name: S\n    # c\n    id: s\n",
        "stages:\n  # c\n  - id: s\n    name: S\n",
    ),
    "second item, comments and blank lines, one comment staying inside": (
        "stages:\n- id: s0\n  name: S0\n- name: S\n  # c\n    # d\n\n  id: s\n  # e\n  phase: p\n",
        "stages:\n  - id: s0\n    name: S0\n  # c\n  # d\n\n  - id: s\n    name: S\n    # e\n    phase: p\n",
    ),
    "blank lines above the comment": (
        "stages:\n- name: S\n\n  # c\n  id: s\n",
        "stages:\n  # c\n  - id: s\n    name: S\n",
    ),
    "comment at column 0": (
        "stages:\n- name: S\n# c\n  id: s\n",
        "stages:\n  # c\n  - id: s\n    name: S\n",
    ),
    "nested list, dashes at 0": (
        "stages:\n- id: s\n  name: S\n  touchpoints:\n  - name: tp\n    # c\n    id: t\n",
        "stages:\n  - id: s\n    name: S\n    touchpoints:\n      # c\n      - id: t\n        name: tp\n",
    ),
    "nested list, dashes at 2": (
        "stages:\n  - id: s\n    name: S\n    touchpoints:\n      - name: tp\n        # c\n        id: t\n",
        "stages:\n  - id: s\n    name: S\n    touchpoints:\n      # c\n      - id: t\n        name: tp\n",
    ),
    "moved at two levels": (
        "stages:\n- kpis:\n  - target: 1\n    # k\n    name: K\n    # kk\n    id: k\n  # i\n  id: s\n",
        "stages:\n  # i\n  - id: s\n    kpis:\n      # kk\n      - id: k\n        # k\n"
        "        name: K\n        target: 1\n",
    ),
    "more spaces after the dash": (
        "channels:\n-   name: W   # trailing\n    # c\n    id: w\n",
        "channels:\n  # c\n  - id: w\n    name: W   # trailing\n",
    ),
}


@pytest.mark.parametrize(
    ("text", "expected"), COMMENT_ABOVE_A_MOVED_KEY.values(), ids=COMMENT_ABOVE_A_MOVED_KEY.keys()
)
def test_comments_above_a_key_moved_to_the_dash_line_are_formatted_once(text: str, expected: str) -> None:
    text, expected = HEAD + text, HEAD + expected
    once = format_text(text, Journey)
    assert once == expected
    assert format_text(once, Journey) == once
    before, after = parse_yaml(text), parse_yaml(once)
    assert before is not None and after is not None
    assert same(before.data, after.data)
    assert collections.Counter(comments(text)) == collections.Counter(comments(once))
