"""Discovery: which files of a folder are map files, and which `cjm.yaml` a journey belongs to.

Discovery rule (documented in the README): a path given on the command line
is always checked. In a folder, cjmkit walks all sub-folders (skipping hidden
ones and ``node_modules``, ``build``, ``dist``, ``venv``, ``__pycache__``) and
takes every ``cjm.yaml`` and every other ``*.yaml`` / ``*.yml`` file that has
a ``cjm:`` key at the start of a line (quoted or not, after a BOM too) or as a
key of a flow mapping at the top (``{cjm: 1, ...}``); other YAML, such as CI
configs, is left alone.

A ``*.yaml`` that is not a regular file (a FIFO, a device, also behind a symlink)
is never opened: it is taken as found, and loading reports it as unreadable
(V008), as it does a file that cannot be read. A folder that cannot be listed
is reported in :class:`Unlisted` rather than skipped in silence.
"""

from __future__ import annotations

import os
import pathlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cjmkit.errors import UsageError
from cjmkit.loading.bounded import is_regular, read_head
from cjmkit.loading.document import WORKSPACE_FILE

YAML_SUFFIXES = (".yaml", ".yml")
SKIP_DIRS = frozenset({"node_modules", "build", "dist", "venv", "__pycache__", "site-packages"})
_BOM = b"\xef\xbb\xbf"
_KEY = rb"""(?:cjm|"cjm"|'cjm')"""
#: A ``cjm`` key at the start of a line, in block style.
_CJM_KEY = re.compile(rb"^" + _KEY + rb"[ \t]*:", re.MULTILINE)
#: A document whose root is a flow mapping: blank lines, comments and ``---`` before ``{``.
_FLOW_ROOT = re.compile(rb"(?:[ \t]*(?:#[^\r\n]*)?(?:\r\n|\r|\n)|---[ \t]*)*[ \t]*\{")
_FLOW_KEY = re.compile(rb"[{,]\s*" + _KEY + rb"\s*:")


@dataclass(frozen=True)
class Unlisted:
    """A folder discovery could not list, and why."""

    folder: pathlib.Path
    reason: str


def sniff(head: bytes) -> bool:
    """Whether the first bytes of a YAML file look like a cjmkit file (module docstring)."""
    head = head.removeprefix(_BOM)
    if _CJM_KEY.search(head) is not None:
        return True
    return _FLOW_ROOT.match(head) is not None and _FLOW_KEY.search(head) is not None


def is_map_file(path: pathlib.Path) -> bool:
    """Whether a YAML file found in a folder is a cjmkit file (see the module docstring).

    A ``*.yaml`` that is not a regular file or cannot be read counts as one, without being
    opened: loading then reports it (V008) instead of it vanishing from the run.
    """
    if path.name == WORKSPACE_FILE:
        return True
    if path.suffix not in YAML_SUFFIXES:
        return False
    if not is_regular(path):
        return True
    try:
        head = read_head(path, 1 << 16)
    except OSError:
        return True
    return sniff(head)


def walk(folder: pathlib.Path, unlisted: list[Unlisted] | None = None) -> Iterable[pathlib.Path]:
    """The map files under ``folder``; folders that cannot be listed are added to ``unlisted``."""

    def note(error: OSError) -> None:
        if unlisted is not None:
            where = pathlib.Path(error.filename) if error.filename else folder
            unlisted.append(Unlisted(where, error.strerror or str(error)))

    for root, dirs, files in os.walk(folder, onerror=note):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS)
        for name in sorted(files):
            candidate = pathlib.Path(root, name)
            if is_map_file(candidate):
                yield candidate


class NothingToCheck(UsageError):
    """No cjmkit file among the paths."""


def discover(
    paths: Sequence[pathlib.Path],
    *,
    only_maps: bool = False,
    unlisted: list[Unlisted] | None = None,
) -> list[pathlib.Path]:
    """Expand folders into the map files they hold; keep files as given.

    With ``only_maps``, files given by name that are not cjmkit files are skipped as
    in folders (pre-commit hands over every staged YAML file). Folders that cannot be
    listed are added to ``unlisted``.
    """
    found: list[pathlib.Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(walk(path, unlisted))
        elif path.exists() or path.is_symlink():
            if not only_maps or is_map_file(path):
                found.append(path)
        else:
            raise UsageError(f"no such file or folder: {path}")
    return found


def find_workspace_file(folder: pathlib.Path) -> pathlib.Path | None:
    """The nearest ``cjm.yaml`` in ``folder`` or above it.

    A ``cjm.yaml`` that is not a regular file counts (loading reports it); a folder
    above that the user may not enter (``/tmp/pytest-of-root``) holds none.
    """
    for candidate in (folder, *folder.parents):
        workspace = candidate / WORKSPACE_FILE
        try:
            if workspace.exists() or workspace.is_symlink():
                return workspace
        except OSError:
            continue
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
