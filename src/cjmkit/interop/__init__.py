"""Conversions between cjm journey files and other formats (`cjm convert`).

Mermaid ``journey`` diagrams convert both ways; a journey file also converts to JSON
(the validated journey exactly as written, as JSON) and to CSV (the same stage x
touchpoint table as ``cjm render --to csv``). Heavy modules are imported only by the
conversion that needs them.
"""

from __future__ import annotations

import enum
import pathlib
from dataclasses import dataclass, field

from cjmkit import codes
from cjmkit.codes import MAX_FILE_BYTES as MAX_JOURNEY_BYTES
from cjmkit.diagnostics import Diagnostic, Severity
from cjmkit.errors import CjmError, UsageError


class Format(enum.StrEnum):
    yaml = "yaml"
    mermaid = "mermaid"
    json = "json"
    csv = "csv"


EXTENSIONS: dict[str, Format] = {
    ".yaml": Format.yaml,
    ".yml": Format.yaml,
    ".mmd": Format.mermaid,
    ".mermaid": Format.mermaid,
    ".json": Format.json,
    ".csv": Format.csv,
}
#: What converts to what: a Mermaid diagram becomes a journey file, a journey file anything else.
TARGETS: dict[Format, tuple[Format, ...]] = {
    Format.mermaid: (Format.yaml,),
    Format.yaml: (Format.mermaid, Format.json, Format.csv),
}
STDOUT = "-"


def _known_extensions() -> str:
    return ", ".join(EXTENSIONS)


def source_format(path: pathlib.Path, given: Format | None) -> Format:
    """The input's format: ``given`` (``--from``), else from the extension."""
    found = given or EXTENSIONS.get(path.suffix.lower())
    if found is None:
        raise UsageError(
            f"cannot tell the format of {path} from its extension; name it {_known_extensions()} "
            "or give --from"
        )
    if found not in TARGETS:
        raise UsageError(f"cjm convert reads Mermaid and cjm YAML files, not {found.value} ({path})")
    return found


def target_format(output: str, given: Format | None, source: Format) -> Format:
    """The output's format: ``given`` (``--to``), else from the extension; on standard output
    a Mermaid diagram becomes YAML, the only format it converts to."""
    if output == STDOUT:
        found = given or (TARGETS[source][0] if len(TARGETS[source]) == 1 else None)
    else:
        found = given or EXTENSIONS.get(pathlib.Path(output).suffix.lower())
    if found is None:
        where = "standard output" if output == STDOUT else output
        choices = ", ".join(f.value for f in TARGETS[source])
        raise UsageError(f"cannot tell which format to write to {where}; give --to ({choices})")
    if found not in TARGETS[source]:
        choices = ", ".join(f.value for f in TARGETS[source])
        hint = " (convert it to YAML first)" if source is Format.mermaid else ""
        raise UsageError(
            f"cannot convert {source.value} to {found.value}; {source.value} converts to {choices}{hint}"
        )
    return found


@dataclass
class Conversion:
    """The converted text, or the problems that stopped the conversion; warnings either way."""

    text: str | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: Source text per file, for excerpts under the diagnostics.
    sources: dict[str, str] = field(default_factory=dict)
    #: Files checked, when the diagnostics are validation errors of a journey file.
    files: int = 0

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is not Severity.ERROR]


def convert(path: pathlib.Path, source: Format, target: Format, display: str | None = None) -> Conversion:
    """Convert one file. Bad content gives a Conversion with errors; I/O problems raise CjmError."""
    display = display or str(path)
    if source is Format.mermaid:
        return _from_mermaid(path, display)
    return _from_journey(path, target)


def _from_mermaid(path: pathlib.Path, display: str) -> Conversion:
    from cjmkit.interop.mermaid import mermaid_to_yaml, read_mermaid

    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CjmError(f"cannot read {path}: {error.strerror or error}") from None
    reading = read_mermaid(raw, display)
    sources = {display: raw.decode("utf-8", errors="replace").removeprefix("\ufeff")}
    if reading.journey is None:
        return Conversion(None, reading.diagnostics, sources)
    text = mermaid_to_yaml(reading.journey, path.name)
    size = len(text.encode("utf-8"))
    if size > MAX_JOURNEY_BYTES:
        message = f"the journey file would be {size} bytes, over the {MAX_JOURNEY_BYTES} bytes cjm reads"
        problem = Diagnostic(display, 1, 1, codes.TOO_COMPLEX.code, codes.TOO_COMPLEX.name, message)
        return Conversion(None, [*reading.diagnostics, problem], sources)
    return Conversion(text, reading.diagnostics, sources)


def _from_journey(path: pathlib.Path, target: Format) -> Conversion:
    from cjmkit import pipeline

    try:  # unreadable input is an I/O error (exit 2), not a validation error of the map
        path.open("rb").close()
    except OSError as error:
        raise CjmError(f"cannot read {path}: {error.strerror or error}") from None
    project = pipeline.load([path])
    document = next(d for d in project.documents if d.requested)
    if document.kind == "workspace":
        raise UsageError(f"{path} is a workspace file; convert a journey file")
    if project.diagnostics:
        sources = {d.display: d.text for d in project.documents}
        return Conversion(None, project.diagnostics, sources, files=len(project.documents))
    journey = document.journey
    assert journey is not None
    if target is Format.mermaid:
        from cjmkit.interop.mermaid import journey_to_mermaid

        return Conversion(journey_to_mermaid(journey, path.name))
    if target is Format.json:
        import json

        # Exactly the keys the file sets, in the format's canonical order; valid against the
        # journey JSON Schema. The persona union (id or inline object) makes pydantic warn needlessly.
        values = journey.model_dump(mode="json", exclude_unset=True, warnings=False)
        return Conversion(json.dumps(values, ensure_ascii=False, indent=2) + "\n")
    from cjmkit.analysis import analyse, selected_rules
    from cjmkit.renderers.context import Brand, journey_view
    from cjmkit.renderers.data import render_csv

    analysis = analyse(project, selected_rules([], []))
    view = journey_view(document, project.workspace_for(document), analysis, Brand())
    return Conversion(render_csv(view))


__all__ = [
    "EXTENSIONS",
    "STDOUT",
    "TARGETS",
    "Conversion",
    "Format",
    "convert",
    "source_format",
    "target_format",
]
