"""`cjm convert` imports the real-world journeys of the shared corpus (JSON, YAML, Markdown).

The files are read in place. Each one's expected outcome was worked out by reading the file:
the stages it holds, what the import maps by kind and how many pieces it lists as not mapped
(e.g. 04-shipkit: two more journeys, six journey-level keys, four persona keys, two other
personas, five emotions in words, the extra keys of three pain points and three pain points no
step refers to: 25). A file that cannot be imported would be listed with the reason it is
refused; every file of the corpus imports.
"""

from __future__ import annotations

import os
import pathlib

import pytest

from cjmkit.interop import convert, source_format
from cjmkit.loading.document import load_document
from conftest import run_cjm

CORPUS = pathlib.Path(os.environ.get("CJM_CORPUS", "/work/shared/corpus"))
CORPUS_FILES = sorted(
    [*(CORPUS / "structured").glob("*.yaml"), *(CORPUS / "structured").glob("*.json")]
    + [path for path in (CORPUS / "structured").glob("*.md") if path.name != "SOURCES.md"]
    + [path for path in (CORPUS / "markdown").glob("*.md") if path.name != "SOURCES.md"]
)

Mapped = dict[str, int]

#: (folder, number) -> (stages, mapped by kind, how many pieces are listed as not mapped).
IMPORTS: dict[tuple[str, str], tuple[int, Mapped, int]] = {
    ("structured", "01"): (
        5,
        {
            "persona": 1,
            "persona description": 1,
            "stage": 5,
            "emotion": 6,
            "action": 6,
            "touchpoint": 16,
            "thought": 12,
        },
        3,
    ),
    ("structured", "02"): (
        5,
        {
            "persona": 1,
            "persona description": 1,
            "stage": 5,
            "emotion": 7,
            "action": 7,
            "touchpoint": 15,
            "thought": 12,
        },
        3,
    ),
    ("structured", "03"): (
        5,
        {
            "persona": 1,
            "persona description": 1,
            "stage": 5,
            "emotion": 7,
            "action": 7,
            "touchpoint": 14,
            "thought": 14,
        },
        3,
    ),
    ("structured", "04"): (
        5,
        {
            "title": 1,
            "date": 1,
            "persona": 1,
            "persona description": 1,
            "persona goal": 3,
            "persona pain": 3,
            "stage": 5,
            "action": 5,
            "touchpoint": 10,
            "barrier": 4,
        },
        25,
    ),
    ("structured", "05"): (6, {"title": 1, "stage": 6, "phase": 5, "touchpoint": 24}, 1),
    ("structured", "06"): (
        1,
        {
            "title": 1,
            "date": 1,
            "persona": 1,
            "persona description": 1,
            "stage": 1,
            "action": 2,
            "channel": 1,
            "touchpoint": 1,
        },
        19,
    ),
    ("structured", "07"): (
        5,
        {
            "title": 1,
            "date": 1,
            "persona": 1,
            "persona description": 1,
            "stage": 5,
            "action": 17,
            "barrier": 2,
        },
        12,
    ),
    ("structured", "08"): (8, {"date": 1, "persona": 1, "stage": 8, "action": 8, "expectation": 37}, 40),
    ("markdown", "01"): (
        5,
        {"title": 1, "date": 1, "persona": 1, "stage": 5, "action": 22, "touchpoint": 25, "thought": 5},
        11,
    ),
    ("markdown", "02"): (8, {"title": 1, "stage": 8, "action": 12, "touchpoint": 12, "barrier": 1}, 3),
    ("markdown", "03"): (
        12,
        {
            "title": 1,
            "stage": 12,
            "action": 32,
            "touchpoint": 25,
            "barrier": 21,
            "opportunity": 27,
            "actor": 12,
        },
        1,
    ),
    ("markdown", "04"): (5, {"title": 1, "stage": 5, "touchpoint": 12, "action": 16}, 6),
    ("markdown", "05"): (
        5,
        {"title": 1, "stage": 5, "action": 12, "touchpoint": 16, "thought": 11, "barrier": 9},
        6,
    ),
    ("markdown", "06"): (
        6,
        {"title": 1, "stage": 6, "customer goal": 6, "touchpoint": 11, "barrier": 8, "opportunity": 6},
        4,
    ),
    ("markdown", "07"): (5, {"title": 1, "stage": 5, "action": 15, "touchpoint": 10, "barrier": 10}, 9),
    ("markdown", "08"): (
        8,
        {"title": 1, "persona": 1, "stage": 8, "action": 8, "touchpoint": 8, "thought": 8, "barrier": 10},
        5,
    ),
    ("markdown", "09"): (4, {"title": 1, "stage": 4, "customer goal": 4, "expectation": 4, "barrier": 4}, 2),
    ("markdown", "10"): (6, {"title": 1, "stage": 6, "touchpoint": 26, "emotion": 26, "actor": 26}, 3),
}

#: (folder, number) -> a fragment of the reason the file is refused.
REFUSALS: dict[tuple[str, str], str] = {}


def key(path: pathlib.Path) -> tuple[str, str]:
    return path.parent.name, path.name[:2]


def test_the_corpus_is_there() -> None:
    assert len(CORPUS_FILES) == 18
    assert {key(path) for path in CORPUS_FILES} == set(IMPORTS) | set(REFUSALS)
    assert len(IMPORTS) >= 14


@pytest.mark.parametrize("source", CORPUS_FILES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_corpus_file_imports_or_says_why_not(tmp_path: pathlib.Path, source: pathlib.Path) -> None:
    target = tmp_path / "maps" / "journey.yaml"
    result = run_cjm("convert", str(source), "-o", str(target))
    assert "Traceback" not in result.stdout + result.stderr
    if key(source) in REFUSALS:
        assert result.exit_code == 1, result.stdout
        assert REFUSALS[key(source)] in result.stderr
        assert not target.exists()
        return
    assert result.exit_code == 0, result.stderr
    validated = run_cjm("validate", str(target))
    assert validated.exit_code == 0, validated.stdout
    document = load_document(target, str(target))
    assert not document.diagnostics
    assert document.journey is not None
    stages, mapped, dropped = IMPORTS[key(source)]
    assert len(document.journey.stages) == stages
    conversion = convert(source, source_format(source, None), "yaml")
    assert conversion.imported is not None
    assert dict(conversion.imported.mapped) == mapped
    assert len(conversion.imported.dropped) == dropped
    assert conversion.text == target.read_text(encoding="utf-8")  # the same bytes every time
    header = conversion.text.split("\ncjm: 1\n", 1)[0]
    for item in conversion.imported.dropped:
        assert item.where in header


def test_enablement_map_studio_emotions_keep_their_scale() -> None:
    source = next(path for path in CORPUS_FILES if key(path) == ("structured", "02"))
    conversion = convert(source, "yaml", "yaml")
    assert conversion.imported is not None and conversion.imported.document is not None
    stages = conversion.imported.document["stages"]
    # 配布直後 -2; 個人試行 -1 and -2 (mean -1.5, rounded half up); 標準に乗る 1, 1; 定着 2; 還流 1
    assert [stage.get("emotion") for stage in stages] == [-2, -1, 1, 2, 1]
    trial = stages[1]["touchpoints"]
    assert [t["emotion"] for t in trial] == [-1, -1, -2]


def test_russian_markdown_is_a_russian_map() -> None:
    source = next(path for path in CORPUS_FILES if key(path) == ("markdown", "04"))
    conversion = convert(source, "markdown", "yaml")
    assert conversion.imported is not None and conversion.imported.document is not None
    document = conversion.imported.document
    assert document["locale"] == "ru"
    assert document["channels"] == [{"id": "unspecified", "name": "Канал не указан"}]
    # The stage with no labelled list (its payment variants are prose) is a stage all the same.
    assert [stage["name"].split(":")[0] for stage in document["stages"]] == [f"Фаза {n}" for n in range(1, 6)]
    assert "actions" not in document["stages"][2]
