"""Stable machine formats.

validate: ``{"files": N, "errors": [...]}``;
lint: ``{"files": N, "findings": [...], "stages": [...], "growth_points": [...], "channels": [...]}``.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, TextIO

from cjmkit.diagnostics import Diagnostic
from cjmkit.reporters.base import Run
from cjmkit.terminal import SafeJsonWriter


def diagnostic_record(diagnostic: Diagnostic, *, finding: bool = False) -> dict[str, Any]:
    record: dict[str, Any] = {
        "file": diagnostic.file,
        "line": diagnostic.line,
        "column": diagnostic.column,
        "path": diagnostic.path,
        "message": diagnostic.message,
        "code": diagnostic.code,
        "name": diagnostic.name,
        "severity": diagnostic.severity.value,
    }
    if finding:
        record["slug"] = diagnostic.name
        record["journey"] = diagnostic.journey
        record["stage"] = diagnostic.stage
        record["subject"] = diagnostic.subject
    return record


def record(result: Any) -> dict[str, Any]:
    """A ranking result (StageHealth, GrowthPoint, ChannelSummary) as a JSON object.

    Their fields are plain values and lists of them, so a shallow copy does what
    ``dataclasses.asdict`` does, without its deep copy of every list (1 s at 1,000 maps).
    """
    return {item.name: getattr(result, item.name) for item in dataclasses.fields(result)}


def report_json(run: Run, out: TextIO) -> None:
    document: dict[str, Any] = {"files": run.files}
    if run.analysis is None:
        document["errors"] = [diagnostic_record(d) for d in run.diagnostics]
    else:
        document["findings"] = [diagnostic_record(d, finding=True) for d in run.diagnostics]
        document["stages"] = [record(s) for s in run.analysis.stages]
        document["growth_points"] = [record(g) for g in run.analysis.growth_points]
        document["channels"] = [record(c) for c in run.analysis.channels]
    # Streamed (no second copy as one string); control and bidi characters as \u escapes, so the
    # document is safe to print and parses to the same values.
    writer = SafeJsonWriter(out)
    json.dump(document, writer, ensure_ascii=False, indent=2, allow_nan=False)
    writer.close()
    out.write("\n")
