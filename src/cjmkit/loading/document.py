"""One file on disk -> a Document: its text, source map, model and diagnostics."""

from __future__ import annotations

import functools
import pathlib
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from cjmkit import codes
from cjmkit.codes import Code
from cjmkit.diagnostics import Diagnostic
from cjmkit.loading.validation import describe_value, validate_model
from cjmkit.loading.yaml_source import (
    Positions,
    Problem,
    SourceMap,
    YamlPath,
    YamlProblems,
    decode,
    diagnostic,
    parse_yaml,
    read_map_bytes,
)
from cjmkit.models import Journey, Workspace

WORKSPACE_FILE = "cjm.yaml"
_LINE_BREAK = re.compile("\r\n|[\r\n]")

Kind = Literal["journey", "workspace"]


@dataclass
class Document:
    """A journey or workspace file as loaded, with everything found wrong in it."""

    path: pathlib.Path
    display: str
    kind: Kind
    text: str = ""
    source_map: Positions = field(default_factory=SourceMap)
    #: The parsed top-level mapping (also when the model did not validate), for cross-checks.
    data: dict[str, Any] | None = None
    model: Journey | Workspace | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: False for files loaded only as context (a workspace's other journeys during lint).
    requested: bool = True
    #: What the file defines for and names in other files, noted by the project's per-file
    #: checks for the cross-file step (``cjmkit.project.checks.References``).
    references: object = None

    @functools.cached_property
    def lines(self) -> list[str]:
        """The lines as an editor shows them: only LF, CRLF and CR end one (``str.splitlines``
        also splits at U+2028, U+0085 and form feeds, and positions would not match)."""
        if not self.text:
            return []
        return _LINE_BREAK.split(self.text.removesuffix("\r\n").removesuffix("\n").removesuffix("\r"))

    @property
    def journey(self) -> Journey | None:
        return self.model if isinstance(self.model, Journey) else None

    @property
    def workspace(self) -> Workspace | None:
        return self.model if isinstance(self.model, Workspace) else None

    def add(self, problem: Problem) -> None:
        self.diagnostics.append(diagnostic(problem, self.display))

    def error_at(self, path: YamlPath, code: Code, message: str, *, key: bool = False) -> None:
        """Record an error at the value (or key) found at ``path`` in this file."""
        line, column = self.source_map.key(path) if key else self.source_map.value(path)
        self.add(Problem(line, column, code, message, path))


def kind_of(path: pathlib.Path) -> Kind:
    return "workspace" if path.name == WORKSPACE_FILE else "journey"


def load_document(path: pathlib.Path, display: str) -> Document:
    """Read, parse and validate one file. Never raises for bad content."""
    document = Document(path=path, display=display, kind=kind_of(path))
    try:
        document.text = decode(read_map_bytes(path))
        parsed = parse_yaml(document.text)
    except YamlProblems as problems:
        for problem in problems.problems:
            document.add(problem)
        return document
    if parsed is None:
        document.add(
            Problem(1, 1, codes.EMPTY_FILE, f"empty file: a {document.kind} file starts with `cjm: 1`")
        )
        return document
    document.source_map = parsed.source_map
    data = parsed.data
    if not isinstance(data, dict):
        document.error_at(
            (),
            codes.NOT_A_MAPPING,
            f"the top level must be a mapping of keys starting with `cjm: 1`, not {describe_value(data)}",
        )
        return document
    if "cjm" not in data:
        document.error_at(
            ("cjm",),
            codes.UNSUPPORTED_VERSION,
            "missing format version: add `cjm: 1` as the first key",
        )
        return document
    version = data["cjm"]
    if type(version) is not int or version != 1:
        document.error_at(
            ("cjm",),
            codes.UNSUPPORTED_VERSION,
            f"unsupported format version {version!r}: this cjmkit reads `cjm: 1`",
        )
        return document
    document.data = data
    model: Journey | Workspace | None
    if document.kind == "workspace":
        model, found = validate_model(Workspace, data, document.source_map)
    else:
        model, found = validate_model(Journey, data, document.source_map)
    for problem in found:
        document.add(problem)
    document.model = model
    return document
