"""Problem codes: stable, documented in the README, used by ``--format json`` and SARIF.

One table for every problem that is not an analysis finding (those are the
CJM rules): validation of maps (V), reading Mermaid diagrams (M) and importing
metrics (I). The letter names the family; the first digit groups the codes
within it.
"""

from __future__ import annotations

from typing import NamedTuple

from cjmkit.diagnostics import Severity


class Code(NamedTuple):
    code: str
    name: str
    summary: str
    #: What the code is reported as; SARIF gives it as the rule's default level.
    severity: Severity = Severity.ERROR


class Family(NamedTuple):
    heading: str
    intro: str


#: README headings, by the letter the family's codes start with.
FAMILIES = {
    "V": Family(
        "Validation (V): every command that reads maps",
        "V0xx: the file itself; V1xx: keys and values; V2xx: ids, references and consistency.",
    ),
    "M": Family(
        "Mermaid import (M): `cjm convert` from a `.mmd` diagram",
        "M0xx are errors (nothing is written); M1xx are warnings (the file still converts).",
    ),
    "C": Family(
        "Import (C): `cjm convert` from Markdown, JSON, YAML, CSV and Excel files",
        "Errors, except the warning C104: nothing is written. C0xx: reading the file; C1xx:"
        " bringing a workbook's edits back into a map (reported at the sheet and cell, e.g. `Map!D7`).",
    ),
    "I": Family(
        "Metrics import (I): `cjm metrics import`",
        "Reported at the line and cell of the CSV (I201 and I202 at the map); if any is found,"
        " nothing is written. I0xx: reading the CSV; I1xx: finding the values in the maps;"
        " I2xx: editing the maps.",
    ),
}

# --- validation ------------------------------------------------------------------------------------

YAML_SYNTAX = Code("V001", "yaml-syntax", "The file is not valid YAML.")
DUPLICATE_KEY = Code("V002", "duplicate-key", "A mapping has the same key twice.")
EMPTY_FILE = Code("V003", "empty-file", "The file holds no document (empty or only comments).")
NOT_UTF8 = Code("V004", "not-utf8", "The file is not UTF-8 text.")
NOT_A_MAPPING = Code("V005", "not-a-mapping", "The top level is not a mapping of keys.")
UNSUPPORTED_VERSION = Code(
    "V006",
    "unsupported-version",
    "`cjm:` is missing or names a format version this cjmkit cannot read.",
)
TOO_COMPLEX = Code(
    "V007",
    "too-complex",
    "The file is too large, too deeply nested or expands too far through aliases.",
)
UNREADABLE = Code("V008", "unreadable", "The file cannot be read.")
UNKNOWN_KEY = Code("V101", "unknown-key", "A key the format does not define (typo?).")
MISSING_KEY = Code("V102", "missing-key", "A required key is absent.")
WRONG_TYPE = Code("V103", "wrong-type", "A value has the wrong type (text, number, list, mapping).")
INVALID_VALUE = Code("V104", "invalid-value", "A value is not one of the allowed choices or formats.")
OUT_OF_RANGE = Code("V105", "out-of-range", "A number or list size is outside its allowed range.")
INVALID_ID = Code("V106", "invalid-id", "An id or reference is not a slug (`[a-z0-9][a-z0-9-]*`).")
DUPLICATE_ID = Code("V201", "duplicate-id", "Two elements of the same kind share an id.")
UNRESOLVED_REFERENCE = Code(
    "V202",
    "unresolved-reference",
    "A reference names a segment, persona, channel or touchpoint that does not exist.",
)
FUNNEL_ORDER = Code("V203", "funnel-order", "`funnel.advanced` exceeds `funnel.entered`.")
# V204 `unit-range` is retired (KPI values are not range-limited by unit; lint rule CJM207
# kpi-unit-mismatch hints at a likely mix-up instead): never reuse the code or its name.
SEGMENT_REQUIRED = Code(
    "V205", "segment-required", "The workspace defines segments but the journey names none."
)

# --- Mermaid import --------------------------------------------------------------------------------

NOT_A_JOURNEY = Code("M001", "not-a-journey", "The file is not a Mermaid `journey` diagram.")
TASK_WITHOUT_SCORE = Code("M002", "task-without-score", "A task line has no score.")
TASK_WITHOUT_NAME = Code("M003", "task-without-name", "A task line has a score but no text.")
UNCLOSED_DESCRIPTION = Code("M004", "unclosed-description", "`accDescr {` is never closed by `}`.")
SECTION_WITHOUT_NAME = Code("M005", "section-without-name", "A `section` line has no name.")
EMPTY_JOURNEY = Code("M006", "empty-journey", "The diagram has no section and no task.")
SCORE_OUT_OF_RANGE = Code("M101", "score-out-of-range", "A score outside 1..5, clamped.", Severity.WARNING)
SCORE_NOT_WHOLE = Code("M102", "score-not-whole", "A score with a fraction, rounded.", Severity.WARNING)
ARROW_SCORE = Code("M103", "arrow-score", "`task -> score` written for `task: score`.", Severity.WARNING)
IGNORED_TEXT = Code(
    "M104",
    "ignored-text",
    "Text Mermaid ignores too (after the actors, empty title).",
    Severity.WARNING,
)
REPEATED_TITLE = Code("M105", "repeated-title", "`title` given twice; the last one wins.", Severity.WARNING)
COMMENT_SIGN_IN_TEXT = Code(
    "M106", "comment-sign-in-text", "`#` or `%%` kept as task text.", Severity.WARNING
)

# --- import from other formats ------------------------------------------------------------------

NOT_CONVERTIBLE = Code(
    "C001",
    "not-convertible",
    "The file is not in a shape `cjm convert` reads, or holds no journey to import.",
)
UNMAPPED_CELL = Code(
    "C101", "unmapped-cell", "A cell of the workbook or grid whose edit cannot be brought back into the map."
)
STALE_WORKBOOK = Code(
    "C102",
    "stale-workbook",
    "The map changed since the workbook was written from it; write a new workbook or use `--force`.",
)
INVALID_EDIT = Code("C103", "invalid-edit", "The workbook's edits would make the map invalid.")
COMPUTED_CELL = Code(
    "C104",
    "computed-cell",
    "A computed cell (a formula of the workbook) was overwritten; it is not brought back.",
    Severity.WARNING,
)

# --- metrics import --------------------------------------------------------------------------------

CSV_LAYOUT = Code(
    "I001",
    "csv-layout",
    "The CSV is empty, cannot be parsed, or its header lacks a `journey`, `stage`, `field` or"
    " `value` column or names one twice.",
)
INCOMPLETE_ROW = Code("I002", "incomplete-row", "A row leaves `journey`, `stage` or `field` empty.")
UNKNOWN_FIELD = Code(
    "I003",
    "unknown-field",
    "`field` is not `kpi:<kpi-id>`, `funnel.entered` or `funnel.advanced`.",
)
INVALID_NUMBER = Code(
    "I004",
    "invalid-number",
    "The value is empty, not a number, implausibly large or more precise than 28 digits, or a"
    " funnel volume is not a whole number of customers.",
)
UNKNOWN_JOURNEY = Code("I101", "unknown-journey", "No map that was read has this journey id.")
AMBIGUOUS_JOURNEY = Code("I102", "ambiguous-journey", "Several files define this journey id.")
UNKNOWN_STAGE = Code("I103", "unknown-stage", "The journey has no stage with this id.")
UNKNOWN_KPI = Code("I104", "unknown-kpi", "The stage has no KPI with this id.")
REPEATED_ROW = Code("I105", "repeated-row", "An earlier row of the CSV sets the same value.")
INVALID_MAP = Code(
    "I201", "invalid-map", "The map to edit has validation errors: fix them first (`cjm validate`)."
)
NOT_EDITABLE = Code(
    "I202",
    "not-editable",
    "The map uses YAML aliases or a layout the import cannot edit without touching other bytes.",
)
INVALID_RESULT = Code(
    "I203",
    "invalid-result",
    "The value would make the map invalid (`funnel.advanced` above `funnel.entered`).",
)

#: Larger map files are refused (V007): no journey map comes near this size.
MAX_FILE_BYTES = 5 * 1024 * 1024

ALL: tuple[Code, ...] = tuple(v for v in list(globals().values()) if isinstance(v, Code))
