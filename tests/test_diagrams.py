"""The flow diagram laid out for a slide, its legend, and the B2B buying-committee diagram,
all checked on what Graphviz's real `dot` draws (``dot -Tjson``)."""

from __future__ import annotations

import itertools
import json
import pathlib
import re
import subprocess
from typing import Any

import pytest

from cjmkit.renderers import dot as dot_renderer
from conftest import EXAMPLES, FIXTURES, run_cjm

HOSTILE = FIXTURES / "hostile" / "journey.yaml"
B2B = EXAMPLES / "b2b-crm"
COMMITTEE = "pulseboard-crm-buying-committee-cjm-fy2026-committee"
#: 16:9 ± 50 %: a diagram must fit a slide without shrinking into a strip.
RATIO_BOUNDS = (16 / 9 * 0.5, 16 / 9 * 1.5)


def drawn(path: pathlib.Path) -> dict[str, Any]:
    """What `dot` makes of a DOT file, as Graphviz's JSON (positions in points, y upwards)."""
    process = subprocess.run(["dot", "-Tjson", str(path)], capture_output=True, text=True, check=False)
    assert process.returncode == 0 and not process.stderr, (path.name, process.stderr)
    result: dict[str, Any] = json.loads(process.stdout)
    return result


def box(value: str) -> tuple[float, ...]:
    return tuple(float(part) for part in value.split(","))


def objects(graph: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in graph.get("objects", [])}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("diagrams")
    result = run_cjm("render", str(EXAMPLES), str(HOSTILE), "--to", "dot,svg", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    return out


def journey_diagrams(folder: pathlib.Path) -> list[pathlib.Path]:
    return sorted(p for p in folder.glob("*.dot") if not p.stem.endswith("-committee"))


def test_every_diagram_fits_a_slide(rendered: pathlib.Path) -> None:
    paths = journey_diagrams(rendered)
    assert len(paths) == 8  # seven example journeys (one a future map) and the hostile map
    assert rendered / "doors-homeowners-future.dot" in paths
    for path in [*paths, rendered / f"{COMMITTEE}.dot"]:
        left, bottom, right, top = box(drawn(path)["bb"])
        ratio = (right - left) / (top - bottom)
        assert RATIO_BOUNDS[0] <= ratio <= RATIO_BOUNDS[1], (path.name, round(ratio, 2))


def test_the_eleven_stages_wrap_into_rows_in_order(rendered: pathlib.Path) -> None:
    """front-doors (11 stages) was one 7185 pt wide row: now rows, read left to right, top down."""
    found = objects(drawn(rendered / "doors-homeowners.dot"))
    stages = [box(found[f"cluster_{n}"]["bb"]) for n in range(11)]
    tops = sorted({round(stage[3]) for stage in stages}, reverse=True)
    assert len({round(stage[3] / 100) for stage in stages}) >= 2  # more than one row
    for before, after in itertools.pairwise(stages):
        same_row = abs(before[3] - after[3]) < 30
        assert (same_row and before[2] < after[0]) or (not same_row and after[3] < before[3]), tops


def test_the_legend_is_below_the_graph(rendered: pathlib.Path) -> None:
    for path in [*journey_diagrams(rendered), rendered / f"{COMMITTEE}.dot"]:
        found = objects(drawn(path))
        legend_top = box(found["legend"]["pos"])[1] + float(found["legend"]["height"]) * 72 / 2
        lowest = min(box(item["bb"])[1] for name, item in found.items() if name.startswith("cluster_"))
        assert legend_top < lowest, path.name


def legend_of(path: pathlib.Path) -> str:
    source = path.read_text(encoding="utf-8")
    match = re.search(r"^\s*legend \[label=(<.*>)", source, re.MULTILINE)
    assert match, path.name
    return match.group(1)


def node_labels(path: pathlib.Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    return re.findall(r"^\s*tp\d+ \[label=(<.*?>>) ", source, re.MULTILINE)


def test_the_legend_lists_only_the_emotions_and_kinds_that_occur(rendered: pathlib.Path) -> None:
    email = rendered / "email-shop-lifecycle.dot"
    legend = legend_of(email)
    labels = node_labels(email)
    assert len(labels) == 23
    for value, sign in dot_renderer.EMOTION_SIGNS.items():
        on_nodes = any(f"<b>{sign}</b>" in label for label in labels)
        assert (sign in legend) == on_nodes, (value, sign)
    assert "▼▼ −2" not in legend and "▲▲ +2" in legend  # no touchpoint is at −2, one is at +2
    assert "owned media" in legend and "paid media" not in legend and "earned media" not in legend
    assert "emotion not set" not in legend and "'>?</td>" not in legend  # every touchpoint has one
    assert "Channel: " not in legend  # no row per channel: the nodes name their channel
    doors = legend_of(rendered / "doors-homeowners.dot")
    assert all(f"style='{style}'" in doors for style in ("solid", "dashed", "dotted"))  # all three kinds


def test_a_touchpoint_without_emotion_gets_the_question_mark(rendered: pathlib.Path) -> None:
    hostile = rendered / "hostile.dot"
    labels = node_labels(hostile)
    assert any("<b>?</b>" in label for label in labels)  # tp-two has no emotion
    legend = legend_of(hostile)
    assert "'>?</td>" in legend and "emotion not set" in legend
    assert "unanswered objection or barrier" in legend  # the hostile stage is flagged


def test_long_names_are_wrapped_and_shortened_with_the_full_text_in_the_tooltip(
    tmp_path: pathlib.Path,
) -> None:
    name = "Follow-up call from the regional account manager about the renewal terms and the discount"
    path = tmp_path / "long.yaml"
    path.write_text(
        "cjm: 1\nid: long\ntitle: Long\nlocale: en\nchannels:\n  - id: web\n    name: Website\n"
        "stages:\n  - id: one\n    name: One\n    touchpoints:\n"
        f"      - id: call\n        name: {name}\n        channel: web\n        emotion: 1\n",
        encoding="utf-8",
    )
    assert run_cjm("render", str(path), "--to", "dot", "--out", str(tmp_path / "out")).exit_code == 0
    source = (tmp_path / "out" / "long.dot").read_text(encoding="utf-8")
    label = node_labels(tmp_path / "out" / "long.dot")[0]
    shown = re.search(r"<b>(.*?)</b>", label)
    assert shown
    lines = shown.group(1).split("<br/>")
    assert len(lines) == dot_renderer.NAME_LINES and lines[-1].endswith("…")
    assert all(len(line) <= dot_renderer.NAME_WIDTH for line in lines)
    assert all(not line.startswith(" ") and not line.rstrip("…").endswith(" ") for line in lines)
    assert " ".join(lines).rstrip("…") in name  # cut at word boundaries, in order
    assert f'tooltip="{name} — Website"' in source


def test_russian_diagram_texts_come_from_the_catalogue(rendered: pathlib.Path) -> None:
    legend = legend_of(rendered / "doors-homeowners.dot")
    assert "Легенда" in legend and "Эмоция" in legend
    assert "позитивная" in legend and "платные медиа" in legend and "Типы каналов" in legend
    assert "positive" not in legend and "media" not in legend


def test_the_committee_has_one_lane_per_stakeholder_journey(rendered: pathlib.Path) -> None:
    path = rendered / f"{COMMITTEE}.dot"
    assert (rendered / f"{COMMITTEE}.svg").read_bytes().startswith(b"<?xml")
    found = objects(drawn(path))
    lanes = sorted(name for name in found if name.startswith("cluster_lane"))
    assert lanes == [f"cluster_lane{n}" for n in range(4)]
    source = path.read_text(encoding="utf-8")
    order = [source.index(name) for name in ("Economic buyer (CFO)", "Champion (Head of Sales)",
                                             "IT and security", "End users (sales reps")]  # fmt: skip
    assert order == sorted(order)  # the workspace's segment order
    # Side by side: the lanes' boxes do not overlap horizontally and share the top.
    boxes = [box(found[lane]["bb"]) for lane in lanes]
    for left, right in itertools.pairwise(boxes):
        assert left[2] < right[0]
    # Each lane holds its journey's stages in order, chained top to bottom.
    stages = {"cluster_lane0": 4, "cluster_lane1": 6, "cluster_lane2": 3, "cluster_lane3": 4}
    for number, lane in enumerate(lanes):
        ids = [f"c{number}s{s}" for s in range(stages[lane])]
        heights = [box(found[node]["pos"])[1] for node in ids]
        assert heights == sorted(heights, reverse=True), lane
        assert all(f"{a} -> {b}" in source for a, b in itertools.pairwise(ids))
    # Shared channels are marked in the lanes and listed in the legend with their stakeholders.
    assert source.count("◆ Email (nurture") >= 4
    assert (
        "Customer success managers</b>: Economic buyer (CFO), Champion (Head of Sales), IT and security"
        in (source)
    )


def test_no_committee_for_a_workspace_without_stakeholders(tmp_path: pathlib.Path) -> None:
    result = run_cjm("render", str(EXAMPLES / "front-doors"), "--to", "dot,svg", "--out", str(tmp_path))
    assert result.exit_code == 0
    # The folder holds the current map and its future map: two journeys, no committee.
    stems = ("doors-homeowners", "doors-homeowners-future")
    names = [f"{stem}.{ext}" for stem in stems for ext in ("dot", "svg")]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)


def test_the_committee_is_only_drawn_for_diagram_formats(tmp_path: pathlib.Path) -> None:
    assert run_cjm("render", str(B2B), "--to", "md", "--out", str(tmp_path)).exit_code == 0
    assert not list(tmp_path.glob("*committee*"))
    one = B2B / "journeys" / "champion.yaml"  # one stakeholder is no committee
    assert run_cjm("render", str(one), "--to", "dot", "--out", str(tmp_path / "one")).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == ["b2b-champion.dot"]


def test_diagrams_are_deterministic(tmp_path: pathlib.Path) -> None:
    for run in ("a", "b"):
        result = run_cjm("render", str(EXAMPLES), "--to", "dot,svg", "--out", str(tmp_path / run))
        assert result.exit_code == 0
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert f"{COMMITTEE}.dot" in names and f"{COMMITTEE}.svg" in names
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


HOSTILE_TEXT = 'Evil "q" }{ \\l \\N <br/> <script>x</script> ]; digraph x {'


def hostile_workspace(folder: pathlib.Path) -> pathlib.Path:
    """A B2B workspace whose names carry DOT, HTML and escape metacharacters everywhere."""
    quoted = json.dumps(HOSTILE_TEXT)
    first, second = json.dumps("A " + HOSTILE_TEXT), json.dumps("B " + HOSTILE_TEXT + "\x1b[31m\x07")
    channel = json.dumps("Web " + HOSTILE_TEXT + " ends in a backslash \\")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cjm.yaml").write_text(
        f"cjm: 1\nname: {quoted}\nlocale: en\nsegments:\n"
        f"  - id: a\n    name: {first}\n    kind: b2b-stakeholder\n"
        f"  - id: b\n    name: {second}\n    kind: b2b-stakeholder\n"
        f"channels:\n  - id: web\n    name: {channel}\n    kind: owned\n",
        encoding="utf-8",
    )
    for segment in ("a", "b"):
        (folder / f"{segment}.yaml").write_text(
            f"cjm: 1\nid: j-{segment}\ntitle: {quoted}\nsegment: {segment}\n"
            f"stages:\n  - id: s\n    name: {quoted}\n    emotion: 1\n    touchpoints:\n"
            f"      - id: t\n        name: {quoted}\n        channel: web\n        emotion: -1\n",
            encoding="utf-8",
        )
    return folder


def test_hostile_names_are_inert_in_the_committee(tmp_path: pathlib.Path) -> None:
    result = run_cjm(
        "render", str(hostile_workspace(tmp_path / "ws")), "--to", "dot,svg", "--out", str(tmp_path / "out")
    )
    assert result.exit_code == 0, result.stderr
    committees = sorted((tmp_path / "out").glob("*-committee.dot"))
    assert [p.name for p in committees] == ["evil-q-l-n-br-script-x-script-digraph-x-committee.dot"]
    source = committees[0].read_text(encoding="utf-8")
    assert "<script>" not in source and "&lt;script&gt;" in source
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", source)
    node_ids = re.findall(r"^\s*(\S+) \[label=", source, re.MULTILINE)
    assert node_ids == ["c0s0", "c1s0", "legend"]  # ids are generated, never map text
    found = objects(drawn(committees[0]))
    assert sorted(name for name in found if name.startswith("cluster_")) == ["cluster_lane0", "cluster_lane1"]
    svg = (tmp_path / "out" / committees[0].name.replace(".dot", ".svg")).read_text(encoding="utf-8")
    assert "<script" not in svg
    assert "Evil &quot;q&quot; }{ \\l \\N &lt;br/&gt;" in svg  # shown literally, in labels and tooltips


def test_hostile_tooltips_are_plain_dot_strings(rendered: pathlib.Path) -> None:
    source = (rendered / "hostile.dot").read_text(encoding="utf-8")
    tooltips = re.findall(r'tooltip=("(?:[^"\\]|\\.)*"|[^\s\]]+)', source)
    assert tooltips and all(t.startswith('"') or re.fullmatch(r"\w+", t) for t in tooltips)
    assert "<" not in "".join(tooltips) and '\\"' not in "".join(tooltips)  # entities, as in labels
    assert "\\" not in "".join(tooltips)  # dot would expand \N even when doubled
    assert 'tooltip="Touch &quot;one&quot; }{ ⧵l ⧵N &lt;br/&gt;' in source
    # Drawn, a tooltip shows the text itself, never an expanded escape or a markup element.
    svg = (rendered / "hostile.svg").read_text(encoding="utf-8")
    assert 'xlink:title="Touch &quot;one&quot; }{ ⧵l ⧵N &lt;br/&gt;' in svg
