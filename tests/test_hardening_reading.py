"""Hostile and broken files on disk: each test performs the real attack or fault.

FIFOs, devices behind symlinks, unreadable files and folders, huge and deep texts,
absurd numbers, maps discovery used to miss, characters that shift positions, and
metrics CSVs that used to be read wrong in silence.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

import pytest

from cjmkit.codes import MAX_FILE_BYTES
from cjmkit.editing.metrics.reading import read_metrics
from cjmkit.loading.bounded import FileTooLarge, NotRegularFile, read_bounded
from cjmkit.loading.yaml_source import YamlProblems, parse_yaml
from conftest import run_cjm

CJM = pathlib.Path(sys.executable).with_name("cjm")
NOBODY = 65534

JOURNEY = (
    "cjm: 1\n"
    "id: shop\n"
    "title: Shop\n"
    "stages:\n"
    "  - id: visit\n"
    "    name: Visit\n"
    "    phase: awareness\n"
    "    funnel: {entered: 100, advanced: 40}\n"
)


def cjm(*args: str, cwd: pathlib.Path, as_nobody: bool = False, timeout: float = 30) -> dict[str, object]:
    """`cjm ARGS --format json` as a new process (a hang fails on the timeout, not forever)."""
    command = [str(CJM), *args, "--format", "json"]
    if as_nobody:
        # Root reads any file whatever its mode: the command runs as nobody, so that the
        # test means the same as root in CI and as a developer.
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
    report: dict[str, object] = json.loads(done.stdout) if done.stdout.strip() else {}
    report["exit"] = done.returncode
    report["stderr"] = done.stderr
    return report


def errors(report: dict[str, object]) -> list[tuple[str, int, int, str]]:
    found = report.get("errors", [])
    assert isinstance(found, list)
    return [(e["file"], e["line"], e["column"], e["code"]) for e in found]


def messages(report: dict[str, object]) -> str:
    found = report.get("errors", [])
    assert isinstance(found, list)
    return "\n".join(e["message"] for e in found)


@pytest.fixture
def folder() -> Iterator[pathlib.Path]:
    """A folder holding one valid journey, that anyone may enter (pytest's tmp_path is
    under a folder only its owner may enter, so nobody could not read it)."""
    made = pathlib.Path(tempfile.mkdtemp(prefix="cjm-hardening-"))
    made.chmod(0o755)
    (made / "shop.yaml").write_text(JOURNEY, encoding="utf-8")
    yield made
    for path in [made, *made.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    shutil.rmtree(made)


# --- 1. non-regular files never block or crash ---------------------------------------------------


def test_fifo_in_a_folder_is_reported_without_being_opened(folder: pathlib.Path) -> None:
    os.mkfifo(folder / "pipe.yaml")  # no writer ever: opening it for reading would block
    report = cjm("validate", ".", cwd=folder, timeout=20)
    assert report["exit"] == 1
    assert errors(report) == [("pipe.yaml", 1, 1, "V008")]
    assert "FIFO" in messages(report)


def test_fifo_named_on_the_command_line_is_an_error_not_a_hang(folder: pathlib.Path) -> None:
    os.mkfifo(folder / "pipe.yaml")
    report = cjm("validate", "pipe.yaml", "shop.yaml", cwd=folder, timeout=20)
    assert report["exit"] == 1
    assert errors(report) == [("pipe.yaml", 1, 1, "V008")]
    # With --only-maps (pre-commit), the FIFO is not sniffed either.
    report = cjm("validate", "--only-maps", "pipe.yaml", cwd=folder, timeout=20)
    assert report["exit"] == 1
    assert errors(report) == [("pipe.yaml", 1, 1, "V008")]


def test_fifo_workspace_file_is_reported(folder: pathlib.Path) -> None:
    os.mkfifo(folder / "cjm.yaml")
    report = cjm("validate", "shop.yaml", cwd=folder, timeout=20)
    assert report["exit"] == 1
    assert errors(report) == [("cjm.yaml", 1, 1, "V008")]


def test_device_behind_a_symlink_is_refused_unread(folder: pathlib.Path) -> None:
    (folder / "zero.yaml").symlink_to("/dev/zero")
    (folder / "cjm.yaml").symlink_to("/dev/urandom")
    report = cjm("validate", ".", cwd=folder, timeout=20)
    assert report["exit"] == 1
    assert errors(report) == [("cjm.yaml", 1, 1, "V008"), ("zero.yaml", 1, 1, "V008")]
    assert "device" in messages(report)


def test_dangling_symlink_is_reported(folder: pathlib.Path) -> None:
    (folder / "gone.yaml").symlink_to(folder / "nowhere.yaml")
    report = cjm("validate", ".", cwd=folder)
    assert report["exit"] == 1
    assert errors(report) == [("gone.yaml", 1, 1, "V008")]


def test_unreadable_file_and_folder_are_reported_not_skipped(folder: pathlib.Path) -> None:
    secret = folder / "secret.yaml"
    secret.write_text(JOURNEY.replace("shop", "secret"), encoding="utf-8")
    secret.chmod(0o000)
    locked = folder / "locked"
    locked.mkdir()
    (locked / "inside.yaml").write_text(JOURNEY.replace("shop", "inside"), encoding="utf-8")
    locked.chmod(0o000)
    try:
        report = cjm("validate", ".", cwd=folder, as_nobody=True)
        assert report["exit"] == 1, report
        assert errors(report) == [("locked", 1, 1, "V008"), ("secret.yaml", 1, 1, "V008")]
        assert "Permission denied" in messages(report)
        # Named on the command line, an unreadable path is a usage error, as a missing one.
        report = cjm("validate", "secret.yaml", cwd=folder, as_nobody=True)
        assert report["exit"] == 2
        assert "'secret.yaml' is not readable" in str(report["stderr"])
        # A clean folder stays exit 0 for the same user.
        report = cjm("validate", "shop.yaml", cwd=folder, as_nobody=True)
        assert report["exit"] == 0, report
    finally:
        locked.chmod(0o755)


def test_folder_holding_only_an_unreadable_folder_is_an_error(folder: pathlib.Path) -> None:
    (folder / "shop.yaml").unlink()
    locked = folder / "maps" / "locked"
    locked.mkdir(parents=True)
    (locked / "inside.yaml").write_text(JOURNEY, encoding="utf-8")
    locked.chmod(0o000)
    try:
        report = cjm("validate", "maps", cwd=folder, as_nobody=True)
        assert report["exit"] == 1, report
        assert errors(report) == [("maps/locked", 1, 1, "V008")]
    finally:
        locked.chmod(0o755)


# --- 2. every read is bounded ----------------------------------------------------------------------


def test_read_bounded_refuses_devices_fifos_and_oversize(tmp_path: pathlib.Path) -> None:
    (tmp_path / "zero").symlink_to("/dev/zero")
    with pytest.raises(NotRegularFile, match="device"):
        read_bounded(tmp_path / "zero", 10)
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(NotRegularFile, match="FIFO"):
        read_bounded(tmp_path / "pipe", 10)
    (tmp_path / "big").write_bytes(b"x" * 11)
    with pytest.raises(FileTooLarge):
        read_bounded(tmp_path / "big", 10)
    assert read_bounded(tmp_path / "big", 11) == b"x" * 11


def test_oversized_map_is_refused(folder: pathlib.Path) -> None:
    (folder / "big.yaml").write_bytes(JOURNEY.encode() + b"#" * MAX_FILE_BYTES)
    report = cjm("validate", "big.yaml", cwd=folder)
    assert report["exit"] == 1
    assert errors(report) == [("big.yaml", 1, 1, "V007")]


def test_metrics_csv_from_dev_zero_is_refused(folder: pathlib.Path) -> None:
    (folder / "metrics.csv").symlink_to("/dev/zero")
    result = run_cjm("metrics", "import", str(folder / "metrics.csv"), str(folder))
    assert result.exit_code == 2
    assert "not a regular file" in result.stderr


def test_mermaid_from_dev_zero_is_refused(folder: pathlib.Path) -> None:
    (folder / "zero.mmd").symlink_to("/dev/zero")
    result = run_cjm("convert", str(folder / "zero.mmd"), "-o", str(folder / "out.yaml"))
    assert result.exit_code == 2
    assert "not a regular file" in result.stderr
    big = folder / "big.mmd"
    big.write_bytes(b"journey\n" + b"%%" * MAX_FILE_BYTES)
    result = run_cjm("convert", str(big), "-o", str(folder / "out.yaml"))
    assert result.exit_code == 1  # bad input, like a map over the limit (V007)
    assert "over" in result.stderr and not (folder / "out.yaml").exists()


def test_a_metrics_csv_over_the_limit_is_bad_input(folder: pathlib.Path) -> None:
    big = folder / "metrics.csv"
    big.write_bytes(b"journey,stage,field,value\n" + b"#" * MAX_FILE_BYTES)
    result = run_cjm("metrics", "import", str(big), str(folder))
    assert result.exit_code == 1
    assert f"is over {MAX_FILE_BYTES} bytes; nothing written" in result.stderr


# --- 3. a syntax error at the end of a long file is found quickly -----------------------------------


def long_journey(size: int) -> str:
    parts = ["cjm: 1\nid: big\ntitle: Big\nstages:\n"]
    written = len(parts[0])
    number = 0
    while written < size:
        stage = f"  - id: s{number}\n    name: Stage {number}\n    phase: awareness\n    actions: [a, b]\n"
        parts.append(stage)
        written += len(stage)
        number += 1
    return "".join(parts)


def test_syntax_error_at_the_end_of_a_4_mb_file_is_reported_in_under_2_s(folder: pathlib.Path) -> None:
    text = long_journey(4_000_000)
    lines = text.count("\n")
    broken = text + "  - id: [oops\n"
    # CPU time, so that other work on the machine cannot fail the test (1.2 s here; the
    # pure parser used to take 27 s to word the error).
    started = time.process_time()
    with pytest.raises(YamlProblems) as raised:
        parse_yaml(broken)
    elapsed = time.process_time() - started
    assert elapsed < 2, f"{elapsed:.2f} s"
    [problem] = raised.value.problems
    assert (problem.line, problem.column, problem.code.code) == (lines + 2, 1, "V001")
    assert f"while parsing a flow sequence (line {lines + 1})" in problem.message
    # The same through the reference path, and through the command.
    with pytest.raises(YamlProblems) as reference:
        parse_yaml(broken, fast=False)
    assert reference.value.problems == [problem]
    (folder / "big.yaml").write_text(text + "  - id: x\n   bad: 1\n", encoding="utf-8")
    started = time.perf_counter()
    report = cjm("validate", "big.yaml", cwd=folder)
    assert report["exit"] == 1
    assert errors(report) == [("big.yaml", lines + 2, 4, "V001")]
    assert time.perf_counter() - started < 15  # wall time, start-up included


# --- 5. maps discovery used to miss -------------------------------------------------------------------


def test_maps_with_a_bom_a_quoted_key_or_a_flow_root_are_discovered(folder: pathlib.Path) -> None:
    # These two carry an unknown key, so that the report shows they were read.
    bom = JOURNEY.replace("shop", "bom") + "unknown: 1\n"
    (folder / "bom.yaml").write_bytes(b"\xef\xbb\xbf" + bom.encode())
    quoted = JOURNEY.replace("cjm: 1", '"cjm": 1').replace("shop", "quoted") + "unknown: 1\n"
    (folder / "quoted.yaml").write_text(quoted)
    flow = (
        "# a map written as JSON-like flow\n---\n"
        '{"title": "Flow", "cjm": 1, "id": "flow",\n'
        ' "stages": [{"id": "visit", "name": "Visit", "phase": "awareness"}]}\n'
    )
    (folder / "flow.yaml").write_text(flow)
    (folder / "ci.yaml").write_text("on: push\njobs: {cjm: 1}\n")  # other YAML stays alone
    report = cjm("validate", ".", cwd=folder)
    assert report["files"] == 4
    assert errors(report) == [("bom.yaml", 9, 1, "V101"), ("quoted.yaml", 9, 1, "V101")]
    assert report["exit"] == 1


# --- 6. positions are the editor's ----------------------------------------------------------------------


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085"])
def test_line_separators_in_quoted_text_do_not_shift_positions(folder: pathlib.Path, separator: str) -> None:
    text = JOURNEY.replace("title: Shop", f'title: "Shop{separator}and more"') + "unknown: 1\n"
    for fast in (True, False):
        document = parse_yaml(text, fast=fast)
        assert document is not None
        assert document.source_map.key(("unknown",)) == (9, 1)
        assert document.source_map.value(("stages", 0, "funnel", "advanced")) == (8, 38)
    (folder / "shop.yaml").write_text(text, encoding="utf-8")
    report = cjm("validate", "shop.yaml", cwd=folder)
    assert report["exit"] == 1
    assert errors(report) == [("shop.yaml", 9, 1, "V101")]
    # Syntax errors and duplicate keys, with the line their message names.
    broken = f'title: "a{separator}b"\nid: x\nid: y\nstages: [1,\n  a: b: c\n'
    for fast in (True, False):
        with pytest.raises(YamlProblems) as raised:
            parse_yaml(broken, fast=fast)
        [problem] = raised.value.problems
        assert (problem.line, problem.column, problem.code.code) == (5, 7, "V001")
        assert "(line 4)" in problem.message
    duplicate = f'title: "a{separator}b"\nid: x\nid: y\n'
    for fast in (True, False):
        with pytest.raises(YamlProblems) as raised:
            parse_yaml(duplicate, fast=fast)
        [problem] = raised.value.problems
        assert (problem.line, problem.column, problem.code.code) == (3, 1, "V002")
        assert "first defined on line 2" in problem.message


def test_brackets_in_text_and_comments_are_not_nesting(folder: pathlib.Path) -> None:
    text = JOURNEY.replace("title: Shop", 'title: "' + "[" * 70 + '"  # ' + "{" * 70)
    (folder / "shop.yaml").write_text(text, encoding="utf-8")
    report = cjm("validate", "shop.yaml", cwd=folder)
    assert (report["exit"], errors(report)) == (0, [])


def test_deep_nesting_is_located_at_the_node(folder: pathlib.Path) -> None:
    text = JOURNEY.replace("title: Shop", "title: Shop\ndescription: " + "[" * 5000)
    (folder / "shop.yaml").write_text(text, encoding="utf-8")
    report = cjm("validate", "shop.yaml", cwd=folder)
    assert report["exit"] == 1
    # The first node inside more than 64 collections: the root mapping and 64 brackets.
    assert errors(report) == [("shop.yaml", 4, len("description: ") + 65, "V007")]


# --- 4. numbers that pass validation but break output -------------------------------------------------


def test_absurd_numbers_are_refused_at_their_position(folder: pathlib.Path) -> None:
    digits = "1" + "0" * 399
    text = (
        JOURNEY.replace("entered: 100", f"entered: {digits}")
        + "economics: {currency: EUR, average_order_value: 1e16}\n"
    )
    text = text.replace(
        "    funnel:",
        "    kpis:\n"
        f"      - {{id: huge, name: Huge, target: -{digits}}}\n"
        "      - {id: inf, name: Inf, target: 2, actual: 1e400}\n"
        "    funnel:",
    )
    (folder / "shop.yaml").write_text(text, encoding="utf-8")
    report = cjm("validate", "shop.yaml", cwd=folder)
    assert report["exit"] == 1
    # 1e400 reads as infinity: refused while reading, at its place.
    assert errors(report) == [("shop.yaml", 10, 49, "V105")]
    assert "1e400 is too large" in messages(report)
    (folder / "shop.yaml").write_text(text.replace("actual: 1e400", "actual: 1"), encoding="utf-8")
    report = cjm("validate", "shop.yaml", cwd=folder)
    assert report["exit"] == 1
    assert errors(report) == [
        ("shop.yaml", 9, 40, "V105"),
        ("shop.yaml", 11, 23, "V105"),
        ("shop.yaml", 12, 49, "V105"),
    ]
    assert "a number of 400 digits" in messages(report)
    assert "at most 10^15" in messages(report)
    # Rendering refuses the map instead of crashing on it.
    result = run_cjm("render", str(folder / "shop.yaml"), "--to", "md", "--out", str(folder / "out"))
    assert result.exit_code == 1


def test_numbers_up_to_the_bound_are_accepted(folder: pathlib.Path) -> None:
    text = JOURNEY.replace("entered: 100", "entered: 1000000000000000").replace(
        "advanced: 40", "advanced: 999999999999999"
    )
    (folder / "shop.yaml").write_text(text, encoding="utf-8")
    report = cjm("validate", "shop.yaml", cwd=folder)
    assert (report["exit"], errors(report)) == (0, [])


# --- 7. metrics CSVs read wrong in silence ------------------------------------------------------------


def test_metrics_csv_naming_a_column_twice_is_refused(folder: pathlib.Path) -> None:
    csv_path = folder / "metrics.csv"
    csv_path.write_text("journey,stage,field,value,Value\nshop,visit,funnel.entered,1,2\n", encoding="utf-8")
    read = read_metrics(csv_path, "metrics.csv")
    assert [(p.line, p.column, p.code) for p in read.problems] == [(1, 27, "I001")]
    assert "'value' twice" in read.problems[0].message
    assert read.rows == ()
    result = run_cjm("metrics", "import", str(csv_path), str(folder / "shop.yaml"))
    assert result.exit_code == 1
    assert (folder / "shop.yaml").read_text(encoding="utf-8") == JOURNEY


def test_metrics_values_beyond_28_digits_are_refused_not_rounded(folder: pathlib.Path) -> None:
    csv_path = folder / "metrics.csv"
    csv_path.write_text(
        "journey;stage;field;value\n"
        "shop;visit;funnel.entered;100\n"
        'shop;visit;"kpi:conversion";0,12345678901234567890123456789\n'
        "shop;visit;kpi:tiny;1e-999999999\n"
        "shop;visit;kpi:exact;1,000000000000000000000000000000000\n",
        encoding="utf-8",
    )
    read = read_metrics(csv_path, "metrics.csv")
    assert [(p.line, p.column, p.code) for p in read.problems] == [(3, 29, "I004"), (4, 21, "I004")]
    assert "29 significant digits" in read.problems[0].message
    assert "more than 28 digits after the point" in read.problems[1].message
    assert [(row.line, row.text) for row in read.rows] == [(2, "100"), (5, "1")]
    result = run_cjm("metrics", "import", str(csv_path), str(folder / "shop.yaml"))
    assert result.exit_code == 1
    assert (folder / "shop.yaml").read_text(encoding="utf-8") == JOURNEY
