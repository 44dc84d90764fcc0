"""Conversions between cjm journey files and other formats (`cjm convert`).

Mermaid ``journey`` diagrams convert both ways; a journey file also converts to JSON
(the validated journey exactly as written, as JSON) and to CSV (the same stage x
touchpoint table as ``cjm render --to csv``). Heavy modules are imported only by the
conversion that needs them.
"""

from __future__ import annotations

import pathlib
from dataclasses import dataclass, field

from cjmkit import codes
from cjmkit.codes import MAX_FILE_BYTES as MAX_JOURNEY_BYTES
from cjmkit.diagnostics import Diagnostic, Severity
from cjmkit.errors import CjmError, UsageError
from cjmkit.loading.bounded import FileTooLarge, read_bounded
from cjmkit.registry import Registry


@dataclass(frozen=True)
class FileFormat:
    """A kind of file `cjm convert` reads or writes."""

    extensions: tuple[str, ...]
    #: The formats a file of this kind converts to (empty: written only).
    converts_to: tuple[str, ...] = ()


#: ``cjm convert --from/--to`` choices, their help text and the extensions that imply them.
FILE_FORMATS: Registry[FileFormat] = Registry("file format")
FILE_FORMATS.register(
    "yaml", "cjm journey file (.yaml, .yml)", FileFormat((".yaml", ".yml"), ("mermaid", "json", "csv"))
)
FILE_FORMATS.register(
    "mermaid", "Mermaid journey diagram (.mmd, .mermaid)", FileFormat((".mmd", ".mermaid"), ("yaml",))
)
FILE_FORMATS.register("json", "the journey as written, as JSON (.json)", FileFormat((".json",)))
FILE_FORMATS.register("csv", "one row per stage and touchpoint (.csv)", FileFormat((".csv",)))
STDOUT = "-"


def _by_extension(path: pathlib.Path) -> str | None:
    suffix = path.suffix.lower()
    return next((name for name in FILE_FORMATS if suffix in FILE_FORMATS[name].extensions), None)


def _known_extensions() -> str:
    return ", ".join(extension for name in FILE_FORMATS for extension in FILE_FORMATS[name].extensions)


def _targets(source: str) -> tuple[str, ...]:
    return FILE_FORMATS[source].converts_to


def source_format(path: pathlib.Path, given: str | None) -> str:
    """The input's format: ``given`` (``--from``), else from the extension."""
    found = given or _by_extension(path)
    if found is None:
        raise UsageError(
            f"cannot tell the format of {path} from its extension; name it {_known_extensions()} "
            "or give --from"
        )
    if not _targets(found):
        readable = ", ".join(name for name in FILE_FORMATS if _targets(name))
        raise UsageError(f"cjm convert reads {readable} files, not {found} ({path})")
    return found


def target_format(output: str, given: str | None, source: str) -> str:
    """The output's format: ``given`` (``--to``), else from the extension; on standard output
    a Mermaid diagram becomes YAML, the only format it converts to."""
    targets = _targets(source)
    if output == STDOUT:
        found = given or (targets[0] if len(targets) == 1 else None)
    else:
        found = given or _by_extension(pathlib.Path(output))
    if found is None:
        where = "standard output" if output == STDOUT else output
        raise UsageError(f"cannot tell which format to write to {where}; give --to ({', '.join(targets)})")
    if found not in targets:
        hint = " (convert it to YAML first)" if source == "mermaid" else ""
        raise UsageError(
            f"cannot convert {source} to {found}; {source} converts to {', '.join(targets)}{hint}"
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


def convert(path: pathlib.Path, source: str, target: str, display: str | None = None) -> Conversion:
    """Convert one file. Bad content gives a Conversion with errors; I/O problems raise CjmError."""
    display = display or str(path)
    if source == "mermaid":
        return _from_mermaid(path, display)
    return _from_journey(path, target)


def _from_mermaid(path: pathlib.Path, display: str) -> Conversion:
    from cjmkit.interop.mermaid import mermaid_to_yaml, read_mermaid

    try:
        raw = read_bounded(path, MAX_JOURNEY_BYTES)
    except OSError as error:
        raise CjmError(f"cannot read {path}: {error.strerror or error}") from None
    except FileTooLarge:
        raise CjmError(f"cannot read {path}: it is over {MAX_JOURNEY_BYTES} bytes") from None
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


def _from_journey(path: pathlib.Path, target: str) -> Conversion:
    from cjmkit import pipeline

    try:  # unreadable input is an I/O error (exit 2), not a validation error of the map
        read_bounded(path, MAX_JOURNEY_BYTES)
    except OSError as error:
        raise CjmError(f"cannot read {path}: {error.strerror or error}") from None
    except FileTooLarge:
        pass  # the validation pass reports it at the file
    project = pipeline.load([path])
    document = next(d for d in project.documents if d.requested)
    if document.kind == "workspace":
        raise UsageError(f"{path} is a workspace file; convert a journey file")
    if project.diagnostics:
        sources = {d.display: d.text for d in project.documents}
        return Conversion(None, project.diagnostics, sources, files=len(project.documents))
    journey = document.journey
    assert journey is not None
    if target == "mermaid":
        from cjmkit.interop.mermaid import journey_to_mermaid

        return Conversion(journey_to_mermaid(journey, path.name))
    if target == "json":
        import json

        # Exactly the keys the file sets, in the format's canonical order; valid against the
        # journey JSON Schema. The persona union (id or inline object) makes pydantic warn needlessly.
        values = journey.model_dump(mode="json", exclude_unset=True, warnings=False)
        return Conversion(json.dumps(values, ensure_ascii=False, indent=2, allow_nan=False) + "\n")
    from cjmkit.analysis import analyse, selected_rules
    from cjmkit.renderers.context import Brand, journey_view
    from cjmkit.renderers.data import render_csv

    analysis = analyse(project, selected_rules([], []))
    view = journey_view(document, project.workspace_for(document), analysis, Brand())
    return Conversion(render_csv(view))


__all__ = [
    "FILE_FORMATS",
    "STDOUT",
    "Conversion",
    "FileFormat",
    "convert",
    "source_format",
    "target_format",
]
