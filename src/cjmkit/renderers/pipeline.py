"""Render a project: one file per journey per format, plus a workspace index."""

from __future__ import annotations

import base64
import mimetypes
import pathlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import jinja2

from cjmkit.analysis import AnalysisResult
from cjmkit.compare import Comparison
from cjmkit.errors import CjmError, UsageError
from cjmkit.loading.bounded import FileTooLarge, NotRegularFile, read_bounded
from cjmkit.loading.document import Document
from cjmkit.models import Journey
from cjmkit.output import write_atomic
from cjmkit.project import Project
from cjmkit.renderers import Format, RenderFailure, check_prerequisites, formats_named
from cjmkit.renderers.context import (
    DEFAULT_AUDIENCE,
    Brand,
    JourneyView,
    WorkspaceIndex,
    audience_view,
    check_editor,
    index_view,
    journey_view,
    live_view,
    workspace_index,
)
from cjmkit.renderers.environment import make_environment

T = TypeVar("T")
MAX_LOGO_BYTES = 2 * 1024 * 1024
LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
              ".svg": "image/svg+xml", ".webp": "image/webp"}  # fmt: skip


@dataclass
class RenderResult:
    written: list[pathlib.Path] = field(default_factory=list)
    #: Maps not rendered because they are invalid: (file, why); the user should run `cjm validate`.
    failed: list[tuple[str, str]] = field(default_factory=list)
    #: Valid maps a renderer could not draw (Graphviz failed or timed out): (file, why).
    not_drawn: list[tuple[str, str]] = field(default_factory=list)


def logo_data_uri(path: pathlib.Path, inside: pathlib.Path | None = None) -> str:
    """The logo embedded as a data: URI, so the HTML fetches nothing.

    Only a regular file is read (a FIFO or device would hang the run or never end), and
    at most one byte more than the limit. With ``inside`` (the folder of the cjm.yaml that
    names it) the file, links resolved, must lie in that folder: a map's repository cannot
    embed ``/etc/passwd`` or a file next to it through a symlink or ``..``.
    """
    kind = LOGO_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
    if kind not in LOGO_TYPES.values():
        raise UsageError(f"logo {path}: use a PNG, JPEG, GIF, WebP or SVG file")
    resolved = path.resolve()
    if inside is not None and not resolved.is_relative_to(inside.resolve()):
        raise UsageError(f"logo {path}: the file is outside the workspace folder {inside}")
    try:
        data = read_bounded(resolved, MAX_LOGO_BYTES)
    except NotRegularFile:
        raise UsageError(f"logo {path}: not a regular file") from None
    except FileTooLarge:
        raise UsageError(f"logo {path} is larger than {MAX_LOGO_BYTES // 1024} KiB") from None
    except OSError as error:
        raise UsageError(f"cannot read the logo {path}: {error.strerror or error}") from None
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def safely(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Template mistakes (often in a user's --templates folder) become one clear error."""
    try:
        return call(*args, **kwargs)
    except jinja2.TemplateSyntaxError as error:
        raise CjmError(f"template {error.filename or error.name}:{error.lineno}: {error.message}") from None
    except jinja2.TemplateError as error:
        raise CjmError(f"template error: {type(error).__name__}: {error}") from None
    except RecursionError:
        # A template that includes, extends or calls itself without end.
        raise CjmError("template error: templates include or call each other without end") from None


#: Output stems that are not a journey's: the workspace index.
RESERVED_NAMES = frozenset({"index"})
#: Formats of the flow diagram; a B2B workspace also gets its committee diagram in each.
DIAGRAM_FORMATS = ("dot", "svg", "png")


def output_names(journeys: Sequence[Document]) -> dict[pathlib.Path, str]:
    """Output file stem per journey: its id, made unique if two standalone maps share one.

    Stems are compared case-insensitively (``Onboarding`` and ``onboarding`` are one file on
    macOS and Windows), and never take a reserved name such as the workspace ``index``.
    """
    names: dict[pathlib.Path, str] = {}
    taken: set[str] = set(RESERVED_NAMES)
    for document in journeys:
        assert document.journey is not None
        stem = document.journey.id
        candidate, number = stem, 2
        while candidate.casefold() in taken:
            candidate, number = f"{stem}-{number}", number + 1
        taken.add(candidate.casefold())
        names[document.path] = candidate
    return names


def check_output_folder(out: pathlib.Path) -> None:
    """A plain usage error when ``out``, or the nearest existing folder above it, is a file."""
    for folder in (out, *out.parents):
        if folder.exists():
            if not folder.is_dir():
                raise UsageError(f"--out {out}: {folder} is a file, not a folder")
            return


class _Outputs:
    """Writes files, refusing to write one name twice in a run, and turns OS errors into messages."""

    def __init__(self, out: pathlib.Path, result: RenderResult) -> None:
        check_output_folder(out)
        self.out = out
        self.result = result
        self.seen: set[str] = set()

    def write(self, name: str, content: str | bytes) -> None:
        if name.casefold() in self.seen:  # output_names makes this impossible; never overwrite silently
            raise CjmError(f"two outputs of this run are both named {name}; nothing more is written")
        self.seen.add(name.casefold())
        target = self.out / name
        try:
            write_atomic(target, content)
        except OSError as error:
            raise CjmError(f"cannot write {target}: {error.strerror or error}") from None
        self.result.written.append(target)


def render_project(
    project: Project,
    analysis: AnalysisResult,
    formats: Sequence[str],
    out: pathlib.Path,
    brand_for: Callable[[Document | None], Brand],
    templates: pathlib.Path | None = None,
    locale: str | None = None,
    progress: Callable[[str], None] | None = None,
    audience: str | None = None,
    editor: str | None = None,
    write_index: bool = True,
) -> RenderResult:
    """Render every requested, valid journey; invalid ones are listed in ``failed``.

    ``audience`` (`client` or `team`) overrides each workspace's `render.audience`. ``editor``
    (a link template such as DEFAULT_EDITOR, with ``{path}``, ``{line}`` and ``{column}``) renders
    the HTML in live mode, for `cjm serve`: each card links to its place in the file and shows its
    findings (a template of another scheme than EDITOR_SCHEMES is a UsageError). Without
    ``write_index`` no index.html is written (a re-render of one changed map)."""
    if editor is not None:
        check_editor(editor)
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
    outputs = _Outputs(out, result)
    views: list[JourneyView] = []
    loose: list[JourneyView] = []  # maps outside any workspace, for the index
    by_workspace: dict[pathlib.Path, tuple[Document, list[JourneyView]]] = {}
    for document in valid:
        workspace = project.workspace_for(document)
        view = journey_view(
            document, workspace, analysis, brand_for(workspace), locale, output_name=names[document.path],
            baseline=baseline_of(project, document, workspace),
        )  # fmt: skip
        view = audience_view(view, document, *audience_of(workspace, audience))
        if editor is not None:
            view = live_view(view, document.path, editor)
        # Every format of a map is made before any is written: a map that fails writes nothing.
        try:
            files = [(f"{view.output_name}.{spec.extension}", safely(spec.render, view, environment))
                     for spec in specs]  # fmt: skip
        except RenderFailure as failure:
            result.not_drawn.append((document.display, str(failure)))
        else:
            views.append(view)
            if workspace is not None:
                by_workspace.setdefault(workspace.path, (workspace, []))[1].append(view)
            else:
                loose.append(view)
            for name, content in files:
                outputs.write(name, content)
        if progress:
            progress(document.display)
    diagrams = [spec for spec in specs if spec.name in DIAGRAM_FORMATS]
    for workspace, members in by_workspace.values() if diagrams else ():
        render_committee(workspace, members, diagrams, outputs)
    if write_index and "html" in formats and views and (project.workspaces or len(views) > 1):
        index = safely(render_index, environment, views, index_sections(by_workspace.values(), loose))
        outputs.write("index.html", index)
    return result


def baseline_of(project: Project, document: Document, workspace: Document | None) -> Journey | None:
    """The valid current map of the same workspace that a future map names as its `baseline`."""
    journey = document.journey
    if journey is None or not journey.future or journey.baseline is None:
        return None
    for other in project.journeys:
        found = other.journey
        if (
            found is not None and not other.diagnostics and not found.future and found.id == journey.baseline
            and other is not document and project.workspace_for(other) is workspace
        ):  # fmt: skip
            return found
    return None


def committee_stem(name: str, taken: set[str], extensions: Sequence[str]) -> str:
    """``<workspace-name-slug>-committee``, numbered if a file of this run already has that name."""
    from cjmkit.slugs import slugify

    slug = (slugify(name) or "")[:60].strip("-")  # a file name stays short whatever the name
    stem = f"{slug or 'workspace'}-committee"
    candidate, number = stem, 2
    while any(f"{candidate}.{extension}".casefold() in taken for extension in extensions):
        candidate, number = f"{stem}-{number}", number + 1
    return candidate


def render_committee(
    workspace: Document, views: Sequence[JourneyView], diagrams: Sequence[Format], outputs: _Outputs
) -> None:
    """The buying-committee diagram of a workspace with two or more rendered B2B stakeholder
    journeys (segments of kind ``b2b-stakeholder``): one lane per journey, in segment order."""
    from cjmkit.models.workspace import Workspace
    from cjmkit.renderers import dot

    lanes = [view for view in views if dot.is_stakeholder(view)]
    if len(lanes) < 2 or not isinstance(workspace.model, Workspace):
        return
    order = {segment.id: number for number, segment in enumerate(workspace.model.segments)}
    lanes.sort(key=lambda view: (order.get(view.segment_id or "", len(order)), view.output_name))
    name = workspace.model.name or workspace.path.parent.name
    stem = committee_stem(name, outputs.seen, [spec.extension for spec in diagrams])
    title = dot.committee_title(name, lanes[0])
    try:
        files = [
            (f"{stem}.{spec.extension}", dot.render_committee(title, lanes, spec.name)) for spec in diagrams
        ]
    except RenderFailure as failure:
        outputs.result.not_drawn.append((workspace.display, str(failure)))
        return
    for file_name, content in files:
        outputs.write(file_name, content)


def audience_of(workspace: Document | None, override: str | None) -> tuple[str, bool]:
    """The audience (the flag, else the workspace's `render.audience`, else `client`) and whether
    client deliverables show the owner (`render.show_owner`)."""
    settings = workspace.workspace.render if workspace and workspace.workspace else None
    chosen = override or (settings.audience if settings else None) or DEFAULT_AUDIENCE
    return chosen, bool(settings and settings.show_owner)


def index_sections(
    workspaces: Iterable[tuple[Document, list[JourneyView]]], loose: Sequence[JourneyView]
) -> list[WorkspaceIndex]:
    """The index's sections: each workspace with its segments and maps, then the standalone maps."""
    from cjmkit.models.workspace import Workspace

    sections = []
    for document, members in workspaces:
        model = document.model if isinstance(document.model, Workspace) else None
        name = (model.name if model else None) or document.path.parent.name
        sections.append(workspace_index(name, model.segments if model else [], members))
    if loose:
        sections.append(workspace_index(None, [], loose))
    return sections


def render_index(
    environment: jinja2.Environment, views: Sequence[JourneyView], sections: Sequence[WorkspaceIndex] = ()
) -> str:
    from cjmkit.renderers.environment import template_values

    index = index_view(sections or [workspace_index(None, [], views)], views)
    values = template_values(
        environment, {"views": views, "index": index, "brand": views[0].brand, "labels": views[0].labels}
    )
    return environment.get_template("index.html.j2").render(values)


def render_comparison(comparison: Comparison, code: str | None, brand: Brand | None = None) -> str:
    """`cjm compare --format html`: the comparison as one self-contained page in language ``code``."""
    from cjmkit.renderers.context import comparison_view
    from cjmkit.renderers.i18n import Locale

    environment = make_environment()
    locale = Locale(code)
    values = {
        "cmp": comparison_view(comparison, locale),
        "labels": locale.labels,
        "loc": locale,
        "brand": brand or Brand(),
    }
    return safely(environment.get_template("compare.html.j2").render, values)
