"""Pair the documents of two sides and compare each pair: changes and findings."""

from __future__ import annotations

import os
import pathlib
import shutil
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from cjmkit import codes
from cjmkit.diagnostics import Diagnostic
from cjmkit.errors import UsageError
from cjmkit.loading.document import WORKSPACE_FILE, Document
from cjmkit.project import default_paths
from cjmkit.project.discovery import find_workspace_file
from cjmkit.semdiff.changes import Change, compare_journeys, compare_workspaces, file_moved
from cjmkit.semdiff.sides import (
    Side,
    load_side,
    repository_name,
    repository_root,
    resolve_commit,
    revision_side,
    scratch_folder,
    shown_as,
)

Status = Literal["added", "removed", "changed"]
FindingKey = tuple[str, str | None, str | None, str | None]


@dataclass
class FileDiff:
    """The differences of one journey (paired by id) or one workspace file (paired by name)."""

    kind: Literal["journey", "workspace"]
    journey: str | None
    file: str
    old_file: str | None
    status: Status
    changes: list[Change] = field(default_factory=list)
    new_findings: list[Diagnostic] = field(default_factory=list)
    resolved_findings: list[Diagnostic] = field(default_factory=list)
    #: For an added or removed journey: its title and number of stages.
    title: str | None = None
    stages: int = 0


@dataclass
class Comparison:
    """Everything `cjm diff` reports. With ``errors``, nothing was compared."""

    old: str
    new: str
    errors: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    journeys: list[FileDiff] = field(default_factory=list)
    workspaces: list[FileDiff] = field(default_factory=list)
    #: The language of the text and Markdown reports: the one the compared maps share, if any
    #: (`cjm diff --locale` sets it).
    locale: str | None = None
    #: References that do not resolve: noted, but the maps are compared all the same (a copy
    #: saved outside its workspace still says what changed).
    unresolved: list[Diagnostic] = field(default_factory=list)

    @property
    def files(self) -> list[FileDiff]:
        return self.workspaces + self.journeys

    @property
    def differences(self) -> bool:
        return bool(self.files)


def finding_key(finding: Diagnostic) -> FindingKey:
    """Findings are the same when they are about the same thing: lines move, messages quote values."""
    return (finding.code, finding.journey, finding.stage, finding.subject)


def compare_findings(
    old: Sequence[Diagnostic], new: Sequence[Diagnostic]
) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """(new findings, resolved findings), each in its own document's order; repeats are counted."""
    return _beyond(new, Counter(map(finding_key, old))), _beyond(old, Counter(map(finding_key, new)))


def _beyond(findings: Sequence[Diagnostic], other: Counter[FindingKey]) -> list[Diagnostic]:
    left = other.copy()
    extra = []
    for finding in findings:
        key = finding_key(finding)
        if left[key] > 0:
            left[key] -= 1
        else:
            extra.append(finding)
    return extra


def _findings_of(side: Side, document: Document | None) -> list[Diagnostic]:
    if document is None:
        return []
    shown = side.file_of(document)
    return [finding for finding in side.findings if finding.file == shown]


Pair = tuple[Document | None, Document | None]


def _pairs(old: Side, new: Side, kind: str, key: Callable[[Side, Document], str]) -> list[Pair]:
    """Documents of one kind paired by ``key``; when a key repeats on a side, by key and file name."""
    old_documents = [d for d in old.documents if d.kind == kind]
    new_documents = [d for d in new.documents if d.kind == kind]
    repeated = {
        k
        for side, documents in ((old, old_documents), (new, new_documents))
        for k, count in Counter(key(side, d) for d in documents).items()
        if count > 1
    }

    def full_key(side: Side, document: Document) -> tuple[str, str]:
        k = key(side, document)
        return (k, side.name_of(document) if k in repeated else "")

    old_by = {full_key(old, d): d for d in old_documents}
    new_by = {full_key(new, d): d for d in new_documents}
    pairs = [(old_by.get(k), new_by.get(k)) for k in {**old_by, **new_by}]

    def place(pair: Pair) -> tuple[str, str]:
        old_document, new_document = pair
        if new_document is not None:
            return (new.name_of(new_document), key(new, new_document))
        assert old_document is not None
        return (old.name_of(old_document), key(old, old_document))

    return sorted(pairs, key=place)


def _journey_id(side: Side, document: Document) -> str:
    assert document.journey is not None
    return document.journey.id


def _file_name(side: Side, document: Document) -> str:
    return side.name_of(document)


def _renamed_journey(old: Document | None, new: Document | None) -> tuple[str, str] | None:
    if old is None or new is None or old.journey is None or new.journey is None:
        return None
    return (old.journey.id, new.journey.id) if old.journey.id != new.journey.id else None


def _compare_pair(old: Side, new: Side, pair: Pair, *, by_name: bool) -> FileDiff | None:
    old_document, new_document = pair
    old_findings, new_findings = _findings_of(old, old_document), _findings_of(new, new_document)
    renamed = _renamed_journey(old_document, new_document)
    if renamed:
        # Two files compared as one journey whose id changed: its findings are still the same ones.
        old_findings = [
            replace(f, journey=renamed[1]) if f.journey == renamed[0] else f for f in old_findings
        ]
    added, resolved = compare_findings(old_findings, new_findings)
    present = new_document or old_document
    assert present is not None
    side = new if new_document is not None else old
    kind: Literal["journey", "workspace"] = "journey" if present.kind == "journey" else "workspace"
    journey = present.journey
    result = FileDiff(
        kind,
        journey.id if journey else None,
        side.file_of(present),
        old.file_of(old_document) if old_document else None,
        "changed",
        new_findings=added,
        resolved_findings=resolved,
        title=journey.title if journey else None,
        stages=len(journey.stages) if journey else 0,
    )
    if old_document is None or new_document is None:
        result.status = "added" if old_document is None else "removed"
        return result
    if old_document.journey and new_document.journey:
        result.changes = compare_journeys(old_document.journey, new_document.journey)
    elif old_document.workspace and new_document.workspace:
        result.changes = compare_workspaces(old_document.workspace, new_document.workspace)
    old_name, new_name = old.name_of(old_document), new.name_of(new_document)
    if by_name and old_name != new_name:
        result.changes.insert(0, file_moved(kind, result.journey, old_name, new_name))
    if result.changes or result.new_findings or result.resolved_findings:
        return result
    return None


def compare_sides(old: Side, new: Side, *, single: bool = False) -> Comparison:
    """Compare two loaded sides; ``single`` when each side is one file given by the user."""
    comparison = Comparison(old.label, new.label, sources={**old.sources, **new.sources})
    locales = old.locales | new.locales
    comparison.locale = locales.pop() if len(locales) == 1 else None
    problems = old.errors + new.errors
    comparison.unresolved = [d for d in problems if d.code == codes.UNRESOLVED_REFERENCE.code]
    comparison.errors = [d for d in problems if d.code != codes.UNRESOLVED_REFERENCE.code]
    if comparison.errors:
        return comparison
    if single:
        pairs: list[Pair] = list(zip(old.documents, new.documents, strict=True))
        kinds = {d.kind for d in old.documents + new.documents}
        if len(kinds) > 1:
            raise UsageError("cannot compare a journey file with a workspace file")
    else:
        pairs = _pairs(old, new, "workspace", _file_name) + _pairs(old, new, "journey", _journey_id)
    for pair in pairs:
        found = _compare_pair(old, new, pair, by_name=not single)
        if found is not None:
            (comparison.journeys if found.kind == "journey" else comparison.workspaces).append(found)
    return comparison


def diff_paths(old: pathlib.Path, new: pathlib.Path, workspace: pathlib.Path | None = None) -> Comparison:
    """Compare two map files, or two folders of maps.

    A journey file OLD with no workspace of its own (a copy saved elsewhere) is read in the
    workspace of NEW, or in ``workspace`` (a folder with `cjm.yaml`) when given: its segment,
    persona and channel references then resolve as they did when it was saved.
    """
    for path in (old, new):
        if not path.exists():
            raise UsageError(f"no such file or folder: {path}")
    if workspace is not None and not (workspace / WORKSPACE_FILE).is_file():
        raise UsageError(f"--workspace {workspace}: no {WORKSPACE_FILE} in that folder")
    if old.is_dir() and new.is_dir():
        return compare_sides(load_side(str(old), [old], old), load_side(str(new), [new], new))
    if old.is_file() and new.is_file():
        borrowed = workspace / WORKSPACE_FILE if workspace else find_workspace_file(new.resolve().parent)
        if (
            find_workspace_file(old.resolve().parent) is None
            and borrowed is not None
            and old.name != WORKSPACE_FILE
        ):
            with scratch_folder() as folder:
                scratch = pathlib.Path(folder)
                shutil.copyfile(borrowed, scratch / WORKSPACE_FILE)
                shutil.copyfile(old, scratch / old.name)
                side = load_side(str(old), [scratch / old.name], scratch)
                side = shown_as(
                    side, {str(scratch / old.name): str(old), str(scratch / WORKSPACE_FILE): str(borrowed)}
                )
        else:
            side = load_side(str(old), [old], old.parent)
        return compare_sides(side, load_side(str(new), [new], new.parent), single=True)
    raise UsageError(f"compare two files or two folders, not {old} and {new}")


def diff_revision(revision: str, paths: Sequence[pathlib.Path]) -> Comparison:
    """Compare the maps in the working tree with the same paths at a git revision."""
    cwd = pathlib.Path.cwd()
    toplevel = repository_root(cwd)
    commit = resolve_commit(revision, toplevel)
    targets = list(paths) or [pathlib.Path(os.path.relpath(p, cwd)) for p in default_paths(cwd)]
    names = [repository_name(target, toplevel) for target in targets]
    with scratch_folder() as folder:
        scratch = pathlib.Path(folder)
        old = revision_side(revision, commit, toplevel, names, scratch)
        for target, name in zip(targets, names, strict=True):
            if not target.exists() and not scratch.joinpath(*name.split("/")).exists():
                raise UsageError(f"no such file or folder: {target} (neither now nor at {revision})")
        new = load_side("working tree", [t for t in targets if t.exists()], toplevel)
    return compare_sides(old, new)
