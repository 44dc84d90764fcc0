"""`cjm convert`: Mermaid journeys to journey files and back, journey files to JSON and CSV.

The real-world diagrams are read in place from the shared corpus.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pathlib
import re
from collections import Counter

import pytest

from cjmkit.interop.mermaid import (
    KEYWORD_GUARD,
    MermaidJourney,
    actor_text,
    journey_to_mermaid,
    mermaid_text,
    parse_mermaid,
    slugify,
    task_text,
)
from cjmkit.loading.document import load_document
from cjmkit.models import Journey
from conftest import EXAMPLES, FIXTURES, ROOT, run_cjm

CORPUS = pathlib.Path(os.environ.get("CJM_CORPUS", "/work/shared/corpus")) / "mermaid"
CORPUS_FILES = sorted(CORPUS.glob("*.mmd"))
EMAIL_SHOP = EXAMPLES / "email-shop" / "journey.yaml"
HOSTILE = FIXTURES / "hostile" / "journey.yaml"

Outline = list[tuple[str | None, list[tuple[str, int, tuple[str, ...]]]]]


def corpus(prefix: str) -> pathlib.Path:
    return next(path for path in CORPUS_FILES if path.name.startswith(prefix))


def outline(journey: MermaidJourney) -> Outline:
    """Sections with their (task, score, actors)."""
    return [(s.name, [(t.name, t.score, t.actors) for t in s.tasks]) for s in journey.sections]


def read(path: pathlib.Path) -> MermaidJourney:
    reading = parse_mermaid(path.read_text(encoding="utf-8"), str(path))
    assert reading.journey is not None, reading.errors
    return reading.journey


def load_journey(path: pathlib.Path) -> Journey:
    document = load_document(path, str(path))
    assert not document.diagnostics, document.diagnostics
    assert document.journey is not None
    return document.journey


def convert(tmp_path: pathlib.Path, source: pathlib.Path, name: str, *options: str) -> pathlib.Path:
    target = tmp_path / name
    result = run_cjm("convert", str(source), "-o", str(target), *options)
    assert result.exit_code == 0, result.stderr
    return target


def test_the_corpus_is_there() -> None:
    assert len(CORPUS_FILES) == 29


# --- import -----------------------------------------------------------------------------------


@pytest.mark.parametrize("source", CORPUS_FILES, ids=lambda p: p.stem)
def test_every_corpus_diagram_imports_to_a_valid_map(tmp_path: pathlib.Path, source: pathlib.Path) -> None:
    target = tmp_path / "out" / "journey.yaml"  # the folder does not exist yet
    result = run_cjm("convert", str(source), "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    validated = run_cjm("validate", str(target))
    assert validated.exit_code == 0, validated.stdout
    journey = load_journey(target)
    original = read(source)
    assert [stage.name for stage in journey.stages] == [s.name for s in original.sections]
    assert [[t.name for t in stage.touchpoints] for stage in journey.stages] == [
        [t.name for t in s.tasks] for s in original.sections
    ]
    assert [t.emotion for s in journey.stages for t in s.touchpoints] == [t.score - 3 for t in original.tasks]
    text = target.read_text(encoding="utf-8")
    assert text.startswith(f"# Converted by `cjm convert` from the Mermaid journey {source.name}.\n")


@pytest.mark.parametrize("source", CORPUS_FILES, ids=lambda p: p.stem)
def test_sections_and_tasks_are_counted(source: pathlib.Path) -> None:
    lines = [line.strip() for line in source.read_text(encoding="utf-8").splitlines()]
    sections = sum(1 for line in lines if line.startswith("section "))
    tasks = sum(1 for line in lines if line and not re.match(r"(journey|title|section|acc)", line))
    journey = read(source)
    assert (len(journey.sections), len(journey.tasks)) == (sections, tasks)
    if source.name.startswith("04"):
        assert (sections, tasks) == (5, 28)
    if source.name.startswith("07"):
        assert (sections, tasks) == (9, 35)  # SOURCES.md says 34; the file holds 35


def test_scores_outside_1_to_5_are_clamped_with_a_warning_naming_the_line(tmp_path: pathlib.Path) -> None:
    source = corpus("27")
    result = run_cjm("convert", str(source), "-o", str(tmp_path / "out.yaml"))
    assert result.exit_code == 0
    lines = source.read_text(encoding="utf-8").splitlines()
    zero_lines = [n for n, line in enumerate(lines, 1) if re.search(r":\s*0\s*:", line)]
    assert len(zero_lines) == 9
    for number in zero_lines:
        column = lines[number - 1].index(": 0:") + 3
        assert f"{source}:{number}:{column}: warning M101 " in result.stderr
    assert "clamped to 1" in result.stderr
    journey = load_journey(tmp_path / "out.yaml")
    assert {t.emotion for s in journey.stages for t in s.touchpoints} == {-2}


def test_scores_above_5_become_5(tmp_path: pathlib.Path) -> None:
    source = corpus("28")
    result = run_cjm("convert", str(source), "-o", str(tmp_path / "out.yaml"))
    over = re.findall(r":\s*(\d+)\s*:", source.read_text(encoding="utf-8"))
    assert result.stderr.count("warning M101") == sum(1 for score in over if int(score) > 5)
    journey = load_journey(tmp_path / "out.yaml")
    download = next(t for s in journey.stages for t in s.touchpoints if t.name == "Download Improved Resume")
    assert download.emotion == 2  # score 10


def test_emoji_and_accessibility_lines(tmp_path: pathlib.Path) -> None:
    journey = load_journey(convert(tmp_path, corpus("19"), "out.yaml"))
    assert journey.title == "👤 E-Commerce Customer Journey Comparison"  # the title line, not accTitle
    assert [s.name for s in journey.stages][:2] == ["🔍 Discovery", "🛒 Shopping"]
    assert [s.id for s in journey.stages][:2] == ["discovery", "shopping"]
    assert journey.description is not None and journey.description.startswith("Side-by-side journey map")
    first = journey.stages[0].touchpoints[0]
    assert (first.name, first.emotion) == ("Find the product", 0)  # padded ` : 3 : ` separators
    assert first.actors == ["New Customer", "Returning Customer"]


def test_russian_text_is_kept_and_ids_are_transliterated(tmp_path: pathlib.Path) -> None:
    journey = load_journey(convert(tmp_path, corpus("18"), "out.yaml"))
    assert journey.title == "Путь клиента в интернет-магазине"
    assert journey.id == "put-klienta-v-internet-magazine"
    assert journey.locale == "ru"
    assert journey.channels[0].name == "Канал не указан"
    assert journey.stages[0].name == "Поиск и выбор товара"
    assert journey.stages[0].id == "poisk-i-vybor-tovara"
    payment = journey.stages[2].touchpoints[0]
    assert payment.name == "Оплата заказа"
    assert payment.actors == ["Клиент", "Платежная система"]
    assert journey.persona is not None and not isinstance(journey.persona, str)
    assert journey.persona.name == "Клиент"


def test_scripts_without_an_ascii_spelling_get_numbered_ids(tmp_path: pathlib.Path) -> None:
    journey = load_journey(convert(tmp_path, corpus("14"), "out.yaml"))
    assert journey.id == "journey"
    assert journey.title == "孩子学习旅程（5 岁小明）"
    assert [s.id for s in journey.stages] == ["stage-1", "stage-2", "stage-3", "stage-4"]
    ids = [t.id for s in journey.stages for t in s.touchpoints]
    assert ids == [f"touchpoint-{n}" for n in range(1, len(ids) + 1)]


def test_colon_inside_task_text(tmp_path: pathlib.Path) -> None:
    journey = read(corpus("21"))
    story = next(t for t in journey.tasks if t.name.startswith("Read the story"))
    assert (story.name, story.score, story.actors) == (
        "Read the story: how far, energy, cost, range, winter",
        5,
        ("Driver",),
    )


def test_malformed_arrow_is_read_with_a_warning_per_line(tmp_path: pathlib.Path) -> None:
    source = corpus("09")
    result = run_cjm("convert", str(source), "-o", str(tmp_path / "out.yaml"))
    assert result.exit_code == 0
    lines = source.read_text(encoding="utf-8").splitlines()
    arrows = [n for n, line in enumerate(lines, 1) if "->" in line]
    assert [int(m) for m in re.findall(r"mmd:(\d+):\d+: warning M103", result.stderr)] == arrows
    tasks = read(source).tasks
    assert (tasks[0].name, tasks[0].score, tasks[0].actors) == ("Discover the tool", 3, ("User",))
    assert tasks[2].actors == ("User", "System")


def test_tasks_without_actors_give_no_persona(tmp_path: pathlib.Path) -> None:
    journey = load_journey(convert(tmp_path, corpus("08"), "out.yaml"))
    assert journey.persona is None
    assert all(t.description is None for s in journey.stages for t in s.touchpoints)


def test_whitespace_around_separators_is_dropped() -> None:
    tasks = read(corpus("16")).tasks
    assert ("Signin", 3, ("Seller",)) in [(t.name, t.score, t.actors) for t in tasks]
    assert tasks[2].actors == ("Buyer", "Seller")  # trailing TAB and spaces


def test_stage_emotion_is_the_rounded_mean_and_phases_come_from_section_names(tmp_path: pathlib.Path) -> None:
    journey = load_journey(convert(tmp_path, corpus("01"), "out.yaml"))
    for stage in journey.stages:
        emotions = [t.emotion for t in stage.touchpoints if t.emotion is not None]
        mean = sum(emotions) / len(emotions)
        assert stage.emotion is not None and abs(stage.emotion - mean) <= 0.5
    assert [s.phase for s in journey.stages][:2] == ["awareness", "consideration"]
    assert journey.stages[2].phase is None  # "First Purchase" is not a phase name


DIAGRAM = """\
---
title: From front matter
---
%%{init: {'theme': 'dark'}}%%
%% a comment before the diagram
journey
  %% a comment inside
  accTitle: Short title
  accDescr {
    Several lines
    of description
  }
  Before any section: 4: Me
  section Start   # a comment after the name
    Order #1234 arrives: 5: Me, Cat
    Half way: 3.5: Me
    Pay: 4: Me: a note Mermaid ignores too
  section Start
    Tea: 2
  title Final title
"""


def test_comments_front_matter_and_accessibility(tmp_path: pathlib.Path) -> None:
    reading = parse_mermaid(DIAGRAM, "d.mmd")
    assert reading.journey is not None, reading.errors
    journey = reading.journey
    assert journey.title == "Final title"
    assert journey.acc_title == "Short title"
    assert journey.description == "Several lines of description"
    assert outline(journey) == [
        (None, [("Before any section", 4, ("Me",))]),
        ("Start", [("Order #1234 arrives", 5, ("Me", "Cat")), ("Half way", 4, ("Me",)), ("Pay", 4, ("Me",))]),
        ("Start", [("Tea", 2, ())]),
    ]
    found = {(d.line, d.code) for d in reading.diagnostics}
    assert found == {(15, "M106"), (16, "M102"), (17, "M104"), (20, "M105")}
    source = tmp_path / "d.mmd"
    source.write_text(DIAGRAM, encoding="utf-8")
    converted = load_journey(convert(tmp_path, source, "d.yaml"))
    assert [s.id for s in converted.stages] == ["unnamed-section", "start", "start-2"]
    assert converted.stages[0].name == "Unnamed section"


def test_a_fenced_block_and_a_missing_title(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "customer_journey.mmd"
    source.write_text("```mermaid\njourney\n  section A\n    Go: 5: Me\n```\nprose after the block\n")
    journey = load_journey(convert(tmp_path, source, "out.yaml"))
    assert (journey.title, journey.id) == ("Customer journey", "customer-journey")
    assert [t.name for s in journey.stages for t in s.touchpoints] == ["Go"]


@pytest.mark.parametrize(
    ("text", "line", "code"),
    [
        ("flowchart TD\n  A --> B\n", 1, "M001"),
        ("%% comment\n\ngraph LR\n", 3, "M001"),
        ("", 1, "M001"),
        ("journey\n  title T\n", 1, "M006"),
        ("journey\n  section A\n    Go without score: User\n", 3, "M002"),
        ("journey\n  section A\n    : 5: User\n", 3, "M003"),
        ("journey\n  section\n", 2, "M005"),
        ("journey\n  accDescr {\n  never closed\n", 2, "M004"),
    ],
)
def test_unusable_diagrams_are_refused_at_their_line(
    tmp_path: pathlib.Path, text: str, line: int, code: str
) -> None:
    source = tmp_path / "bad.mmd"
    source.write_text(text, encoding="utf-8")
    target = tmp_path / "out.yaml"
    result = run_cjm("convert", str(source), "-o", str(target))
    assert result.exit_code == 1
    assert re.search(rf"^{re.escape(str(source))}:{line}:\d+: error {code} ", result.stderr, re.MULTILINE)
    assert f"cannot convert {source}; nothing written" in result.stderr
    assert not target.exists()
    assert "Traceback" not in result.stderr


def test_a_flowchart_is_named_in_the_refusal(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "flow.mmd"
    source.write_text("flowchart TD\n  A --> B\n", encoding="utf-8")
    result = run_cjm("convert", str(source), "-o", str(tmp_path / "out.yaml"))
    assert f"{source}:1:1: error M001 not a Mermaid journey: this is a `flowchart` diagram" in result.stderr


def test_a_refused_conversion_leaves_an_existing_output_alone(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "bad.mmd"
    source.write_text("journey\n  section A\n    No score here\n", encoding="utf-8")
    target = tmp_path / "out.yaml"
    target.write_text("previous\n", encoding="utf-8")
    assert run_cjm("convert", str(source), "-o", str(target)).exit_code == 1
    assert target.read_text(encoding="utf-8") == "previous\n"


def test_not_utf8_is_refused(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "latin1.mmd"
    source.write_bytes("journey\n  section Caf\xe9\n".encode("latin-1"))
    result = run_cjm("convert", str(source), "-o", str(tmp_path / "out.yaml"))
    assert result.exit_code == 1
    assert f"{source}:2:14: error V004 byte 0xe9 is not UTF-8" in result.stderr


def test_slugs() -> None:
    assert slugify("Khách hàng mở tài khoản") == "khach-hang-mo-tai-khoan"
    assert slugify("Щётка & ёж") == "shchetka-ezh"
    assert slugify("🔍 Discovery") == "discovery"
    assert slugify("打开 App") is None  # part of the text has no ASCII spelling
    assert slugify("!!!") is None
    long = slugify("word " * 30)
    assert long is not None and len(long) <= 48 and not long.endswith("-")


TRICKY_TEXT = [
    "yes", "No", "on", "null", "~", "2024", "1e3", "0x1F", "2026-05-01", "10:30", ".inf", "+1", "-",
    "- dash", "? q", ": x", "x:", "a: b", "a #b", "#hash", "@at", "`tick", "%pct", "!bang", "&amp", "*star",
    "|pipe", ">gt", "{x}", "[x]", "'q'", '"q"', "back\\slash", "tab\there", "line\nbreak", "cr\rx",
    "\u2028ls", "\x85nel", "\ufeffbom", "nbsp\u00a0x", "zwj\u200dx", "bell\x07", "👨‍👩‍👧 family", "Привет",
    " padded ", "",
]  # fmt: skip


def test_yaml_text_reads_back_exactly() -> None:
    from cjmkit.interop.mermaid import dump_yaml
    from cjmkit.loading.yaml_source import parse_yaml

    document = {"names": [{"id": f"n{i}", "name": text} for i, text in enumerate(TRICKY_TEXT)], "empty": []}
    dumped = dump_yaml(document, ["a comment\nwith a break"])
    assert dumped.startswith("# a comment with a break\n")
    parsed = parse_yaml(dumped)
    assert parsed is not None and parsed.data == document


def test_oversized_diagrams_are_refused(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "huge.mmd"
    source.write_text("journey\n  section A\n" + "    Task: 3: Me\n" * 100_000, encoding="utf-8")
    result = run_cjm("convert", str(source), "-o", str(tmp_path / "out.yaml"))
    assert result.exit_code == 1
    assert f"{source}:1:1: error V007 file is" in result.stderr
    assert not (tmp_path / "out.yaml").exists()


# --- export and round trips -------------------------------------------------------------------


def sanitised(journey: MermaidJourney) -> Outline:
    """What an exported diagram can keep: Mermaid-safe text (see the export rules)."""
    return [
        (
            mermaid_text(s.name) if s.name is not None else "Unnamed section",
            [(task_text(t.name), t.score, tuple(actor_text(a) for a in t.actors)) for t in s.tasks],
        )
        for s in journey.sections
    ]


@pytest.mark.parametrize("source", CORPUS_FILES, ids=lambda p: p.stem)
def test_mermaid_round_trip_keeps_sections_tasks_scores_and_actors(
    tmp_path: pathlib.Path, source: pathlib.Path
) -> None:
    imported = convert(tmp_path, source, "journey.yaml")
    exported = convert(tmp_path, imported, "journey.mmd")
    assert outline(read(exported)) == sanitised(read(source))


def test_round_trip_of_a_journey_file_through_mermaid(tmp_path: pathlib.Path) -> None:
    exported = convert(tmp_path, EMAIL_SHOP, "shop.mmd")
    journey = load_journey(EMAIL_SHOP)
    diagram = read(exported)
    assert diagram.title == journey.title
    assert [s.name for s in diagram.sections] == [mermaid_text(s.name) for s in journey.stages]
    scores = [
        (t.emotion if t.emotion is not None else s.emotion if s.emotion is not None else 0) + 3
        for s in journey.stages
        for t in s.touchpoints
    ]
    assert [t.score for t in diagram.tasks] == scores
    again = load_journey(convert(tmp_path, exported, "again.yaml"))
    assert [t.emotion for s in again.stages for t in s.touchpoints] == [score - 3 for score in scores]


HOSTILE_NAMES = [
    "Title page: 3: Hacker",
    "journey planning",
    "Section overview",
    "accTitle: stolen",
    "a; b # c %% d",
    "line one\nsection Injected\nTask: 1: X",
    '`code` {curly} [square] <b>bold</b> "quoted" | pipe \\ back',
    ":",
]


def test_export_escapes_hostile_text(tmp_path: pathlib.Path) -> None:
    touchpoints = "".join(
        f"      - id: t{n}\n        name: {json.dumps(name)}\n        channel: web\n"
        f"        actors: {json.dumps(['Eve', 'Mallory: boss; #1', name])}\n"
        f"        emotion: {n % 5 - 2}\n"
        for n, name in enumerate(HOSTILE_NAMES)
    )
    source = tmp_path / "hostile.yaml"
    source.write_text(
        'cjm: 1\nid: hostile\ntitle: "Title; # %% journey\\nsection X"\n'
        'description: "line\\n} accDescr { x"\n'
        "channels:\n  - id: web\n    name: Web\n"
        f'stages:\n  - id: s\n    name: "Stage: one\\n# two"\n    touchpoints:\n{touchpoints}',
        encoding="utf-8",
    )
    exported = convert(tmp_path, source, "hostile.mmd").read_text(encoding="utf-8")
    lines = exported.splitlines()
    assert lines[0] == "journey"
    structural = [line for line in lines[1:] if re.match(r"\s*(title|section|accDescr|%%)", line, re.I)]
    assert len(structural) == 4  # comment, title, accDescr, the one section
    tasks = [line for line in lines if line not in structural and line != "journey"]
    assert len(tasks) == len(HOSTILE_NAMES)
    for line in tasks:
        assert re.fullmatch(r"      [^:;#%\s][^:;#%]*: [1-5]: [^:;#%,]+(, [^:;#%,]+)*", line), line
        assert not re.match(r"\s*(journey|title\s|section\s|acc)", line, re.I)
    diagram = read(tmp_path / "hostile.mmd")
    assert len(diagram.sections) == 1 and len(diagram.tasks) == len(HOSTILE_NAMES)
    assert all(t.name.startswith(KEYWORD_GUARD) for t in diagram.tasks[:4])
    assert [len(t.actors) for t in diagram.tasks] == [3] * len(HOSTILE_NAMES)
    assert [t.score for t in diagram.tasks] == [n % 5 + 1 for n in range(len(HOSTILE_NAMES))]


def test_the_shared_hostile_map_exports_to_a_well_formed_diagram(tmp_path: pathlib.Path) -> None:
    exported = convert(tmp_path, HOSTILE, "hostile.mmd")
    reading = parse_mermaid(exported.read_text(encoding="utf-8"), "hostile.mmd")
    assert reading.journey is not None and reading.diagnostics == []
    journey = load_journey(HOSTILE)
    assert len(reading.journey.sections) == len(journey.stages)
    assert len(reading.journey.tasks) == sum(len(s.touchpoints) for s in journey.stages)


def test_touchpoints_without_actors_export_without_actors() -> None:
    journey = load_journey(EMAIL_SHOP)
    tasks = [line for line in journey_to_mermaid(journey).splitlines()[3:] if "section" not in line]
    assert tasks and all(line.count(":") == 1 for line in tasks)


# --- JSON and CSV -----------------------------------------------------------------------------


def test_json_is_the_journey_as_written(tmp_path: pathlib.Path) -> None:
    from jsonschema import Draft202012Validator

    exported = json.loads(convert(tmp_path, EMAIL_SHOP, "shop.json").read_text(encoding="utf-8"))
    schema = json.loads((ROOT / "schemas" / "journey.schema.json").read_text(encoding="utf-8"))
    assert list(Draft202012Validator(schema).iter_errors(exported)) == []
    assert Journey.model_validate(exported) == load_journey(EMAIL_SHOP)
    document = load_document(EMAIL_SHOP, str(EMAIL_SHOP))
    assert document.data is not None and set(exported) == set(document.data)


def test_csv_is_the_render_table(tmp_path: pathlib.Path) -> None:
    exported = convert(tmp_path, EMAIL_SHOP, "shop.csv").read_text(encoding="utf-8")
    assert run_cjm("render", str(EMAIL_SHOP), "--to", "csv", "--out", str(tmp_path / "render")).exit_code == 0
    assert exported == (tmp_path / "render" / "email-shop-lifecycle.csv").read_text(encoding="utf-8")
    assert exported.startswith("\ufeffjourney,")  # UTF-8 with a BOM, so Excel reads it as such
    rows = list(csv.reader(io.StringIO(exported.removeprefix("\ufeff"))))
    kinds = [row[rows[0].index("row")] for row in rows[1:]]
    stages = load_journey(EMAIL_SHOP).stages
    # One stage row per stage, then one row per touchpoint and one per KPI.
    assert Counter(kinds) == {
        "stage": len(stages),
        "touchpoint": sum(len(s.touchpoints) for s in stages),
        "kpi": sum(len(s.kpis) for s in stages),
    }


def test_a_journey_in_a_workspace_converts(tmp_path: pathlib.Path) -> None:
    journey = next(p for p in (EXAMPLES / "front-doors").rglob("*.yaml") if p.name != "cjm.yaml")
    exported = convert(tmp_path, journey, "doors.csv")
    # A Russian map: Excel's Russian dialect, ';' between cells, after a BOM.
    assert exported.read_text(encoding="utf-8").startswith("\ufeffjourney;stage_index;")


# --- the command line -------------------------------------------------------------------------


def test_dash_writes_to_standard_output(tmp_path: pathlib.Path) -> None:
    source = corpus("05")
    result = run_cjm("convert", str(source), "-o", "-")  # a diagram only becomes YAML
    assert result.exit_code == 0
    assert result.stdout.startswith("# Converted by `cjm convert`")
    title = next(line.strip() for line in source.read_text(encoding="utf-8").splitlines() if "title" in line)
    assert f"\n{title.replace('title ', 'title: ')}\n" in result.stdout  # Korean kept as is
    shown = run_cjm("convert", str(EMAIL_SHOP), "--to", "json", "-o", "-")
    assert json.loads(shown.stdout)["id"] == "email-shop-lifecycle"
    assert list(tmp_path.iterdir()) == []


def test_invalid_journey_reports_like_validate(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "broken.yaml"
    source.write_text(EMAIL_SHOP.read_text(encoding="utf-8").replace("  - id: email\n", "  - idd: email\n"))
    target = tmp_path / "out.mmd"
    result = run_cjm("convert", str(source), "-o", str(target))
    validated = run_cjm("validate", str(source))
    assert result.exit_code == validated.exit_code == 1
    assert validated.stdout in result.stderr
    assert not target.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{mmd}", "-o", "{tmp}/out.txt"], "cannot tell which format"),
        (["{yaml}", "-o", "-"], "give --to (yaml, mermaid, json, csv)"),
        (["{mmd}", "-o", "{tmp}/out.csv"], "cannot convert mermaid to csv"),
        (["{yaml}", "-o", "{tmp}/out.yml"], "is already a cjm journey file (`cjm fmt` formats it)"),
        (["{tmp}/notes.txt", "-o", "{tmp}/out.yaml"], "cannot tell the format of"),
        (["{tmp}/missing.mmd", "-o", "{tmp}/out.yaml"], "does not exist"),
        (["{tmp}", "-o", "{tmp}/out.yaml"], "is a directory"),
        (["{mmd}", "-o", "{tmp}"], "is a folder"),
        (["{mmd}", "-o", "{mmd}", "--to", "yaml"], "is the input file"),
        (["{mmd}", "--to", "xml", "-o", "-"], "xml"),
        (["{mmd}"], "-o"),
        (["{workspace}", "-o", "-", "--to", "json"], "is a workspace file"),
    ],
)
def test_usage_errors_exit_2(tmp_path: pathlib.Path, args: list[str], message: str) -> None:
    (tmp_path / "notes.txt").write_text("journey\n", encoding="utf-8")
    values = {
        "mmd": str(corpus("01")),
        "yaml": str(EMAIL_SHOP),
        "tmp": str(tmp_path),
        "workspace": str(EXAMPLES / "front-doors" / "cjm.yaml"),
    }
    result = run_cjm("convert", *(arg.format(**values) for arg in args))
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_from_option_reads_an_unknown_extension(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "diagram.txt"
    source.write_text(corpus("01").read_text(encoding="utf-8"), encoding="utf-8")
    result = run_cjm("convert", str(source), "--from", "mermaid", "-o", "-")
    assert result.exit_code == 0
    assert "title: Customer Journey (Illustrative)" in result.stdout


def test_output_is_deterministic(tmp_path: pathlib.Path) -> None:
    for source in (corpus("19"), corpus("13")):
        # The second source writes over the first one's files: that takes --force.
        first = convert(tmp_path, source, "a.yaml", "--force").read_bytes()
        second = convert(tmp_path, source, "b/c.yaml", "--force").read_bytes()
        assert first == second
        assert convert(tmp_path, tmp_path / "a.yaml", "a.mmd", "--force").read_bytes() == (
            convert(tmp_path, tmp_path / "b" / "c.yaml", "b.mmd", "--force")
            .read_bytes()
            .replace(b"c.yaml", b"a.yaml")
        )


def test_help_ends_with_an_example() -> None:
    result = run_cjm("convert", "--help")
    assert result.exit_code == 0
    assert result.stdout.rstrip().splitlines()[-1].strip().startswith("cjm convert ")
