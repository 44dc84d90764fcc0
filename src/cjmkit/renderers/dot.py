"""The journey flow diagram: Graphviz DOT, and SVG/PNG through `dot`.

Node ids are generated (``tp0``, ``tp1`` ...), never taken from the map, and
every label is an HTML-like label whose text is entity-escaped, so quotes,
braces, backslashes, angle brackets and newlines in a map cannot break the DOT.
HTML-like labels are XML, so characters XML cannot hold (NUL, ESC and the other
control characters, lone surrogates, U+FFFE/U+FFFF) are dropped, and each label is
cut to MAX_LABEL characters: Graphviz rejects or chokes on the rest.
"""

from __future__ import annotations

import html
import re
import subprocess

import graphviz  # type: ignore[import-untyped]

from cjmkit.renderers import GRAPHVIZ, RenderFailure
from cjmkit.renderers.context import EMOTION_COLORS, NO_EMOTION_COLOR, JourneyView

#: Characters of a label, per line of the map's text and in all; longer text ends in "…".
MAX_LABEL = 400
#: Seconds `dot` may take for one diagram: a dense `next` graph can keep it busy for minutes.
DOT_TIMEOUT = 60.0
#: What XML 1.0 cannot hold (tab and line breaks are whitespace here, handled by splitlines).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _cut(value: str) -> str:
    return value if len(value) <= MAX_LABEL else value[: MAX_LABEL - 1] + "…"


def text(value: object) -> str:
    """Map text inside an HTML-like label: escaped, one line per source line, no control characters."""
    lines = [_NOT_XML.sub("", line.replace("\t", " ")) for line in _cut(str(value)).splitlines()] or [""]
    # dot expands \N, \G, \L ... even in HTML-like labels; a doubled backslash shows one.
    return "<br/>".join(html.escape(line, quote=True).replace("\\", "\\\\") for line in lines)


def _label(*rows: str) -> str:
    return "<" + "<br/>".join(rows) + ">"


def build_graph(view: JourneyView) -> graphviz.Digraph:
    graph = graphviz.Digraph(name="journey", comment=None)
    graph.attr(
        rankdir="LR",
        compound="true",
        newrank="true",
        fontname="Helvetica",
        labelloc="t",
        label=_label(f"<b>{text(view.title)}</b>"),
    )
    graph.attr("node", shape="box", style="rounded,filled", fontname="Helvetica", fontsize="11")
    graph.attr("edge", color="#555555", arrowsize="0.7")
    ids = {touchpoint: f"tp{i}" for i, touchpoint in enumerate(view.flow.touchpoints)}
    for stage in view.stages:
        with graph.subgraph(name=f"cluster_{stage.index}") as cluster:
            title = f"<b>{text(stage.name)}</b>"
            if stage.phase_label:
                title += f"<br/><i>{text(stage.phase_label)}</i>"
            cluster.attr(label=_label(title), style="rounded", color="#999999", fontname="Helvetica")
            if not stage.touchpoints:
                cluster.node(f"empty{stage.index}", label=" ", shape="point", style="invis")
            for touchpoint in stage.touchpoints:
                rows = [
                    f"<b>{text(touchpoint.name)}</b>",
                    f"<font point-size='9'>{text(touchpoint.channel_name)}</font>",
                ]
                border = "#b2182b" if touchpoint.flagged else "#444444"
                cluster.node(
                    ids[touchpoint.id],
                    label=_label(*rows),
                    fillcolor=touchpoint.color,
                    color=border,
                    penwidth="2.5" if touchpoint.flagged else "1",
                    peripheries="2" if touchpoint.flagged else "1",
                )
    for source, target in view.flow.edges:
        graph.edge(ids[source], ids[target])
    with graph.subgraph(name="cluster_legend") as legend:
        labels = view.labels
        legend.attr(label=_label(f"<b>{text(labels['legend'])}</b>"), style="rounded", color="#cccccc")
        emotion = text(labels["emotion"])
        legend_rows = "".join(
            f"<tr><td bgcolor='{color}' width='14'></td><td align='left'>{emotion} {value:+d}</td></tr>"
            for value, color in sorted(EMOTION_COLORS.items())
        )
        legend_rows += f"<tr><td bgcolor='{NO_EMOTION_COLOR}'></td><td align='left'>{emotion} ?</td></tr>"
        legend_rows += (
            f"<tr><td border='2' color='#b2182b'></td><td align='left'>{text(labels['unresolved'])}</td></tr>"
        )
        for channel in view.channels:
            legend_rows += (
                f"<tr><td></td><td align='left'>{text(labels['channel'])}: {text(channel.name)}</td></tr>"
            )
        legend.node(
            "legend",
            shape="plaintext",
            style="",
            fillcolor="white",
            label=f"<<table border='0' cellspacing='2'>{legend_rows}</table>>",
        )
    return graph


def render_dot(view: JourneyView) -> str:
    source: str = build_graph(view).source
    return source


def render_with_dot(view: JourneyView, fmt: str) -> bytes:
    """The diagram drawn by `dot`; a failure or a run over DOT_TIMEOUT fails this map only."""
    source = render_dot(view).encode("utf-8")
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
