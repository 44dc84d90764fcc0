"""Discovery: which files of a folder are map files, and which `cjm.yaml` a journey belongs to.

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

from cjmkit.errors import UsageError
from cjmkit.loading.document import WORKSPACE_FILE

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


def walk(folder: pathlib.Path) -> Iterable[pathlib.Path]:
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
            found.extend(walk(path))
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


def display_name(path: pathlib.Path) -> str:
    """How a file is named in messages: relative to the current folder where possible."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
