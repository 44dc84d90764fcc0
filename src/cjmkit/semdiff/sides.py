"""The two sides of a diff: maps loaded from files and folders, or read from a git revision.

Each side is loaded like `cjm lint` loads it (whole workspaces as context) and
analysed with every rule, so findings can be compared. A side knows, for each
document, the name it is paired by (its path relative to the compared folder,
or to the repository root with ``--rev``) and the name it is shown under.
"""

from __future__ import annotations

import os
import pathlib
import posixpath
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from cjmkit import pipeline
from cjmkit.analysis import analyse, selected_rules
from cjmkit.diagnostics import Diagnostic
from cjmkit.errors import UsageError
from cjmkit.loading.document import WORKSPACE_FILE, Document
from cjmkit.project import Project, discover
from cjmkit.project.discovery import SKIP_DIRS, YAML_SUFFIXES


@dataclass
class Side:
    """One side of the comparison: the requested documents, their findings and validation errors."""

    label: str
    documents: list[Document] = field(default_factory=list)
    #: Document display -> the name it is paired by (forward slashes).
    names: dict[str, str] = field(default_factory=dict)
    #: Document display -> the name shown to the reader.
    shown: dict[str, str] = field(default_factory=dict)
    findings: list[Diagnostic] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    #: The language of each requested journey: its own `locale`, else its workspace's (or None).
    locales: set[str | None] = field(default_factory=set)

    def name_of(self, document: Document) -> str:
        return self.names[document.display]

    def file_of(self, document: Document) -> str:
        return self.shown[document.display]

    def relabel(self, diagnostic: Diagnostic) -> Diagnostic:
        return replace(diagnostic, file=self.shown.get(diagnostic.file, diagnostic.file))


def load_side(
    label: str, targets: Sequence[pathlib.Path], root: pathlib.Path, prefix: str | None = None
) -> Side:
    """Load and analyse the maps under ``targets``; names are relative to ``root``.

    With ``prefix`` (a git revision), documents are shown as ``PREFIX:NAME``.
    """
    side = Side(label)
    if not targets or not discover(targets):
        return side
    project = pipeline.load(targets, whole_workspaces=True)
    analysis = analyse(project, selected_rules([], []))
    base = root.resolve()
    for document in project.documents:
        name = pathlib.Path(os.path.relpath(document.path, base)).as_posix()
        side.names[document.display] = name
        side.shown[document.display] = f"{prefix}:{name}" if prefix else document.display
        side.sources[side.shown[document.display]] = document.text
    side.documents = [d for d in project.documents if d.requested]
    side.locales = {project.locale_of(d) for d in side.documents if d.journey is not None}
    errors = _validation_errors(project)
    side.errors = [side.relabel(d) for d in errors]
    # `analyse` lists validation errors among its findings; a side with any is not compared anyway.
    failed = set(errors)
    side.findings = [side.relabel(d) for d in analysis.findings if d not in failed]
    return side


def _validation_errors(project: Project) -> list[Diagnostic]:
    """What makes a side unfit to compare: errors in the requested files and in the workspaces."""
    found = [
        diagnostic
        for document in project.documents
        if document.requested or document.kind == "workspace"
        for diagnostic in document.diagnostics
    ]
    return sorted(found, key=lambda d: d.sort_key)


# --- git ----------------------------------------------------------------------------------------


def git(arguments: Sequence[str], cwd: pathlib.Path) -> bytes:
    """Run git; its own message becomes a usage error."""
    try:
        # S603/S607: git from PATH, as the user runs it; the arguments are a revision and paths
        # handed as separate argv items (no shell), and the revision is checked by `git rev-parse`.
        process = subprocess.run(["git", *arguments], cwd=cwd, capture_output=True, check=False)  # noqa: S603, S607
    except OSError as error:
        raise UsageError(f"cannot run git: {error.strerror or error}") from None
    if process.returncode != 0:
        raise UsageError(f"git: {_git_message(process.stderr)}")
    return process.stdout


def _git_message(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    message = lines[0] if lines else "failed"
    return message.removeprefix("fatal: ").removeprefix("error: ")


def repository_root(cwd: pathlib.Path) -> pathlib.Path:
    return pathlib.Path(git(["rev-parse", "--show-toplevel"], cwd).decode("utf-8").strip())


def resolve_commit(revision: str, toplevel: pathlib.Path) -> str:
    """The commit ``revision`` names, or git's own complaint about it."""
    try:
        found = git(
            ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"], toplevel
        )
    except UsageError:
        # `rev-parse --verify` says only "Needed a single revision"; `show` names the problem.
        git(["show", "--no-patch", "--format=%H", "--end-of-options", revision, "--"], toplevel)
        raise UsageError(f"git: {revision!r} does not name a commit") from None
    return found.decode("ascii").strip()


def _tracked_yaml(commit: str, toplevel: pathlib.Path) -> list[str]:
    """YAML files (regular blobs) in the tree of ``commit``, relative to the repository root."""
    listing = git(["ls-tree", "-r", "-z", "--full-tree", commit], toplevel)
    names = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_name = entry.partition(b"\t")
        mode, kind, _ = meta.split(b" ", 2)
        name = raw_name.decode("utf-8", "surrogateescape")
        # Symbolic links are left out: at a revision they are only the text of their target.
        if kind == b"blob" and mode != b"120000" and name.endswith(YAML_SUFFIXES):
            names.append(name)
    return names


def _inside(name: str, folder: str) -> bool:
    return folder == "." or name == folder or name.startswith(folder + "/")


def _skipped(name: str, folder: str) -> bool:
    """Whether folder discovery would skip ``name`` (hidden or build folders below ``folder``)."""
    below = name if folder == "." else name[len(folder) + 1 :]
    return any(part.startswith(".") or part in SKIP_DIRS for part in below.split("/")[:-1])


def _needed(names: list[str], targets: list[str]) -> list[str]:
    """The files to read at the revision: those under the targets, plus the whole nearest
    workspace of each target, as `load_project(..., whole_workspaces=True)` reads them."""
    present = set(names)
    folders = set()
    for target in targets:
        folders.add(target)
        folder = (
            target if any(_inside(n, target) and n != target for n in names) else posixpath.dirname(target)
        )
        while True:
            candidate = posixpath.join(folder, WORKSPACE_FILE) if folder not in (".", "") else WORKSPACE_FILE
            if candidate in present:
                folders.add(folder or ".")
                break
            if folder in (".", ""):
                break
            folder = posixpath.dirname(folder)
    return sorted(n for n in names if any(_inside(n, f) and not _skipped(n, f) for f in folders))


def revision_side(
    revision: str, commit: str, toplevel: pathlib.Path, targets: list[str], scratch: pathlib.Path
) -> Side:
    """The maps under ``targets`` (relative to the repository root) as they were at ``commit``.

    They are written under ``scratch`` with the repository's layout, so that workspace
    discovery and the analysis see them exactly as they were.
    """
    for name in _needed(_tracked_yaml(commit, toplevel), targets):
        copy = scratch.joinpath(*name.split("/"))
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(git(["show", f"{commit}:{name}"], toplevel))
    present = [scratch.joinpath(*t.split("/")) for t in targets if t == "." or _exists(scratch, t)]
    return load_side(revision, present, scratch, prefix=revision)


def _exists(scratch: pathlib.Path, name: str) -> bool:
    return scratch.joinpath(*name.split("/")).exists()


def repository_name(path: pathlib.Path, toplevel: pathlib.Path) -> str:
    """``path`` relative to the repository root, with forward slashes; refused when outside it."""
    absolute = path.resolve()
    try:
        relative = absolute.relative_to(toplevel.resolve())
    except ValueError:
        raise UsageError(f"{path} is outside the git repository {toplevel}") from None
    return relative.as_posix() or "."


def scratch_folder() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="cjm-diff-")


def shown_as(side: Side, renames: dict[str, str]) -> Side:
    """``side`` with its files shown under other names (a copy read in a scratch folder is shown
    as the file the user named)."""

    def name(file: str) -> str:
        return renames.get(file, file)

    side.shown = {display: name(shown) for display, shown in side.shown.items()}
    side.errors = [replace(d, file=name(d.file)) for d in side.errors]
    side.findings = [replace(d, file=name(d.file)) for d in side.findings]
    side.sources = {name(file): text for file, text in side.sources.items()}
    return side
