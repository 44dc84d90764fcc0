"""The journey flow diagram: Graphviz DOT, and SVG/PNG through `dot`.

Node ids are generated (``tp0``, ``tp1`` ...), never taken from the map, and
every label is an HTML-like label whose text is entity-escaped, so quotes,
braces, backslashes, angle brackets and newlines in a map cannot break the DOT.
HTML-like labels are XML, so characters XML cannot hold (NUL, ESC and the other
control characters, lone surrogates, U+FFFE/U+FFFF) are dropped, and each label is
cut to MAX_LABEL characters: Graphviz rejects or chokes on the rest.

The diagram is laid out for a slide: the stages wrap into rows (as many stages a row
as brings the picture closest to 16:9, from the stages' estimated sizes), each stage's
touchpoints stacked top to bottom, and the legend below everything. Names are wrapped
at word boundaries and shortened with "…"; the full text is the node's tooltip. The
legend lists only the emotions and channel kinds that occur, and each emotion is shown
by a sign (▲ +1, ▼ −2 ...) as well as by its colour.

A workspace whose segments are B2B stakeholders also gets a committee diagram
(:func:`render_committee_dot`): one lane per stakeholder's journey, side by side, its
stages in order, the channels several stakeholders share marked in every lane.
"""

from __future__ import annotations

import html
import itertools
import math
import re
import subprocess
import textwrap
from collections.abc import Collection, Mapping, Sequence

import graphviz  # type: ignore[import-untyped]

from cjmkit.i18n import N_, msg
from cjmkit.renderers import GRAPHVIZ, RenderFailure
from cjmkit.renderers.context import EMOTION_COLORS, NO_EMOTION_COLOR, JourneyView, StageView

#: Characters of a label, per line of the map's text and in all; longer text ends in "…".
MAX_LABEL = 400
#: Seconds `dot` may take for one diagram: a dense `next` graph can keep it busy for minutes.
DOT_TIMEOUT = 60.0
#: What XML 1.0 cannot hold (tab and line breaks are whitespace here, handled by splitlines).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
#: The slide the diagram is laid out for (16:9), and the characters of a wrapped line.
SLIDE_RATIO = 16 / 9
NAME_WIDTH, NAME_LINES = 28, 3
CHANNEL_WIDTH, CHANNEL_LINES = 34, 2
STAGE_WIDTH, STAGE_LINES = 30, 2
#: Segment kind whose journeys make up a buying committee.
STAKEHOLDER = "b2b-stakeholder"

#: The emotion scale's signs: shape and number, so the diagram reads without colour.
EMOTION_SIGNS = {2: "▲▲ +2", 1: "▲ +1", 0: "● 0", -1: "▼ −1", -2: "▼▼ −2"}
NO_EMOTION_SIGN = "?"
#: A backslash in a tooltip (see :func:`tooltip`).
BACKSLASH = "\u29f5"
#: Diagram texts (English msgids, translated in the diagram catalogue).
DIAGRAM_LABELS: dict[str, str] = {
    "emotion_2": N_("very positive"),
    "emotion_1": N_("positive"),
    "emotion_0": N_("neutral"),
    "emotion_-1": N_("negative"),
    "emotion_-2": N_("very negative"),
    "no_emotion": N_("emotion not set"),
    "kind_paid": N_("paid media"),
    "kind_owned": N_("owned media"),
    "kind_earned": N_("earned media"),
    "channel_kinds": N_("Channel kinds"),
    "shared": N_("channel shared by several stakeholders"),
    "shared_channels": N_("Shared channels"),
}
#: A channel kind's border on the touchpoint nodes (the legend shows the same).
KIND_STYLES = {"owned": "solid", "paid": "dashed", "earned": "dotted"}
FLAG_COLOR, BORDER_COLOR = "#b2182b", "#444444"


def _cut(value: str) -> str:
    return value if len(value) <= MAX_LABEL else value[: MAX_LABEL - 1] + "…"


def _escape(line: str) -> str:
    # dot expands \N, \G, \L ... even in HTML-like labels; a doubled backslash shows one.
    return html.escape(line, quote=True).replace("\\", "\\\\")


def text(value: object) -> str:
    """Map text inside an HTML-like label: escaped, one line per source line, no control characters."""
    lines = [_NOT_XML.sub("", line.replace("\t", " ")) for line in _cut(str(value)).splitlines()] or [""]
    return "<br/>".join(_escape(line) for line in lines)


def wrapped(value: object, width: int, lines: int) -> str:
    """Map text wrapped at word boundaries into at most ``lines`` lines, the last ending in "…"
    when the text is longer; escaped for an HTML-like label."""
    words = _NOT_XML.sub("", _cut(str(value))).split()
    rows = textwrap.wrap(" ".join(words), width, break_long_words=True, break_on_hyphens=False) or [""]
    if len(rows) > lines:
        rows = rows[:lines]
        last = rows[-1]
        rows[-1] = (last if len(last) < width else last[: width - 1].rstrip()) + "…"
    return "<br/>".join(_escape(row) for row in rows)


def _line_count(value: object, width: int, lines: int) -> int:
    return wrapped(value, width, lines).count("<br/>") + 1


def tooltip(*values: object) -> graphviz.quoting.NoHtml:
    """Map text as a tooltip: one line, no control characters, and entity-escaped like the labels.

    Graphviz copies entities into SVG as they are, so ``&lt;`` shows as "<" and no quote or
    angle bracket reaches the DOT string. A backslash becomes "⧵" (U+29F5, which looks the
    same): dot expands \\N, \\l ... in a tooltip even when the backslash is doubled or written
    ``&#92;``. ``nohtml``: graphviz must never take the text for an HTML-like label.
    """
    plain = " — ".join(" ".join(_NOT_XML.sub("", _cut(str(v))).split()) for v in values if v)
    return graphviz.nohtml(html.escape(plain, quote=True).replace("\\", BACKSLASH))


def _label(*rows: str) -> str:
    return "<" + "<br/>".join(rows) + ">"


def _small(value: str) -> str:
    return f"<font point-size='9'>{value}</font>" if value else ""


def _b(value: str) -> str:
    """Bold text; Graphviz rejects an empty <b></b> (a name of control characters only)."""
    return f"<b>{value}</b>" if value else ""


def _i(value: str) -> str:
    return f"<i>{value}</i>" if value else ""


def diagram_labels(view: JourneyView) -> dict[str, str]:
    gettext = view.locale.translator.gettext
    return {key: gettext(value) for key, value in DIAGRAM_LABELS.items()}


def emotion_sign(emotion: int | None) -> str:
    return EMOTION_SIGNS.get(emotion, NO_EMOTION_SIGN) if emotion is not None else NO_EMOTION_SIGN


# --- layout -------------------------------------------------------------------------------

#: Estimated sizes in points (Helvetica 11 pt, dot's default spacing), to choose the rows.
_STAGE_WIDTH = 240.0
_NODE_LINE, _NODE_PAD, _RANK_GAP = 13.0, 12.0, 20.0
_HEADER_LINE, _HEADER_PAD = 15.0, 20.0


def _stage_height(stage: StageView) -> float:
    header = _HEADER_PAD + _HEADER_LINE * (
        _line_count(stage.name, STAGE_WIDTH, STAGE_LINES) + (1 if stage.phase_label else 0)
    )
    nodes = sum(
        _NODE_PAD
        + _NODE_LINE
        * (
            _line_count(tp.name, NAME_WIDTH, NAME_LINES)
            + _line_count(tp.channel_name, CHANNEL_WIDTH, CHANNEL_LINES)
        )
        + _RANK_GAP
        for tp in stage.touchpoints
    )
    return header + max(nodes, _RANK_GAP)


def rows_of(heights: Sequence[float], extra_height: float = 120.0) -> int:
    """Stages a row: the count whose estimated picture is nearest 16:9 (fewer rows on a tie)."""
    best, best_distance = 1, math.inf
    for per_row in range(1, len(heights) + 1):
        rows = [heights[i : i + per_row] for i in range(0, len(heights), per_row)]
        width = per_row * _STAGE_WIDTH
        height = sum(max(row) for row in rows) + extra_height
        distance = abs(math.log(width / height / SLIDE_RATIO))
        if distance < best_distance - 1e-9:
            best, best_distance = per_row, distance
    return best


# --- the journey diagram ------------------------------------------------------------------


def _legend_cell(swatch: str, caption: str) -> str:
    return f"{swatch}<td align='left'>{caption}</td><td width='8'></td>"


def _legend(heading: str, lines: Sequence[str]) -> str:
    """The legend box: its heading, then each line as a table of its own (so the cells of one
    line never stretch to the widths of another's)."""
    inner = "<table border='0' cellspacing='2' cellpadding='2'>"
    body = "".join(f"<tr><td align='left'>{inner}<tr>{line}</tr></table></td></tr>" for line in lines)
    return (
        "<<table border='1' color='#cccccc' cellborder='0' cellspacing='2' cellpadding='2'>"
        f"<tr><td align='left'>{_b(heading)}</td></tr>{body}</table>>"
    )


def _emotion_line(view: JourneyView, words: Mapping[str, str], emotions: Collection[int | None]) -> str:
    """The emotions that occur, best first, as sign and colour; "?" only if one is not set."""
    cells = [
        _legend_cell(
            f"<td bgcolor='{EMOTION_COLORS[value]}' width='34'>{_escape(EMOTION_SIGNS[value])}</td>",
            text(words[f"emotion_{value}"]),
        )
        for value in sorted((e for e in emotions if e is not None and e in EMOTION_COLORS), reverse=True)
    ]
    if any(e not in EMOTION_COLORS for e in emotions):
        swatch = f"<td bgcolor='{NO_EMOTION_COLOR}' width='34'>{NO_EMOTION_SIGN}</td>"
        cells.append(_legend_cell(swatch, text(words["no_emotion"])))
    return f"<td align='left'>{_b(text(view.labels['emotion']))}</td>{''.join(cells)}"


def legend_label(view: JourneyView, words: Mapping[str, str]) -> str:
    """The legend: only the emotions, markers and channel kinds the diagram shows."""
    touchpoints = [tp for stage in view.stages for tp in stage.touchpoints]
    lines = [_emotion_line(view, words, {tp.emotion for tp in touchpoints})]
    used = {channel.kind for channel in view.channels}
    used_kinds = [kind for kind in KIND_STYLES if kind in used]
    kinds = [
        _legend_cell(
            f"<td style='{KIND_STYLES[kind]}' border='1' color='{BORDER_COLOR}' width='34'></td>",
            text(words[f"kind_{kind}"]),
        )
        for kind in used_kinds
    ]
    if kinds:
        lines.append(f"<td align='left'>{_b(text(words['channel_kinds']))}</td>{''.join(kinds)}")
    if any(tp.flagged for tp in touchpoints):
        swatch = f"<td border='2' color='{FLAG_COLOR}' width='34'></td>"
        lines.append(_legend_cell(swatch, text(view.labels["unresolved"])))
    return _legend(text(view.labels["legend"]), lines)


def build_graph(view: JourneyView) -> graphviz.Digraph:
    words = diagram_labels(view)
    graph = graphviz.Digraph(name="journey", comment=None)
    graph.attr(
        rankdir="TB",
        compound="true",
        newrank="true",
        fontname="Helvetica",
        labelloc="t",
        nodesep="0.25",
        ranksep="0.3",
        label=_label(_b(wrapped(view.title, 90, 2))),
        tooltip=tooltip(view.title),
    )
    graph.attr("node", shape="box", style="rounded,filled", fontname="Helvetica", fontsize="11", width="2.6")
    graph.attr("edge", color="#555555", arrowsize="0.7")
    ids = {touchpoint: f"tp{i}" for i, touchpoint in enumerate(view.flow.touchpoints)}
    kinds = {channel.id: channel.kind for channel in view.channels}
    ends: list[tuple[str, str]] = []  # the first and last node of each stage, in stage order
    for stage in view.stages:
        with graph.subgraph(name=f"cluster_{stage.index}") as cluster:
            title = _b(wrapped(stage.name, STAGE_WIDTH, STAGE_LINES))
            if stage.phase_label:
                title += f"<br/>{_i(text(stage.phase_label))}"
            cluster.attr(
                label=_label(title), tooltip=tooltip(stage.name), style="rounded", color="#999999",
                fontname="Helvetica",
            )  # fmt: skip
            if not stage.touchpoints:
                cluster.node(f"empty{stage.index}", label=" ", shape="point", style="invis")
                ends.append((f"empty{stage.index}", f"empty{stage.index}"))
                continue
            for touchpoint in stage.touchpoints:
                rows = [
                    _b(wrapped(touchpoint.name, NAME_WIDTH, NAME_LINES)),
                    _small(wrapped(touchpoint.channel_name, CHANNEL_WIDTH, CHANNEL_LINES)),
                    _small(_b(_escape(emotion_sign(touchpoint.emotion)))),
                ]
                style = KIND_STYLES.get(kinds.get(touchpoint.channel) or "", "solid")
                cluster.node(
                    ids[touchpoint.id],
                    label=_label(*rows),
                    tooltip=tooltip(touchpoint.name, touchpoint.channel_name),
                    fillcolor=touchpoint.color,
                    style=f"rounded,filled,{style}",
                    color=FLAG_COLOR if touchpoint.flagged else BORDER_COLOR,
                    penwidth="2.5" if touchpoint.flagged else "1",
                    peripheries="2" if touchpoint.flagged else "1",
                )
            stage_ids = [ids[tp.id] for tp in stage.touchpoints]
            for upper, lower in itertools.pairwise(stage_ids):
                cluster.edge(upper, lower, style="invis", weight="10")
            ends.append((stage_ids[0], stage_ids[-1]))
    per_row = rows_of([_stage_height(stage) for stage in view.stages]) if view.stages else 1
    grid = [ends[i : i + per_row] for i in range(0, len(ends), per_row)]
    for number, row in enumerate(grid):
        with graph.subgraph(name=f"row{number}") as line:
            line.attr(rank="same")
            for first, _last in row:
                line.node(first)
            for (left, _), (right, _) in itertools.pairwise(row):
                line.edge(left, right, style="invis", weight="5")
        # The next row starts below every stage of this one, aligned with its first stage.
        below = grid[number + 1][0][0] if number + 1 < len(grid) else "legend"
        for column, (_first, last) in enumerate(row):
            graph.edge(last, below, style="invis", weight="0" if column and below != "legend" else "1")
    for source, target in view.flow.edges:
        graph.edge(ids[source], ids[target], constraint="false")
    graph.node(
        "legend", label=legend_label(view, words), shape="plaintext", style="", fillcolor="white", margin="0"
    )
    return graph


def render_dot(view: JourneyView) -> str:
    source: str = build_graph(view).source
    return source


# --- the buying committee -----------------------------------------------------------------


def committee_title(workspace_name: str, view: JourneyView) -> str:
    return msg("Buying committee: {workspace}", workspace=workspace_name).render(view.locale.translator)


def build_committee(title: str, views: Sequence[JourneyView]) -> graphviz.Digraph:
    """Every stakeholder's journey as one lane, side by side; ``views`` in lane order."""
    first = views[0]
    words = diagram_labels(first)
    lanes_of: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for lane, view in enumerate(views):
        for stage in view.stages:
            for touchpoint in stage.touchpoints:
                names.setdefault(touchpoint.channel, touchpoint.channel_name)
                if lane not in lanes_of.setdefault(touchpoint.channel, []):
                    lanes_of[touchpoint.channel].append(lane)
    shared = [channel for channel, lanes in lanes_of.items() if len(lanes) > 1]
    marker = "◆"
    graph = graphviz.Digraph(name="committee", comment=None)
    graph.attr(
        rankdir="TB", newrank="true", fontname="Helvetica", labelloc="t", nodesep="0.3", ranksep="0.25",
        label=_label(_b(wrapped(title, 90, 2))), tooltip=tooltip(title),
    )  # fmt: skip
    graph.attr("node", shape="box", style="rounded,filled", fontname="Helvetica", fontsize="11", width="2.6")
    graph.attr("edge", color="#555555", arrowsize="0.7")
    heads: list[str] = []
    tails: list[str] = []
    emotions: set[int | None] = set()
    for lane, view in enumerate(views):
        with graph.subgraph(name=f"cluster_lane{lane}") as cluster:
            who = _lane_name(view)
            heading = _b(wrapped(who, STAGE_WIDTH, STAGE_LINES))
            if view.persona:
                heading += f"<br/>{_i(wrapped(view.persona.name, STAGE_WIDTH, 1))}"
            cluster.attr(
                label=_label(heading), tooltip=tooltip(who, view.title), style="rounded", color="#999999",
                fontname="Helvetica",
            )  # fmt: skip
            ids = [f"c{lane}s{number}" for number in range(len(view.stages))] or [f"c{lane}empty"]
            if not view.stages:
                cluster.node(ids[0], label=" ", shape="point", style="invis")
            for node, stage in zip(ids, view.stages, strict=False):
                emotions.add(stage.emotion)
                rows = [_b(wrapped(stage.name, STAGE_WIDTH, STAGE_LINES))]
                if stage.phase_label:
                    rows.append(_small(_i(text(stage.phase_label))))
                channels = list(dict.fromkeys(tp.channel for tp in stage.touchpoints))
                for channel in channels:
                    name = wrapped(names[channel], 40, 1)
                    rows.append(_small(f"<b>{marker} {name}</b>" if channel in shared else name))
                rows.append(_small(_b(_escape(emotion_sign(stage.emotion)))))
                cluster.node(
                    node,
                    label=_label(*rows),
                    tooltip=tooltip(stage.name, *(names[channel] for channel in channels)),
                    fillcolor=stage.emotion_color,
                    color=FLAG_COLOR if stage.flagged else BORDER_COLOR,
                    penwidth="2.5" if stage.flagged else "1",
                )
            for upper, lower in itertools.pairwise(ids):
                cluster.edge(upper, lower, weight="10")
            heads.append(ids[0])
            tails.append(ids[-1])
    with graph.subgraph(name="lanes") as line:
        line.attr(rank="same")
        for head in heads:
            line.node(head)
        for left, right in itertools.pairwise(heads):
            line.edge(left, right, style="invis")
    for tail in tails:
        graph.edge(tail, "legend", style="invis")
    graph.node(
        "legend", label=committee_legend(first, words, emotions, [(names[c], lanes_of[c]) for c in shared],
                                         views),
        shape="plaintext", style="", fillcolor="white", margin="0",
    )  # fmt: skip
    return graph


def committee_legend(
    view: JourneyView, words: Mapping[str, str], emotions: Collection[int | None],
    shared: Sequence[tuple[str, Sequence[int]]], views: Sequence[JourneyView],
) -> str:  # fmt: skip
    """Stage emotions that occur, and every shared channel with the stakeholders who meet it."""
    lines = [_emotion_line(view, words, emotions)]
    if shared:
        lines.append(
            f"<td align='left'><b>◆ {text(words['shared_channels'])}</b> ({text(words['shared'])})</td>"
        )
    for name, lanes in shared:
        who = ", ".join(_lane_name(views[lane]) for lane in lanes)
        lines.append(f"<td align='left'>◆ {_b(wrapped(name, 60, 1))}: {wrapped(who, 110, 2)}</td>")
    return _legend(text(view.labels["legend"]), lines)


def _lane_name(view: JourneyView) -> str:
    return view.segment.name if view.segment else view.title


def render_committee_dot(title: str, views: Sequence[JourneyView]) -> str:
    source: str = build_committee(title, views).source
    return source


def render_committee(title: str, views: Sequence[JourneyView], fmt: str) -> str | bytes:
    """The committee diagram as DOT source (``fmt`` "dot") or drawn by `dot` (svg, png)."""
    source = render_committee_dot(title, views)
    return source if fmt == "dot" else run_dot(source, fmt)


def is_stakeholder(view: JourneyView) -> bool:
    return view.segment is not None and view.segment.kind == STAKEHOLDER


# --- drawing ------------------------------------------------------------------------------


def render_with_dot(view: JourneyView, fmt: str) -> bytes:
    """The diagram drawn by `dot`; a failure or a run over DOT_TIMEOUT fails this map only."""
    return run_dot(render_dot(view), fmt)


def run_dot(text_source: str, fmt: str) -> bytes:
    """``text_source`` drawn by `dot` in ``fmt``; a failure or a run over DOT_TIMEOUT is a RenderFailure."""
    source = text_source.encode("utf-8")
    try:
        # S603/S607: a fixed program and a format from the registry; the map only reaches dot's
        # standard input, as escaped DOT. `dot` is looked up on PATH as every Graphviz user expects.
        done = subprocess.run(  # noqa: S603
            ["dot", f"-T{fmt}"],  # noqa: S607
            input=source,
            capture_output=True,
            timeout=DOT_TIMEOUT,
            check=False,
        )
    except FileNotFoundError as error:
        raise GRAPHVIZ.missing([fmt]) from error
    except subprocess.TimeoutExpired:
        raise RenderFailure(
            f"Graphviz's dot took longer than {DOT_TIMEOUT:g} s to draw the {fmt.upper()} diagram "
            "(a dense `next` graph?); stopped"
        ) from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = f": {reason[0][:200]}" if reason else ""
        raise RenderFailure(f"Graphviz's dot could not draw the {fmt.upper()} diagram{detail}")
    return done.stdout
