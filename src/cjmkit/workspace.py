"""Find map files, their workspace `cjm.yaml`, and load them together as a Project.

Discovery rule (documented in the README): a path given on the command line
is always checked. In a folder, cjmkit walks all sub-folders (skipping hidden
ones and ``node_modules``, ``build``, ``dist``, ``venv``, ``__pycache__``) and
takes every ``cjm.yaml`` and every other ``*.yaml`` / ``*.yml`` file that has
a ``cjm:`` key at the start of a line (other YAML, such as CI configs, is
left alone).
"""

from __future__ import annotations

import os
import pathlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cjmkit.diagnostics import Diagnostic
from cjmkit.errors import UsageError
from cjmkit.loading.document import WORKSPACE_FILE, Document, load_document

YAML_SUFFIXES = (".yaml", ".yml")
SKIP_DIRS = frozenset({"node_modules", "build", "dist", "venv", "__pycache__", "site-packages"})
_CJM_KEY = re.compile(rb"^cjm\s*:", re.MULTILINE)


def is_map_file(path: pathlib.Path) -> bool:
    """Whether a YAML file found in a folder is a cjmkit file (see the module docstring)."""
    if path.name == WORKSPACE_FILE:
        return True
    if path.suffix not in YAML_SUFFIXES:
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(1 << 16)
    except OSError:
        return False
    return _CJM_KEY.search(head) is not None


def _walk(folder: pathlib.Path) -> Iterable[pathlib.Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS)
        for name in sorted(files):
            candidate = pathlib.Path(root, name)
            if is_map_file(candidate):
                yield candidate


class NothingToCheck(UsageError):
    """No cjmkit file among the paths."""


def discover(paths: Sequence[pathlib.Path], *, only_maps: bool = False) -> list[pathlib.Path]:
    """Expand folders into the map files they hold; keep files as given.

    With ``only_maps``, files given by name that are not cjmkit files are skipped as
    in folders (pre-commit hands over every staged YAML file).
    """
    found: list[pathlib.Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(_walk(path))
        elif path.exists():
            if not only_maps or is_map_file(path):
                found.append(path)
        else:
            raise UsageError(f"no such file or folder: {path}")
    return found


def find_workspace_file(folder: pathlib.Path) -> pathlib.Path | None:
    """The nearest ``cjm.yaml`` in ``folder`` or above it."""
    for candidate in (folder, *folder.parents):
        workspace = candidate / WORKSPACE_FILE
        if workspace.is_file():
            return workspace
    return None


def default_paths(cwd: pathlib.Path) -> list[pathlib.Path]:
    """No path given: the current workspace (nearest cjm.yaml upwards), else the current folder."""
    workspace = find_workspace_file(cwd)
    return [workspace.parent if workspace else cwd]


def _display(path: pathlib.Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


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
    from cjmkit.checks import check_project

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
            load(workspace_file, _display(workspace_file), False)
            for path in _walk(workspace_file.parent):
                load(path, _display(path), False)
    for journey in list(project.journeys):
        found = find_workspace_file(journey.path.parent)
        project.workspace_of[journey.path] = load(found, _display(found), False) if found else None
    project.documents.sort(key=lambda d: d.display)
    check_project(project)
    return project
