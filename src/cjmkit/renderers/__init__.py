"""Renderers behind one registry: ``--to`` choices, their help and the checks of what each
format needs all come from FORMATS, so adding a format is adding one entry.

This module stays import-light (no jinja2, graphviz or analysis): each render function
imports its renderer when called, so naming, listing and checking formats costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cjmkit.errors import CjmError, UsageError

if TYPE_CHECKING:  # keeps `import cjmkit.renderers.filters` free of jinja2 and the analysis
    import jinja2

    from cjmkit.renderers.context import JourneyView

Render = Callable[["JourneyView", "jinja2.Environment"], str | bytes]


class MissingPrerequisite(CjmError):
    """A requested format needs a program or package that is not installed."""


class RenderFailure(CjmError):
    """One map could not be drawn (Graphviz failed or ran too long); the other maps still render."""


@dataclass(frozen=True)
class Prerequisite:
    """A program or optional package a format cannot do without, checked before anything is written."""

    name: str
    available: Callable[[], bool]
    #: What is missing and how to install it; ``{formats}`` becomes the formats that need it.
    install: str

    def missing(self, formats: Iterable[str]) -> MissingPrerequisite:
        return MissingPrerequisite(self.install.format(formats="/".join(f.upper() for f in formats)))


def _program(name: str) -> Callable[[], bool]:
    def available() -> bool:
        import shutil

        return shutil.which(name) is not None

    return available


def _package(name: str) -> Callable[[], bool]:
    def available() -> bool:
        import importlib.util

        return importlib.util.find_spec(name) is not None

    return available


GRAPHVIZ = Prerequisite(
    "Graphviz",
    _program("dot"),
    "Graphviz's `dot` program is not installed, so {formats} cannot be drawn "
    "(`--to dot` works without it). Install Graphviz: `sudo apt-get install graphviz` "
    "(Debian/Ubuntu), `brew install graphviz` (macOS), or see https://graphviz.org/download/",
)
WEASYPRINT = Prerequisite(
    "WeasyPrint",
    _package("weasyprint"),
    "PDF output needs WeasyPrint, which is not installed. Install it with "
    "`pip install 'cjmkit[pdf]'` (in this checkout: `.venv/bin/pip install -e '.[pdf]'`).",
)


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    render: Render
    summary: str
    prerequisites: tuple[Prerequisite, ...] = ()

    @property
    def description(self) -> str:
        """The summary, plus what must be installed first."""
        if not self.prerequisites:
            return self.summary
        return f"{self.summary} (needs {' and '.join(p.name for p in self.prerequisites)})"


def _journey_template(name: str, view: JourneyView, environment: jinja2.Environment) -> str:
    from cjmkit.renderers.environment import template_values

    return environment.get_template(name).render(template_values(environment, {"view": view}))


def _markdown(view: JourneyView, environment: jinja2.Environment) -> str:
    return _journey_template("journey.md.j2", view, environment)


def _html(view: JourneyView, environment: jinja2.Environment) -> str:
    return _journey_template("journey.html.j2", view, environment)


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


def _xlsx(view: JourneyView, environment: jinja2.Environment) -> bytes:
    from cjmkit.renderers.xlsx import render_xlsx

    return render_xlsx(view)


FORMATS: dict[str, Format] = {
    f.name: f
    for f in [
        Format("html", "html", _html, "self-contained HTML deliverable (the classic CJM grid)"),
        Format("md", "md", _markdown, "GitHub-flavoured Markdown report with a Mermaid journey"),
        Format("pdf", "pdf", _pdf, "the HTML deliverable as a landscape PDF", (WEASYPRINT,)),
        Format("dot", "dot", _dot, "Graphviz source of the touchpoint flow diagram"),
        Format("svg", "svg", _graphviz("svg"), "the flow diagram as SVG", (GRAPHVIZ,)),
        Format("png", "png", _graphviz("png"), "the flow diagram as PNG", (GRAPHVIZ,)),
        Format("csv", "csv", _csv, "one row per stage and touchpoint, for spreadsheets"),
        Format("json", "json", _json, "the resolved map plus its analysis"),
        Format("xlsx", "xlsx", _xlsx, "Excel workbook: the grid, the funnel with live formulas, the KPIs"),
    ]
}
DEFAULT_FORMATS = ("html", "md")


def formats_help() -> str:
    """The ``--to`` help: every format with what it makes."""
    listing = "; ".join(f"{f.name}: {f.description}" for f in FORMATS.values())
    return f"Comma-separated formats: {listing}."


def format_choices() -> str:
    """Every format with what it makes, one a line, for messages."""
    width = max(len(name) for name in FORMATS)
    return "\n".join(f"  {f.name:<{width}}  {f.description}" for f in FORMATS.values())


def formats_named(names: Iterable[str]) -> tuple[Format, ...]:
    """The formats of ``names`` in order; an unknown name, or none, is a usage error listing the choices."""
    found = []
    for name in names:
        if name not in FORMATS:
            raise UsageError(f"unknown format {name!r}; choose from:\n{format_choices()}")
        found.append(FORMATS[name])
    if not found:
        raise UsageError(f"no format given; choose from:\n{format_choices()}")
    return tuple(found)


def check_prerequisites(formats: Sequence[Format]) -> None:
    """Raise MissingPrerequisite, naming every requested format it stops, before any work is done."""
    needed: dict[Prerequisite, list[str]] = {}
    for spec in formats:
        for prerequisite in spec.prerequisites:
            needed.setdefault(prerequisite, []).append(spec.name)
    for prerequisite, names in needed.items():
        if not prerequisite.available():
            raise prerequisite.missing(names)
