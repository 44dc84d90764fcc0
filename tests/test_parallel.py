"""Loading on several processes gives exactly what loading in one does."""

from __future__ import annotations

import pathlib

import pytest

from cjmkit.project import Keep, load_project
from cjmkit.project.parallel import MIN_FILES_PER_JOB
from conftest import run_cjm
from test_lint import journey, write

MAPS = 2 * MIN_FILES_PER_JOB + 8


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """A workspace large enough to load in parallel, with errors of every step in some files."""
    root = tmp_path_factory.mktemp("parallel")
    write(
        root / "cjm.yaml",
        "cjm: 1\nsegments:\n  - id: retail\n    name: Retail\nchannels:\n  - id: email\n    name: Email\n",
    )
    for number in range(MAPS):
        text = journey({"id": "a", "name": "A", "actual": 0.3}, {"id": "b", "name": "B"})
        text = text.replace("id: shop\n", f"id: shop-{number}\nsegment: retail\n")
        if number == 3:
            text = text.replace("segment: retail", "segment: wholesale")  # cross-file: unresolved
        if number == 7:
            text = text.replace(f"id: shop-{number}\n", "id: shop-8\n")  # cross-file: duplicate id
        if number == 11:
            text = text.replace("emotion: 1", "emotion: 7", 1)  # model: out of range
        if number == 19:
            text = text.replace("advanced: 80", "advanced: 800", 1)  # one file: funnel order
        if number == 23:
            text = text.replace("  - id: web\n", "  - id: email\n")  # clashes with the workspace
        write(root / "journeys" / f"shop-{number:02}.yaml", text)
    write(root / "journeys" / "broken.yaml", "cjm: 1\nid: [unclosed\n")
    return root


@pytest.mark.parametrize("command", ["validate", "lint"])
def test_parallel_output_is_identical(workspace: pathlib.Path, command: str) -> None:
    one = run_cjm(command, "--format", "json", "--jobs", "1", str(workspace))
    two = run_cjm(command, "--format", "json", "--jobs", "2", str(workspace))
    assert one.exit_code == two.exit_code == 1
    assert one.stdout == two.stdout
    codes = {item["code"] for item in one.json()["errors" if command == "validate" else "findings"]}
    assert {"V001", "V105", "V202", "V201", "V203"} <= codes


def test_text_output_with_excerpts_is_identical(workspace: pathlib.Path) -> None:
    one = run_cjm("validate", "--jobs", "1", str(workspace))
    two = run_cjm("validate", "--jobs", "2", str(workspace))
    assert one.stdout == two.stdout
    assert "wholesale" in one.stdout  # the excerpt of a cross-file error: the text came back


def test_workers_send_back_only_what_validation_reports(workspace: pathlib.Path) -> None:
    compact = load_project([workspace], jobs=2, keep=Keep.FINDINGS)
    journeys = [d for d in compact.journeys if d.path.name != "broken.yaml"]
    assert len(journeys) == MAPS
    # Loaded by the workers: no model, data or positions travelled back, only text and findings.
    assert all(d.model is None and d.data is None and not d.source_map.values for d in journeys)
    assert all(d.text for d in journeys)
    full = load_project([workspace], jobs=2, keep=Keep.MODELS)
    assert sum(d.journey is not None for d in full.journeys) == MAPS - 1  # all but the emotion error
    assert [d.diagnostics for d in compact.documents] == [d.diagnostics for d in full.documents]


def test_jobs_must_be_positive(workspace: pathlib.Path) -> None:
    result = run_cjm("validate", "--jobs", "0", str(workspace))
    assert result.exit_code == 2
