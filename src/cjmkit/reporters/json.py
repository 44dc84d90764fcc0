"""Stable machine formats.

validate: ``{"files": N, "errors": [...]}``;
lint: ``{"files": N, "findings": [...], "summary": {...}, "stages": [...], "unranked": [...],
"growth_points": [...], "unvalued": [...], "segments": [...], "channels": [...]}``.
"""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any, TextIO

from cjmkit.diagnostics import Diagnostic, Severity
from cjmkit.reporters.base import Run

if TYPE_CHECKING:
    from cjmkit.analysis import StageHealth
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
    return {
        item.name: getattr(result, item.name)
        for item in dataclasses.fields(result)
        if item.metadata.get("json", True)  # message objects behind English texts stay out
    }


def stage_record(health: StageHealth) -> dict[str, Any]:
    """A weak stage, its reasons as objects."""
    return {**record(health), "reasons": [record(reason) for reason in health.reasons]}


def summary_record(run: Run) -> dict[str, Any]:
    """Findings per severity, and how many are blocking (at ``--fail-on`` or worse)."""
    fail_on = run.fail_on or Severity.ERROR
    counts = {severity.value: 0 for severity in Severity}
    for diagnostic in run.diagnostics:
        counts[diagnostic.severity.value] += 1
    blocking = sum(1 for d in run.diagnostics if d.severity.rank >= fail_on.rank)
    return {**counts, "blocking": blocking, "fail_on": fail_on.value}


def report_json(run: Run, out: TextIO) -> None:
    document: dict[str, Any] = {"files": run.files}
    if run.analysis is None:
        document["errors"] = [diagnostic_record(d) for d in run.diagnostics]
    else:
        document["findings"] = [diagnostic_record(d, finding=True) for d in run.diagnostics]
        analysis = run.analysis
        document["summary"] = summary_record(run)
        document["stages"] = [stage_record(s) for s in analysis.stages]
        document["unranked"] = [record(u) for u in analysis.unranked]
        document["growth_points"] = [record(g) for g in analysis.growth_points]
        document["unvalued"] = [record(u) for u in analysis.unvalued]
        document["segments"] = [record(s) for s in analysis.segments]
        document["channels"] = [record(c) for c in analysis.channels]
    # Streamed (no second copy as one string); control and bidi characters as \u escapes, so the
    # document is safe to print and parses to the same values.
    writer = SafeJsonWriter(out)
    json.dump(document, writer, ensure_ascii=False, indent=2, allow_nan=False)
    writer.close()
    out.write("\n")
