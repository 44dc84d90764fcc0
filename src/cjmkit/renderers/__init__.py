"""Renderers behind one registry: ``--to`` choices come from FORMATS."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # keeps `import cjmkit.renderers.filters` free of jinja2 and the analysis
    import jinja2

    from cjmkit.renderers.context import JourneyView

Render = Callable[["JourneyView", "jinja2.Environment"], str | bytes]


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    render: Render
    summary: str


def _markdown(view: JourneyView, environment: jinja2.Environment) -> str:
    return environment.get_template("journey.md.j2").render(view=view)


def _html(view: JourneyView, environment: jinja2.Environment) -> str:
    return environment.get_template("journey.html.j2").render(view=view)


def _pdf(view: JourneyView, environment: jinja2.Environment) -> bytes:
    from cjmkit.renderers.pdf import html_to_pdf

    return html_to_pdf(_html(view, environment))


def _dot(view: JourneyView, environment: jinja2.Environment) -> str:
    from cjmkit.renderers.dot import render_dot

    return render_dot(view)


def _graphviz(fmt: str) -> Render:
    def render(view: JourneyView, environment: jinja2.Environment) -> bytes:
        from cjmkit.renderers.dot import render_with_dot

        return render_with_dot(view, fmt)

    return render


def _csv(view: JourneyView, environment: jinja2.Environment) -> str:
    from cjmkit.renderers.data import render_csv

    return render_csv(view)


def _json(view: JourneyView, environment: jinja2.Environment) -> str:
    from cjmkit.renderers.data import render_json

    return render_json(view)


FORMATS: dict[str, Format] = {
    f.name: f
    for f in [
        Format("html", "html", _html, "self-contained HTML deliverable (the classic CJM grid)"),
        Format("md", "md", _markdown, "GitHub-flavoured Markdown report with a Mermaid journey"),
        Format("pdf", "pdf", _pdf, "the HTML deliverable as a landscape PDF (needs cjmkit[pdf])"),
        Format("dot", "dot", _dot, "Graphviz source of the touchpoint flow diagram"),
        Format("svg", "svg", _graphviz("svg"), "the flow diagram as SVG (needs Graphviz)"),
        Format("png", "png", _graphviz("png"), "the flow diagram as PNG (needs Graphviz)"),
        Format("csv", "csv", _csv, "one row per stage and touchpoint, for spreadsheets"),
        Format("json", "json", _json, "the resolved map plus its analysis"),
    ]
}
DEFAULT_FORMATS = ("html", "md")
NEEDS_DOT = frozenset({"svg", "png"})
