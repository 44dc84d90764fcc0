"""Data exports for the client's spreadsheet: CSV (stage x touchpoint rows) and JSON."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from cjmkit.renderers.context import JourneyView, TouchpointView
from cjmkit.reporters.json import diagnostic_record, record

CSV_COLUMNS = [
    "journey", "stage_index", "stage_id", "stage", "phase", "stage_emotion",
    "touchpoint_id", "touchpoint", "channel", "touchpoint_emotion",
    "funnel_entered", "funnel_advanced", "conversion", "kpis", "evidence",
]  # fmt: skip


def spreadsheet_safe(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def render_csv(view: JourneyView) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
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
    return out.getvalue()


def render_json(view: JourneyView) -> str:
    document: dict[str, Any] = {
        **view.export,
        "analysis": {
            "findings": [diagnostic_record(f, finding=True) for f in view.findings],
            "stages": [record(s) for s in view.weakest],
            "growth_points": [record(g) for g in view.growth_points],
            "channels": [record(c) for c in view.channel_summaries],
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
