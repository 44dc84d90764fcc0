"""Validation error codes: stable, documented in the README, used by ``--format json``."""

from __future__ import annotations

from typing import NamedTuple


class Code(NamedTuple):
    code: str
    name: str
    summary: str


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
UNIT_RANGE = Code(
    "V204", "unit-range", "A KPI value is outside its unit's range (ratio 0..1, percent 0..100)."
)
SEGMENT_REQUIRED = Code(
    "V205", "segment-required", "The workspace defines segments but the journey names none."
)

#: Larger map files are refused (V007): no journey map comes near this size.
MAX_FILE_BYTES = 5 * 1024 * 1024

ALL: tuple[Code, ...] = tuple(v for v in list(globals().values()) if isinstance(v, Code))
