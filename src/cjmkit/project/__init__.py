"""The project: every document of one run, tied to its workspace, checked across files.

discover (``discovery``) -> load each file (``cjmkit.loading``) -> cross-file checks (``checks``).
"""

from __future__ import annotations

import functools
import pathlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from cjmkit import codes
from cjmkit.diagnostics import Diagnostic
from cjmkit.loading.document import Document, kind_of
from cjmkit.loading.yaml_source import Problem
from cjmkit.project.discovery import (
    NothingToCheck,
    Unlisted,
    default_paths,
    discover,
    display_name,
    find_workspace_file,
    walk,
)
from cjmkit.project.parallel import Keep, load_all


@dataclass
class Project:
    """Every document of one run, with each journey tied to its workspace."""

    documents: list[Document] = field(default_factory=list)
    workspace_of: dict[pathlib.Path, Document | None] = field(default_factory=dict)

    @property
    def journeys(self) -> list[Document]:
        return [d for d in self.documents if d.kind == "journey"]

    @property
    def workspaces(self) -> list[Document]:
        return [d for d in self.documents if d.kind == "workspace"]

    def workspace_for(self, journey: Document) -> Document | None:
        return self.workspace_of.get(journey.path)

    def locale_of(self, journey: Document) -> str | None:
        """The language of a journey: its own `locale`, else its workspace's (None: neither says)."""
        workspace = self.workspace_for(journey)
        space = workspace.workspace if workspace else None
        own = journey.journey.locale if journey.journey else None
        return own or (space.locale if space else None)

    def shared_locale(self, *, requested_only: bool = True) -> str | None:
        """The language every (requested) valid journey has, if they agree on one."""
        found = {
            self.locale_of(d) for d in self.journeys
            if d.journey is not None and (d.requested or not requested_only)
        }  # fmt: skip
        return found.pop() if len(found) == 1 else None

    @property
    def diagnostics(self) -> list[Diagnostic]:
        found = [d for document in self.documents for d in document.diagnostics]
        return sorted(found, key=lambda d: d.sort_key)


def load_project(
    paths: Sequence[pathlib.Path],
    *,
    whole_workspaces: bool = False,
    only_maps: bool = False,
    jobs: int = 1,
    keep: Keep = Keep.MODELS,
) -> Project:
    """Load every map under ``paths`` plus the workspaces they belong to, then check references.

    With ``whole_workspaces``, every journey of those workspaces is loaded too (as context,
    ``requested=False``), so that cross-file analysis sees the complete workspace. Files are
    loaded on ``jobs`` processes; ``keep`` says what of each journey is kept after the
    validation pass (see ``cjmkit.project.parallel``).
    """
    from cjmkit.project.checks import check_project

    unlisted: list[Unlisted] = []
    files = discover(paths, only_maps=only_maps, unlisted=unlisted)
    if not files and not unlisted:
        shown = ", ".join(str(p) for p in paths)
        raise NothingToCheck(f"no cjmkit files (cjm.yaml or YAML with `cjm:`) found in {shown}")
    # Every file to load is known before any is read, so that all load in one parallel batch.
    tasks: dict[pathlib.Path, tuple[str, bool]] = {}

    def add(path: pathlib.Path, display: str, requested: bool) -> pathlib.Path:
        resolved = path.resolve()
        tasks.setdefault(resolved, (display, requested))
        return resolved

    workspace_file = functools.cache(find_workspace_file)
    for path in files:
        add(path, str(path), True)
    if whole_workspaces:
        roots = {workspace_file(path.parent) for path in list(tasks)}
        for root in sorted(found for found in roots if found):
            add(root, display_name(root), False)
            for path in walk(root.parent, unlisted):
                add(path, display_name(path), False)
    workspace_of: dict[pathlib.Path, pathlib.Path | None] = {}
    for path in list(tasks):
        if kind_of(path) == "journey":
            found = workspace_file(path.parent)
            workspace_of[path] = add(found, display_name(found), False) if found else None
    loaded = load_all([(path, display) for path, (display, _) in tasks.items()], jobs=jobs, keep=keep)
    by_path: dict[pathlib.Path, Document] = {}
    for document, (_, requested) in zip(loaded, tasks.values(), strict=True):
        document.requested = requested
        by_path[document.path] = document
    loaded.extend(_unlisted_documents(unlisted, tasks))
    project = Project(sorted(loaded, key=lambda d: d.display))
    for journey, workspace in workspace_of.items():
        project.workspace_of[journey] = by_path[workspace] if workspace else None
    check_project(project, complete=whole_workspaces)
    return project


def _unlisted_documents(
    unlisted: Sequence[Unlisted], tasks: dict[pathlib.Path, tuple[str, bool]]
) -> list[Document]:
    """A folder that cannot be listed, as a file with one error (V008): the run fails
    instead of reporting every file valid without having seen them."""
    documents: dict[pathlib.Path, Document] = {}
    for entry in unlisted:
        resolved = entry.folder.resolve()
        if resolved in tasks or resolved in documents:
            continue
        display = display_name(entry.folder)
        document = Document(path=resolved, display=display, kind="journey")
        message = f"cannot read the folder: {entry.reason}; its maps are not checked"
        document.add(Problem(1, 1, codes.UNREADABLE, message))
        documents[resolved] = document
    return list(documents.values())


__all__ = [
    "Keep",
    "NothingToCheck",
    "Project",
    "default_paths",
    "discover",
    "find_workspace_file",
    "load_project",
]
