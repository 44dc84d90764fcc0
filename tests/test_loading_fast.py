"""The one-pass event loader gives what the compose path gives, and never crashes on depth.

The compose path (``parse_yaml(text, fast=False)``) is the reference: every
value with its type, every source position and every problem must come out
the same through the fast path, for every YAML file the project holds, for the
mangled copies ``test_mutations`` feeds the CLI, and for a table of scalars
whose type depends on YAML 1.2's rules.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import pathlib
import random
import subprocess
import sys
from typing import Any

import pytest

from cjmkit.loading import events, yaml_source
from cjmkit.loading.yaml_source import YamlProblems, decode, parse_yaml
from conftest import ROOT, example_files
from test_mutations import MUTATIONS, mutate

#: Every folder that holds YAML the tool reads, the shared corpus of real maps included (read
#: in place, where test_convert reads it: $CJM_CORPUS, else /work/shared/corpus).
FOLDERS = [
    ROOT / "examples",
    ROOT / "tests" / "fixtures",
    ROOT / "tests" / "rules",
    ROOT / "src" / "cjmkit" / "scaffold" / "templates",
    pathlib.Path(os.environ.get("CJM_CORPUS", "/work/shared/corpus")) / "structured",
]
FOUND = [folder for folder in FOLDERS if folder.is_dir()]


def test_every_folder_is_there() -> None:
    """A missing folder (the corpus moved) would silently test less: it fails instead."""
    assert FOUND == FOLDERS


def _yaml_files() -> list[pathlib.Path]:
    return sorted(p for folder in FOUND for p in folder.rglob("*") if p.suffix in (".yaml", ".yml"))


def _text(path: pathlib.Path) -> str:
    raw = path.read_bytes()
    try:
        return decode(raw)
    except YamlProblems:
        # A file that is not UTF-8 still goes through both paths, as best it decodes.
        return raw.decode("utf-8", errors="replace")


def _typed(value: Any) -> Any:
    """``value`` with every leaf's type beside it: 1, 1.0 and True must not compare equal."""
    if isinstance(value, dict):
        return ("dict", [(key, _typed(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(item) for item in value])
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def _outcome(text: str, *, fast: bool) -> Any:
    try:
        document = parse_yaml(text, fast=fast)
    except YamlProblems as raised:
        return ("problems", raised.problems)
    if document is None:
        return None
    return ("document", _typed(document.data), document.source_map.values, document.source_map.keys)


def assert_same(text: str) -> None:
    fast, slow = _outcome(text, fast=True), _outcome(text, fast=False)
    assert fast == slow, text[:300]


def test_the_folders_with_yaml_are_found() -> None:
    assert FOUND, FOLDERS
    for folder in FOUND:
        assert any(p.suffix in (".yaml", ".yml") for p in folder.rglob("*")), folder


@pytest.mark.parametrize(
    "path",
    _yaml_files(),
    ids=lambda p: str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else f"corpus/{p.parent.name}/{p.name}",
)
def test_every_yaml_file_reads_the_same_through_both_paths(path: pathlib.Path) -> None:
    assert_same(_text(path))


@pytest.mark.parametrize("source", example_files(), ids=lambda p: p.name)
def test_mangled_examples_read_the_same_through_both_paths(source: pathlib.Path) -> None:
    # The same mutations, in the same order, as test_mutations feeds the CLI.
    rng = random.Random(source.name)
    text = source.read_text(encoding="utf-8")
    for _ in range(MUTATIONS):
        assert_same(mutate(text, rng))


NAN = float("nan")

SCALARS: list[tuple[str, Any]] = [
    ("yes", "yes"),
    ("on", "on"),
    ("No", "No"),
    ("True", True),
    ("FALSE", False),
    ("0o17", 15),
    ("0x1F", 31),
    ("0x_1F", 31),
    ("0b11", 3),
    ("1_000", 1000),
    ("+12_3", 123),
    ("+1", 1),
    ("-0", 0),
    ("012", 12),
    (".inf", math.inf),
    ("-.Inf", -math.inf),
    (".nan", NAN),
    ("1e3", 1000.0),
    ("-1e-3", -0.001),
    ("0.", 0.0),
    (".5", 0.5),
    ("1e", "1e"),
    ("1:20", "1:20"),
    ("~", None),
    ("null", None),
    ("NULL", None),
    ("", None),
    ("2026-05-26", datetime.date(2026, 5, 26)),
    ("2026-05-26 10:00:00", datetime.datetime(2026, 5, 26, 10, 0)),
    ("2026-05-26T10:00:00Z", datetime.datetime(2026, 5, 26, 10, 0, tzinfo=datetime.UTC)),
    ("'quoted'", "quoted"),
    ('"1"', "1"),
    ("'true'", "true"),
    ("'~'", "~"),
]


@pytest.mark.parametrize(("scalar", "expected"), SCALARS, ids=[s or "empty" for s, _ in SCALARS])
def test_scalars_resolve_as_yaml_1_2_says(scalar: str, expected: Any) -> None:
    text = f"v: {scalar}\n"
    assert_same(text)
    document = parse_yaml(text)
    assert document is not None
    assert _typed(document.data["v"]) == _typed(expected)


TRICKY = {
    "block scalars": "a: |\n  x\n  y\nb: >\n  x\n  y\n\nc: |-\n  z\nd: >+\n  q\n\ne: >-\n  one\n  two\n",
    "empty values": "a:\nb: \nc: ''\nd: \"\"\ne: []\nf: {}\n",
    "flow collections": "a: {x: 1, y: [1, 2, {z: ~}], w: {}}\nb: [a, 'b', \"c\"]\nc: [[1], [2, [3]]]\n",
    "crlf": "a: 1\r\nb:\r\n  - x\r\n  - y\r\nc: |\r\n  line\r\n",
    "bom stripped": decode(b"\xef\xbb\xbfcjm: 1\nid: x\n"),
    "tabs": "a:\tb\nc: 'tab\there'\nd: \"esc\\tape\"\n",
    "unicode": "ключ: значение\n名前: 名\nemoji: 😀 ok\nwide: ［x］\n",
    "block lists": "- a\n- b: 1\n  c: 2\n- - x\n  - y\n- []\n",
    "lists at key indent": "a:\n- x\n- y\nb:\n  - - 1\n    - 2\n",
    "multi-line plain": "a: one\n  two\n\n  three\n",
    "scalar root": "plain text\n",
    "list root": "- 1\n- two\n",
    "explicit document": "---\na: 1\n...\n",
    "comments only": "# nothing here\n",
    "empty document": "---\n",
    "empty text": "",
    "non-text keys": (
        "1: a\ntrue: b\nnull: c\n~: d\n2026-01-01: e\n? [a, b]\n: f\n? {a: 1}\n: g\n? - p\n  - q\n: h\n"
    ),
    "quoted number keys": "'1': a\n\"2\": b\n",
    "duplicate keys": "a: 1\nb: {c: 1, c: [1]}\na: 2\nb: 3\nd:\n  e: 1\n  e: {f: 1, f: 2}\n",
    "values that do not convert": "a: 2026-13-45\nb: +_\nc: ._\nd: 9999-12-31 23:59:59.9999999\n",
    "key after a bad value": "a: 2026-02-30\nb: 2026-02-28\n",
    "anchors and aliases": "a: &x {k: 1}\nb: *x\nc: [*x, *x]\n",
    "merge key": "base: &b {x: 1, y: 2}\nitem:\n  <<: *b\n  y: 3\n",
    "merge-like value": "a: <<\n",
    "value tag": "a: =\n",
    "tags": "a: !!str 1\nb: !!int '2'\nc: !foo x\nd: ! 1\n",
    "directive": "%YAML 1.1\n---\na: yes\nb: 010\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "syntax error": "a: [1,\nb: 2\n",
    "tab indentation": "a:\n\tb: 1\n",
    "deep but allowed": "- " * 64 + "x\n",
    "one level too deep": "- " * 65 + "x\n",
    "too deep in a duplicate": "a: 1\na:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(70)),
    "too deep in a key": "? " * 70 + "x\n",
    "too deep after an anchor": "a: &x 1\nb: " + "[" * 30 + "- " + "\n" + "- " * 70 + "\n",
    "too deep empty flow at the limit": "a: " + "[" * 64 + "]" * 64 + "\n",
}


@pytest.mark.parametrize("text", TRICKY.values(), ids=TRICKY.keys())
def test_tricky_texts_read_the_same_through_both_paths(text: str) -> None:
    assert_same(text)


def test_nan_is_compared_as_nan() -> None:
    document = parse_yaml("a: .nan\nb: [.NaN, .NAN]\n")
    assert document is not None
    assert all(math.isnan(v) for v in [document.data["a"], *document.data["b"]])


def test_the_fast_path_reads_an_example_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str) -> None:
        raise AssertionError("fell back to the compose path")

    monkeypatch.setattr(yaml_source, "_parse_composed", refuse)
    for path in example_files():
        assert parse_yaml(path.read_text(encoding="utf-8")) is not None, path


@pytest.mark.parametrize(
    "text",
    [
        TRICKY["anchors and aliases"],
        TRICKY["merge key"],
        TRICKY["merge-like value"],
        TRICKY["tags"],
        TRICKY["directive"],
        TRICKY["two documents"],
        TRICKY["syntax error"],
    ],
)
def test_what_the_fast_path_does_not_read_goes_to_the_compose_path(text: str) -> None:
    with pytest.raises(events.Fallback):
        events.load(text)


def test_the_value_limit_agrees(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_source, "MAX_VALUES", 50)
    monkeypatch.setattr(events, "MAX_VALUES", 50)
    for text in [
        "a: [" + ", ".join(["1"] * 60) + "]\n",
        "a: [" + ", ".join(["1"] * 60) + "]\nb: &x 1\n",
        "a: [" + ", ".join(["1"] * 60) + "]\nb: " + "- " * 70 + "\n",
        "a: [" + ", ".join(["1"] * 47) + "]\nb: 1\nb: 2\n",
        "a: [" + ", ".join(["1"] * 47) + "]\nb: 1\nb: [1, 2, 3]\n",
    ]:
        assert_same(text)
    with pytest.raises(YamlProblems) as raised:
        parse_yaml("a: [" + ", ".join(["1"] * 60) + "]\n")
    assert raised.value.problems[0].code.code == "V007"


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("- " * 65 + "x\n", 1, 131),
        ("? " * 70 + "x\n", 1, 131),
        ("".join("  " * i + f"k{i}:\n" for i in range(66)) + "  " * 66 + "v\n", 65, 129),
        ("a:\n" + "  - " * 65 + "[x]\n", 2, 259),
        ("a:\n" + "  - " * 63 + "[x]\n", 2, 254),
    ],
)
def test_both_paths_locate_the_node_that_nests_too_deep(text: str, line: int, column: int) -> None:
    for fast in (True, False):
        with pytest.raises(YamlProblems) as raised:
            parse_yaml(text, fast=fast)
        [problem] = raised.value.problems
        assert (problem.line, problem.column, problem.code.code) == (line, column, "V007")


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        # libyaml's composer recursed once per level on these and crashed the process.
        ("- " * 30000, 1, 131),
        ("? " * 40000, 1, 131),
        # Deep brackets: at the first one past the limit, as the event stream meets it.
        ("[" * 30000, 1, 66),
    ],
    ids=["dashes", "question-marks", "brackets"],
)
def test_deep_nesting_is_refused_not_crashed_on(
    text: str, line: int, column: int, tmp_path: pathlib.Path
) -> None:
    target = tmp_path / "deep.yaml"
    target.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "cjmkit", "validate", str(target), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    [error] = json.loads(result.stdout)["errors"]
    assert (error["code"], error["line"], error["column"]) == ("V007", line, column)
