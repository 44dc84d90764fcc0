"""`cjm init`: a starter workspace that teaches the format and passes `cjm validate` and `cjm lint`.

The starter maps live as commented YAML under ``templates/<template>/<locale>/``, laid out
exactly as they are written into the target folder (``cjm.yaml`` and ``journeys/*.yaml``).
The JSON Schema files are generated from the models at write time, so a starter workspace
always matches the cjmkit that made it, and editors validate it offline.
"""

from __future__ import annotations

import enum
import importlib.resources
import pathlib
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources.abc import Traversable

from cjmkit.errors import CjmError, UsageError

SCHEMA_FOLDER = "schemas"
WORKSPACE_SCHEMA = "workspace.schema.json"
JOURNEY_SCHEMA = "journey.schema.json"
_MODELINE = "# yaml-language-server: $schema="


class Template(enum.StrEnum):
    """The kinds of starter workspace."""

    B2C = "b2c"
    B2B = "b2b"
    EMAIL = "email"


class Language(enum.StrEnum):
    """Languages the starter maps are written in (and their `locale`)."""

    EN = "en"
    RU = "ru"


@dataclass(frozen=True)
class StarterFile:
    """One file of the starter workspace, its path relative to the workspace folder."""

    path: str
    text: str


class FilesExist(CjmError):
    """Some starter files already exist; nothing was written."""

    def __init__(self, paths: list[pathlib.Path]) -> None:
        super().__init__(f"{len(paths)} file(s) exist: " + ", ".join(str(p) for p in paths))
        self.paths = paths


def _template_folder(template: str, locale: str) -> Traversable:
    if template not in {t.value for t in Template}:
        raise UsageError(f"unknown template {template!r}; choose from {', '.join(Template)}")
    if locale not in {language.value for language in Language}:
        raise UsageError(f"unknown locale {locale!r}; choose from {', '.join(Language)}")
    return importlib.resources.files(__package__).joinpath("templates", template, locale)


def _maps(folder: Traversable, prefix: str = "") -> Iterator[tuple[str, str]]:
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        relative = posixpath.join(prefix, entry.name)
        if entry.is_dir():
            yield from _maps(entry, relative)
        elif entry.name.endswith(".yaml"):
            yield relative, entry.read_text(encoding="utf-8")


def modeline(path: str) -> str:
    """The editor's schema comment for a starter file, relative to where the file is written."""
    schema = WORKSPACE_SCHEMA if posixpath.basename(path) == "cjm.yaml" else JOURNEY_SCHEMA
    target = posixpath.relpath(posixpath.join(SCHEMA_FOLDER, schema), posixpath.dirname(path) or ".")
    return f"{_MODELINE}{target}"


def starter_files(template: str, locale: str) -> list[StarterFile]:
    """Every file `cjm init` writes for this template and locale, in writing order."""
    from cjmkit.schema import build_schemas

    files = [
        StarterFile(path, f"{modeline(path)}\n{text}")
        for path, text in _maps(_template_folder(template, locale))
    ]
    files += [
        StarterFile(posixpath.join(SCHEMA_FOLDER, name), text) for name, text in build_schemas().items()
    ]
    return files


def _blocking_parents(folder: pathlib.Path, targets: list[pathlib.Path]) -> list[pathlib.Path]:
    """Existing non-folders where a folder of the workspace has to be created."""
    blocking = []
    for target in targets:
        for parent in target.parents:
            if parent == folder.parent:
                break
            if parent.exists() and not parent.is_dir() and parent not in blocking:
                blocking.append(parent)
    return blocking


def scaffold(
    folder: pathlib.Path, template: str = Template.B2C, locale: str = Language.EN, *, force: bool = False
) -> list[pathlib.Path]:
    """Write the starter workspace into ``folder`` (created if missing); return the files written.

    Every target is checked before the first write: when one exists and ``force`` is off,
    :class:`FilesExist` is raised and nothing is written.
    """
    files = starter_files(template, locale)
    targets = [folder.joinpath(*file.path.split("/")) for file in files]
    blocking = _blocking_parents(folder, targets)
    if blocking:
        raise UsageError(f"{blocking[0]} exists and is not a folder")
    present = [target for target in targets if target.exists() or target.is_symlink()]
    if present and not force:
        raise FilesExist(present)
    folders = [target for target in present if target.is_dir()]
    if folders:
        raise UsageError(f"{folders[0]} is a folder; move it away to write the starter file there")
    from cjmkit.output import check_writable, write_atomic

    # Refusals (a read-only or linked starter file, a device in its place) come before the first write.
    for target in targets:
        check_writable(target)
    for file, target in zip(files, targets, strict=True):
        write_atomic(target, file.text)
    return targets
