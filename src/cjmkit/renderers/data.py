"""Data exports for the client's spreadsheet: CSV (stage x touchpoint rows) and JSON."""

from __future__ import annotations

import csv
import json
import re
from typing import Any

from cjmkit.renderers.context import JourneyView, TouchpointView
from cjmkit.reporters.json import diagnostic_record, record, stage_record

CSV_COLUMNS = [
    "journey", "stage_index", "stage_id", "stage", "phase", "stage_emotion",
    "touchpoint_id", "touchpoint", "channel", "touchpoint_emotion",
    "funnel_entered", "funnel_advanced", "conversion", "kpis", "evidence",
]  # fmt: skip


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: A line break followed by what would start a formula on the new line.
_FORMULA_AFTER_BREAK = re.compile(r"(\r\n|\r|\n)(?=[=+\-@\t])")


def spreadsheet_safe(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe, on every line of it.

    A cell read wrongly (a reader that splits rows at a line break inside quotes) must not
    start a new row with a live formula either, so each line is guarded, not only the first.
    """
    if not isinstance(value, str):
        return value
    if value[:1] in FORMULA_STARTS:
        value = "'" + value
    return _FORMULA_AFTER_BREAK.sub(r"\1'", value)


class _Lines:
    """Collects the rows of a csv writer whose row end is CR LF, ending them with LF instead.

    The csv module quotes a field only for the characters of its own row end: with "\n"
    alone, a field holding a bare CR went out unquoted and started a new row.
    """

    def __init__(self) -> None:
        self.rows: list[str] = []

    def write(self, row: str) -> None:
        self.rows.append(row[:-2] + "\n")


def render_csv(view: JourneyView) -> str:
    out = _Lines()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for stage in view.stages:
        kpis = "; ".join(
            f"{k.name}: {'' if k.actual is None else f'{k.actual:g}'} / {k.target:g}" for k in stage.kpis
        )
        funnel = stage.funnel
        base = [
            view.id, stage.index + 1, stage.id, stage.name, stage.phase or "",
            "" if stage.emotion is None else stage.emotion,
        ]  # fmt: skip
        tail = [
            "" if funnel is None else funnel.entered,
            "" if funnel is None else funnel.advanced,
            "" if funnel is None or funnel.conversion is None else f"{funnel.conversion:.4f}",
            kpis,
            stage.evidence_level or "",
        ]
        touchpoints: tuple[TouchpointView | None, ...] = stage.touchpoints or (None,)
        for touchpoint in touchpoints:
            middle = (
                ["", "", "", ""]
                if touchpoint is None
                else [touchpoint.id, touchpoint.name, touchpoint.channel,
                      "" if touchpoint.emotion is None else touchpoint.emotion]
            )  # fmt: skip
            writer.writerow([spreadsheet_safe(v) for v in base + middle + tail])
    return "".join(out.rows)


def render_json(view: JourneyView) -> str:
    document: dict[str, Any] = {
        **view.export,
        "analysis": {
            "findings": [diagnostic_record(f, finding=True) for f in view.findings],
            "stages": [stage_record(s) for s in view.weakest],
            "growth_points": [record(g) for g in view.growth_points],
            "unvalued": [record(u) for u in view.unvalued],
            "channels": [record(c) for c in view.channel_summaries],
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
