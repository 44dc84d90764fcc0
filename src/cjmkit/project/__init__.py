"""The project: every document of one run, tied to its workspace, checked across files.

discover (``discovery``) -> load each file (``cjmkit.loading``) -> cross-file checks (``checks``).
"""

from __future__ import annotations

import pathlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from cjmkit.diagnostics import Diagnostic
from cjmkit.loading.document import Document, load_document
from cjmkit.project.discovery import (
    NothingToCheck,
    default_paths,
    discover,
    display_name,
    find_workspace_file,
    walk,
)


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

    @property
    def diagnostics(self) -> list[Diagnostic]:
        found = [d for document in self.documents for d in document.diagnostics]
        return sorted(found, key=lambda d: d.sort_key)


def load_project(
    paths: Sequence[pathlib.Path], *, whole_workspaces: bool = False, only_maps: bool = False
) -> Project:
    """Load every map under ``paths`` plus the workspaces they belong to, then check references.

    With ``whole_workspaces``, every journey of those workspaces is loaded too (as context,
    ``requested=False``), so that cross-file analysis sees the complete workspace.
    """
    from cjmkit.project.checks import check_project

    files = discover(paths, only_maps=only_maps)
    if not files:
        shown = ", ".join(str(p) for p in paths)
        raise NothingToCheck(f"no cjmkit files (cjm.yaml or YAML with `cjm:`) found in {shown}")
    project = Project()
    by_path: dict[pathlib.Path, Document] = {}

    def load(path: pathlib.Path, display: str, requested: bool) -> Document:
        resolved = path.resolve()
        if resolved not in by_path:
            by_path[resolved] = load_document(resolved, display)
            by_path[resolved].requested = requested
            project.documents.append(by_path[resolved])
        return by_path[resolved]

    for path in files:
        load(path, str(path), True)
    if whole_workspaces:
        roots = {find_workspace_file(document.path.parent) for document in list(project.documents)}
        for workspace_file in sorted(root for root in roots if root):
            load(workspace_file, display_name(workspace_file), False)
            for path in walk(workspace_file.parent):
                load(path, display_name(path), False)
    for journey in list(project.journeys):
        found = find_workspace_file(journey.path.parent)
        project.workspace_of[journey.path] = load(found, display_name(found), False) if found else None
    project.documents.sort(key=lambda d: d.display)
    check_project(project)
    return project


__all__ = ["NothingToCheck", "Project", "default_paths", "discover", "find_workspace_file", "load_project"]
