"""Conversions between cjm journey files and other formats (`cjm convert`).

Mermaid ``journey`` diagrams convert both ways; a journey file also converts to JSON
(the validated journey exactly as written, as JSON) and to CSV (the same stage x
touchpoint table as ``cjm render --to csv``). Journeys kept in other shapes (Markdown
tables and lists, JSON and YAML stage lists, enablement-map-studio documents, cjm's own
JSON and CSV, a CSV grid or an Excel workbook of stages as columns) import to journey
files through the readers of :mod:`cjmkit.interop.importing`, picked by file format and
then by content. Heavy modules are imported only by the conversion that needs them.
"""

from __future__ import annotations

import pathlib
from dataclasses import dataclass, field

from cjmkit import codes
from cjmkit.codes import MAX_FILE_BYTES as MAX_JOURNEY_BYTES
from cjmkit.diagnostics import Diagnostic, Severity
from cjmkit.errors import BadInput, CjmError, UsageError
from cjmkit.interop.importing import Imported, Reader
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
    "yaml",
    "cjm journey file, or a stage list or enablement-map-studio document to import (.yaml, .yml)",
    FileFormat((".yaml", ".yml"), ("yaml", "mermaid", "json", "csv")),
)
FILE_FORMATS.register(
    "mermaid", "Mermaid journey diagram (.mmd, .mermaid)", FileFormat((".mmd", ".mermaid"), ("yaml",))
)
FILE_FORMATS.register(
    "json", "the journey as JSON, or a JSON stage list to import (.json)", FileFormat((".json",), ("yaml",))
)
FILE_FORMATS.register(
    "csv",
    "one row per stage and touchpoint, or a grid of stages as columns to import (.csv)",
    FileFormat((".csv",), ("yaml",)),
)
FILE_FORMATS.register(
    "markdown",
    "a journey in Markdown to import: tables, headings with lists, a Mermaid block (.md)",
    FileFormat((".md", ".markdown"), ("yaml",)),
)
FILE_FORMATS.register(
    "xlsx", "an Excel workbook of `cjm render --to xlsx` to import (.xlsx)", FileFormat((".xlsx",), ("yaml",))
)
STDOUT = "-"
#: What `cjm convert` writes: every format some input converts to.
OUTPUT_FORMATS: tuple[str, ...] = tuple(
    dict.fromkeys(target for name in FILE_FORMATS for target in FILE_FORMATS[name].converts_to)
)

#: The readers of each format that imports, tried in order (``module:attribute`` of a list of
#: :class:`cjmkit.interop.importing.Reader`); a cjm journey file is read before any of them.
IMPORTERS: dict[str, tuple[str, ...]] = {
    "yaml": ("cjmkit.interop.readers.structured:YAML_READERS",),
    "json": ("cjmkit.interop.readers.structured:JSON_READERS",),
    "markdown": ("cjmkit.interop.readers.markdown:READERS",),
    "csv": ("cjmkit.interop.readers.export_csv:READERS", "cjmkit.interop.readers.grid:READERS"),
}


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
    #: What an import mapped and dropped (imports from other shapes only).
    imported: Imported | None = None

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
    if source == "xlsx":
        from cjmkit.interop.readers.workbook import read_workbook

        return imported_conversion(
            read_workbook(read_input(path), display, path.name), display, path.name, {}
        )
    if source == "yaml" and target != "yaml":
        return _from_journey(path, target)
    return _import(path, source, display)


def read_input(path: pathlib.Path) -> bytes:
    """The bytes of a file to convert; CjmError when it cannot be read or is too large."""
    try:
        return read_bounded(path, MAX_JOURNEY_BYTES)
    except OSError as error:
        raise CjmError(f"cannot read {path}: {error.strerror or error}") from None
    except FileTooLarge:
        raise BadInput(f"cannot read {path}: it is over {MAX_JOURNEY_BYTES} bytes; nothing written") from None


def _sized(text: str, display: str, conversion: Conversion) -> Conversion:
    """The conversion, unless its text is larger than cjm reads back."""
    size = len(text.encode("utf-8"))
    if size <= MAX_JOURNEY_BYTES:
        return conversion
    message = f"the journey file would be {size} bytes, over the {MAX_JOURNEY_BYTES} bytes cjm reads"
    problem = Diagnostic(display, 1, 1, codes.TOO_COMPLEX.code, codes.TOO_COMPLEX.name, message)
    return Conversion(
        None, [*conversion.diagnostics, problem], conversion.sources, imported=conversion.imported
    )


def _from_mermaid(path: pathlib.Path, display: str) -> Conversion:
    from cjmkit.interop.mermaid import mermaid_to_yaml, read_mermaid

    raw = read_input(path)
    reading = read_mermaid(raw, display)
    sources = {display: raw.decode("utf-8", errors="replace").removeprefix("\ufeff")}
    if reading.journey is None:
        return Conversion(None, reading.diagnostics, sources)
    text = mermaid_to_yaml(reading.journey, path.name)
    return _sized(text, display, Conversion(text, reading.diagnostics, sources))


def readers_of(source: str) -> list[Reader]:
    """The readers that import files of a format, in the order they are tried."""
    import importlib

    found: list[Reader] = []
    for spec in IMPORTERS.get(source, ()):
        module, _, attribute = spec.partition(":")
        found += getattr(importlib.import_module(module), attribute)
    return found


def _import(path: pathlib.Path, source: str, display: str) -> Conversion:
    from cjmkit.encoding import decode_table
    from cjmkit.interop.importing import refusal

    text = decode_table(read_input(path))
    sources = {display: text}
    if source == "yaml" and _is_journey_file(text):
        raise UsageError(f"{path} is already a cjm journey file (`cjm fmt` formats it)")
    readers = readers_of(source)
    reader = next((r for r in readers if r.sniff(text)), None)
    if reader is None:
        shapes = ", ".join(r.name for r in readers)
        imported = refusal(display, f"this {source} file is in none of the shapes cjm imports ({shapes})")
    else:
        imported = reader.read(text, display, path.name)
    return imported_conversion(imported, display, path.name, sources)


def _is_journey_file(text: str) -> bool:
    """Whether a YAML text is a cjm journey (its top level sets ``cjm:``), by a cheap look."""
    import re

    return re.search(r"(?m)^cjm[ \t]*:", text) is not None


def imported_conversion(imported: Imported, display: str, name: str, sources: dict[str, str]) -> Conversion:
    """The journey file of an import, or why there is none."""
    from pydantic import ValidationError

    from cjmkit.editing.emit import dump_yaml
    from cjmkit.interop.importing import refusal
    from cjmkit.models import Journey

    if imported.document is None:
        return Conversion(None, imported.diagnostics, sources, imported=imported)
    try:
        Journey.model_validate(imported.document)
    except ValidationError as error:  # a reader's mistake; said plainly, never a traceback
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        why = f"the imported journey does not validate ({where}: {first['msg']}); please report it"
        failed = refusal(display, why)
        return Conversion(None, [*imported.diagnostics, *failed.diagnostics], sources, imported=imported)
    shape = f" ({imported.shape})" if imported.shape else ""
    comments = [f"Converted by `cjm convert` from {name}{shape}."]
    comments.append(f"Mapped: {imported.mapped_summary()}.")
    if imported.dropped:
        comments.append(f"Not mapped ({len(imported.dropped)}), kept here only:")
        comments += [f"  {dropped}" for dropped in imported.dropped]
    text = dump_yaml(imported.document, comments)
    return _sized(text, display, Conversion(text, imported.diagnostics, sources, imported=imported))


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
    "IMPORTERS",
    "OUTPUT_FORMATS",
    "STDOUT",
    "Conversion",
    "FileFormat",
    "convert",
    "imported_conversion",
    "read_input",
    "readers_of",
    "source_format",
    "target_format",
]
