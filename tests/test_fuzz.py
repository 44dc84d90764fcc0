"""Property-based fuzzing of the map reader, the reporters and `cjm fmt` (Hypothesis).

Three kinds of input, each run through the real CLI in-process:

- valid maps built from strategies (stages, touchpoints, KPIs, funnels, objections, text with
  control characters, quotes, ``#`` and ``:``), with comments, in random key order;
- the same maps made structurally invalid (wrong types, missing keys, unknown keys);
- the example files mutated byte by byte and token by token.

Properties: no input is an "internal error" (exit 2, a traceback), every reported position is
inside its file, nothing unsafe reaches the terminal, and `cjm fmt` is idempotent and keeps the
data and every comment.

CI runs a small, derandomized number of examples; ``CJM_FUZZ_EXAMPLES=2000 pytest
tests/test_fuzz.py`` runs many more, with fresh random inputs each time.
"""

from __future__ import annotations

import collections
import copy
import os
import pathlib
import tempfile
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, assume, example, given, settings
from hypothesis import strategies as st

from cjmkit.editing.fmt import Refused, comment_texts, format_text
from cjmkit.loading.yaml_source import YamlProblems, parse_yaml
from cjmkit.models import Journey
from conftest import EXAMPLES, Result, run_cjm

EXAMPLES_ENV = os.environ.get("CJM_FUZZ_EXAMPLES")


def fuzz_settings(ci_examples: int) -> settings:
    """``ci_examples`` derandomized in CI; ``CJM_FUZZ_EXAMPLES`` random ones when set."""
    return settings(
        max_examples=int(EXAMPLES_ENV) if EXAMPLES_ENV else ci_examples,
        derandomize=not EXAMPLES_ENV,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],  # no slow "explain"
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


# --- text and values --------------------------------------------------------------------------

#: Text YAML and terminals treat specially: escapes, bidi and zero-width controls, YAML syntax.
TRICKY = [
    "\x1b[2J", "\x1b]0;pwned\x07", "\x9b", "\x85", "\u202e", "\u2066", "\u200b", "\ufeff", "\u2028",
    "\x00", "\t", "\r", "\n", "\r\n", "#", " #", ": ", ":", "- ", "? ", "'", '"', "\\", "%", "@", "`",
    "&a", "*a", "!!str", "{", "}", "[", "]", ",", "|", ">", "---", "...", "yes", "null", "~", "1e3",
    "0x1F", ".inf", "2026-05-01", "👨\u200d👩\u200d👧", "Привет", "\U0001f600", " ",
]  # fmt: skip

words = st.one_of(
    st.text(min_size=1, max_size=12),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=6),
    st.sampled_from(TRICKY),
)
texts = st.lists(words, min_size=1, max_size=4).map("".join).filter(lambda t: t.strip() != "")
slug_parts = st.from_regex(r"[a-z0-9][a-z0-9-]{0,8}", fullmatch=True)
emotions = st.integers(min_value=-2, max_value=2)
#: Within the format's limit of 10^15 either side of 0 (V105 beyond, by design).
numbers = st.one_of(
    st.integers(min_value=-(10**15), max_value=10**15), st.floats(min_value=-1e15, max_value=1e15)
)


def optional(draw: st.DrawFn, target: dict[str, Any], key: str, strategy: st.SearchStrategy[Any]) -> None:
    if draw(st.booleans()):
        target[key] = draw(strategy)


@st.composite
def journeys(draw: st.DrawFn) -> dict[str, Any]:
    """A structurally valid standalone journey; ids are unique by construction."""
    prefix = draw(slug_parts)
    channels = [
        {"id": f"{prefix}-c{i}", "name": draw(texts)}
        for i in range(draw(st.integers(min_value=1, max_value=3)))
    ]
    for channel in channels:
        optional(draw, channel, "kind", st.sampled_from(["paid", "owned", "earned"]))
    journey: dict[str, Any] = {"cjm": 1, "id": prefix, "title": draw(texts)}
    optional(draw, journey, "description", texts)
    # An inline persona needs an id, although FORMAT.md says "no id needed inline" (reported).
    persona = st.fixed_dictionaries({"id": slug_parts, "name": texts}, optional={"pains": st.lists(texts)})
    optional(draw, journey, "persona", persona)
    optional(
        draw,
        journey,
        "economics",
        st.fixed_dictionaries(
            {"currency": st.sampled_from(["EUR", "USD", "RUB"]), "average_order_value": st.integers(1, 10**6)}
        ),
    )
    journey["channels"] = channels
    stages = []
    count = draw(st.integers(min_value=1, max_value=4))
    for s in range(count):
        stage: dict[str, Any] = {"id": f"{prefix}-s{s}", "name": draw(texts)}
        optional(
            draw, stage, "phase", st.sampled_from(["awareness", "consideration", "purchase", "retention"])
        )
        optional(draw, stage, "customer_goal", texts)
        optional(draw, stage, "emotion", emotions)
        optional(draw, stage, "thoughts", st.lists(texts, max_size=3))
        touchpoints = []
        for t in range(draw(st.integers(min_value=0, max_value=3))):
            touchpoint: dict[str, Any] = {
                "id": f"{prefix}-t{s}-{t}",
                "name": draw(texts),
                "channel": draw(st.sampled_from(channels))["id"],
            }
            optional(draw, touchpoint, "emotion", emotions)
            optional(draw, touchpoint, "content", texts)
            touchpoints.append(touchpoint)
        if touchpoints:
            stage["touchpoints"] = touchpoints
        if draw(st.booleans()):
            stage["objections"] = [
                {"id": f"{prefix}-o{s}-{i}", "text": draw(texts), "response": draw(texts)}
                for i in range(draw(st.integers(min_value=1, max_value=2)))
            ]
        if draw(st.booleans()):
            stage["barriers"] = [{"id": f"{prefix}-b{s}", "text": draw(texts)}]
        kpis = []
        for k in range(draw(st.integers(min_value=0, max_value=2))):
            # Any number under any unit: KPI values are not range-limited by unit (FORMAT.md).
            unit = draw(st.sampled_from([None, "ratio", "count", "currency"]))
            values = numbers
            kpi: dict[str, Any] = {"id": f"{prefix}-k{s}-{k}", "name": draw(texts), "target": draw(values)}
            optional(draw, kpi, "actual", values)
            if unit is not None:
                kpi["unit"] = unit
            optional(draw, kpi, "direction", st.sampled_from(["higher", "lower"]))
            kpis.append(kpi)
        if kpis:
            stage["kpis"] = kpis
        if draw(st.booleans()):
            entered = draw(st.integers(min_value=0, max_value=10**7))
            funnel: dict[str, Any] = {"entered": entered, "advanced": draw(st.integers(0, entered))}
            # No `target`: FORMAT.md documents funnel.target, the model rejects it (reported).
            stage["funnel"] = funnel
        stages.append(stage)
    journey["stages"] = stages
    return journey


def shuffled(draw: st.DrawFn, value: Any) -> Any:
    """The same value with the keys of every mapping in a random order (fmt's work to undo)."""
    if isinstance(value, dict):
        keys = draw(st.permutations(list(value)))
        return {key: shuffled(draw, value[key]) for key in keys}
    if isinstance(value, list):
        return [shuffled(draw, item) for item in value]
    return value


class _Dumper(yaml.SafeDumper):
    pass


def _reads_as_text(text: str) -> bool:
    """Whether cjmkit reads ``text`` unquoted as this text: it takes ``1e3``, ``0E0`` and ``0o17``
    as numbers (YAML 1.2), where PyYAML (YAML 1.1) writes them bare as strings."""
    try:
        parsed = parse_yaml(f"k: {text}\n")
    except YamlProblems:
        return True  # PyYAML quotes what does not parse as a plain scalar
    return parsed is None or parsed.data == {"k": text}


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    # Multi-line or unprintable text double-quoted: every line of the file is then one YAML line,
    # and a comment can be added at the end of any of them.
    plain = text.isprintable() and "\n" not in text and _reads_as_text(text)
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=None if plain else '"')


_Dumper.add_representer(str, _represent_text)


@st.composite
def map_texts(draw: st.DrawFn, journey: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
    """A journey as YAML text in random key order, with comments on their own lines and after values."""
    data = journey if journey is not None else draw(journeys())
    text = yaml.dump(
        shuffled(draw, data), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=float("inf")
    )
    comment = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=10)
    lines = text.splitlines()
    out = []
    for index, line in enumerate(lines):
        if draw(st.integers(0, 9)) == 0:
            indent = len(line) - len(line.lstrip(" "))
            out.append(" " * indent + "# " + draw(comment) + f" c{index}")
        if draw(st.integers(0, 9)) == 0:
            line += " # " + draw(comment) + f" e{index}"
        out.append(line)
    return "\n".join(out) + "\n", data


# --- checks -----------------------------------------------------------------------------------


def positions_inside(result: Result, path: pathlib.Path) -> None:
    """Every diagnostic of ``path`` in the JSON report is at a line and column of the file."""
    text = path.read_bytes().decode("utf-8", errors="replace").removeprefix("\ufeff")
    lines = text.split("\n")
    for error in result.json()["errors"]:
        if error["file"] != str(path):
            continue
        line, column = error["line"], error["column"]
        assert 1 <= line <= len(lines) + 1, error
        width = len(lines[line - 1].removesuffix("\r")) if line <= len(lines) else 0
        assert 1 <= column <= width + 1, (error, lines[line - 1] if line <= len(lines) else "")


def inert(result: Result) -> None:
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "internal error" not in output, output
    unsafe = [c for c in output if c != "\n" and unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp")]
    assert unsafe == [], output


def check_file(path: pathlib.Path) -> Result:
    """validate (json, text, github) and lint on one file: never exit 2, positions inside, inert output."""
    report = run_cjm("validate", "--format", "json", str(path))
    assert report.exit_code in (0, 1), report
    inert(report)
    positions_inside(report, path)
    for output_format in ("text", "github"):
        shown = run_cjm("validate", "--format", output_format, str(path))
        assert shown.exit_code == report.exit_code, shown
        inert(shown)
    if report.exit_code == 0:
        linted = run_cjm("lint", str(path))
        assert linted.exit_code in (0, 1), linted
        inert(linted)
    return report


def same_data(before: Any, after: Any) -> bool:
    """Equal values of equal types (``1``, ``1.0`` and ``true`` differ)."""
    if type(before) is not type(after):
        return False
    if isinstance(before, dict):
        return before.keys() == after.keys() and all(same_data(before[k], after[k]) for k in before)
    if isinstance(before, list):
        return len(before) == len(after) and all(same_data(a, b) for a, b in zip(before, after, strict=True))
    return bool(before == after)


def check_fmt(text: str, *, must_format: bool) -> None:
    """`cjm fmt`'s text: the same data, the same comments, and formatting it again changes nothing."""
    try:
        before = parse_yaml(text)  # `cjm fmt` formats only what reads without problems
        once = format_text(text, Journey)
    except (Refused, YamlProblems):
        if must_format:
            raise
        return
    after = parse_yaml(once)
    assert before is not None and after is not None
    assert same_data(before.data, after.data)
    assert collections.Counter(comment_texts(text)) == collections.Counter(comment_texts(once))
    assert format_text(once, Journey) == once


def in_file(name: str, content: bytes) -> Any:
    """A temporary folder holding one file (Hypothesis reruns a test body many times per fixture)."""

    class Folder:
        def __enter__(self) -> pathlib.Path:
            self.folder = tempfile.TemporaryDirectory(prefix="cjm-fuzz-")
            path = pathlib.Path(self.folder.name) / name
            path.write_bytes(content)
            return path

        def __exit__(self, *exc: object) -> None:
            self.folder.cleanup()

    return Folder()


# --- (a) valid maps ---------------------------------------------------------------------------


@fuzz_settings(25)
@given(map_texts())
def test_valid_maps_validate_and_format(generated: tuple[str, dict[str, Any]]) -> None:
    text, data = generated
    parsed = parse_yaml(text)
    assert parsed is not None and same_data(parsed.data, data)  # cjmkit reads what PyYAML wrote
    with in_file("journey.yaml", text.encode("utf-8")) as path:
        report = check_file(path)
        assert report.exit_code == 0, report.stdout
    check_fmt(text, must_format=True)


# --- (b) structurally invalid maps ------------------------------------------------------------

WRONG_VALUES = [None, 0, -1, 1.5, True, "", "text", [], ["x"], {}, {"x": 1}, "not-a-slug!", 10**30]


def all_mappings(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from all_mappings(item)
    elif isinstance(value, list):
        for item in value:
            yield from all_mappings(item)


@st.composite
def broken_journeys(draw: st.DrawFn) -> dict[str, Any]:
    """A valid journey with 1-3 structural faults: a wrong type, a missing or an unknown key."""
    journey = copy.deepcopy(draw(journeys()))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        mappings = list(all_mappings(journey))
        target = draw(st.sampled_from(mappings))
        fault = draw(st.sampled_from(["wrong", "missing", "unknown"]))
        if fault == "unknown" or not target:
            target[draw(st.sampled_from(["nmae", "idd", "stage", "kpi", "extra", "x:y", "#"]))] = draw(texts)
        elif fault == "missing":
            del target[draw(st.sampled_from(sorted(target)))]
        else:
            target[draw(st.sampled_from(sorted(target)))] = draw(st.sampled_from(WRONG_VALUES))
    return journey


@fuzz_settings(25)
@given(st.data())
def test_invalid_maps_are_reported_not_raised(data: st.DataObject) -> None:
    broken = data.draw(broken_journeys())
    text, _ = data.draw(map_texts(broken))
    with in_file("journey.yaml", text.encode("utf-8")) as path:
        check_file(path)
    check_fmt(text, must_format=False)


# --- (c) mutated example files ----------------------------------------------------------------

SEEDS = sorted(p for p in EXAMPLES.rglob("*.yaml") if p.name != "cjm.yaml")
TOKENS = [
    b":", b": ", b"- ", b"#", b" #", b"'", b'"', b"&a ", b"*a", b"!!str ", b"!x ", b"{", b"}", b"[", b"]",
    b",", b"|", b">", b"? ", b"---\n", b"...\n", b"\t", b"\r", b"\n", b"\x00", b"\x1b[2J", b"\xef\xbb\xbf",
    b"\xff", b"\xc3", b"%YAML 1.1\n", b"<<: *a\n", b"\\", b"  ", "\u202e".encode(),
]  # fmt: skip


@st.composite
def mutated_examples(draw: st.DrawFn) -> bytes:
    """An example map with 1-4 byte-level or token-level mutations."""
    content = bytearray(draw(st.sampled_from(SEEDS)).read_bytes())
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        lines = bytes(content).split(b"\n")
        kind = draw(st.sampled_from(["byte", "insert", "delete", "token", "line", "swap", "indent", "dup"]))
        at = draw(st.integers(0, max(len(content) - 1, 0)))
        if kind == "byte" and content:
            content[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            content[at:at] = draw(st.binary(min_size=1, max_size=4))
        elif kind == "delete":
            del content[at : at + draw(st.integers(1, 40))]
        elif kind == "token":
            content[at:at] = draw(st.sampled_from(TOKENS))
        else:
            index = draw(st.integers(0, len(lines) - 1))
            if kind == "line":
                del lines[index]
            elif kind == "swap":
                other = draw(st.integers(0, len(lines) - 1))
                lines[index], lines[other] = lines[other], lines[index]
            elif kind == "indent":
                lines[index] = b" " * draw(st.integers(0, 6)) + lines[index].lstrip(b" ")
            else:
                lines.insert(index, lines[index])
            content = bytearray(b"\n".join(lines))
    return bytes(content)


@fuzz_settings(30)
@given(mutated_examples())
@example(b"cjm: 1\nid: a\ntitle: T\nstages:\n  - id: s\n    name: S\n    name: S\n")
def test_mutated_examples_are_reported_not_raised(content: bytes) -> None:
    with in_file("journey.yaml", content) as path:
        check_file(path)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return
    assume("\r" not in text)  # fmt refuses lone CRs by design; CRLF is exercised by the examples
    check_fmt(text, must_format=False)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_examples_are_fuzz_seeds(path: pathlib.Path) -> None:
    """The unmutated seeds are valid: a mutation that breaks them is the mutation's doing."""
    assert run_cjm("validate", str(path)).exit_code == 0


def test_fmt_is_idempotent_with_a_comment_above_a_moved_id() -> None:
    """A comment above an ``id`` that fmt moves to its item's ``- `` line goes above the dash at the
    dash's column, so a second run changes nothing (the fuzzer's first find)."""
    text = "cjm: 1\nid: a\ntitle: T\nstages:\n- name: S\n  # c\n  id: s\n"
    check_fmt(text, must_format=True)
