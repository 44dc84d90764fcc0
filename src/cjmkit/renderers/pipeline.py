"""Render a project: one file per journey per format, plus a workspace index."""

from __future__ import annotations

import base64
import mimetypes
import pathlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import jinja2

from cjmkit.analysis import AnalysisResult
from cjmkit.errors import CjmError, UsageError
from cjmkit.loading.document import Document
from cjmkit.output import write_atomic
from cjmkit.project import Project
from cjmkit.renderers import check_prerequisites, formats_named
from cjmkit.renderers.context import Brand, JourneyView, journey_view
from cjmkit.renderers.environment import make_environment

T = TypeVar("T")
MAX_LOGO_BYTES = 2 * 1024 * 1024
LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
              ".svg": "image/svg+xml", ".webp": "image/webp"}  # fmt: skip


@dataclass
class RenderResult:
    written: list[pathlib.Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, why)


def logo_data_uri(path: pathlib.Path) -> str:
    """The logo embedded as a data: URI, so the HTML fetches nothing."""
    kind = LOGO_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
    if kind not in LOGO_TYPES.values():
        raise UsageError(f"logo {path}: use a PNG, JPEG, GIF, WebP or SVG file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read the logo {path}: {error.strerror or error}") from None
    if len(data) > MAX_LOGO_BYTES:
        raise UsageError(f"logo {path} is larger than {MAX_LOGO_BYTES // 1024} KiB")
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def safely(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Template mistakes (often in a user's --templates folder) become one clear error."""
    try:
        return call(*args, **kwargs)
    except jinja2.TemplateSyntaxError as error:
        raise CjmError(f"template {error.filename or error.name}:{error.lineno}: {error.message}") from None
    except jinja2.TemplateError as error:
        raise CjmError(f"template error: {type(error).__name__}: {error}") from None


def output_names(journeys: Sequence[Document]) -> dict[pathlib.Path, str]:
    """Output file stem per journey: its id, made unique if two standalone maps share one."""
    names: dict[pathlib.Path, str] = {}
    taken: set[str] = set()
    for document in journeys:
        assert document.journey is not None
        stem = document.journey.id
        candidate, number = stem, 2
        while candidate in taken:
            candidate, number = f"{stem}-{number}", number + 1
        taken.add(candidate)
        names[document.path] = candidate
    return names


def render_project(
    project: Project,
    analysis: AnalysisResult,
    formats: Sequence[str],
    out: pathlib.Path,
    brand_for: Callable[[Document | None], Brand],
    templates: pathlib.Path | None = None,
    locale: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> RenderResult:
    """Render every requested, valid journey; invalid ones are listed in ``failed``."""
    specs = formats_named(formats)
    check_prerequisites(specs)
    environment = make_environment(templates)
    result = RenderResult()
    valid = []
    for document in (d for d in project.journeys if d.requested):
        if document.journey is not None and not document.diagnostics:
            valid.append(document)
        else:
            result.failed.append((document.display, f"{len(document.diagnostics)} validation error(s)"))
    names = output_names(valid)
    views: list[JourneyView] = []
    for document in valid:
        workspace = project.workspace_for(document)
        view = journey_view(
            document, workspace, analysis, brand_for(workspace), locale, output_name=names[document.path]
        )
        views.append(view)
        for spec in specs:
            target = out / f"{view.output_name}.{spec.extension}"
            write_atomic(target, safely(spec.render, view, environment))
            result.written.append(target)
        if progress:
            progress(document.display)
    if "html" in formats and views and (project.workspaces or len(views) > 1):
        template = safely(environment.get_template, "index.html.j2")
        index = safely(template.render, views=views, brand=views[0].brand, labels=views[0].labels)
        target = out / "index.html"
        write_atomic(target, index)
        result.written.append(target)
    return result
