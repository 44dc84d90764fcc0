"""The compare report: JSON (stable, English, for tools), text and Markdown (the maps' language)."""

from __future__ import annotations

from typing import Any

from cjmkit.compare.engine import Comparison, Element, Pair, Resolution
from cjmkit.escaping import md
from cjmkit.i18n import N_, Argument, Money, Name, Percent, Translator, msg, nmsg

KINDS = {"stage": N_("stage"), "touchpoint": N_("touchpoint"), "channel": N_("channel"),
         "barrier": N_("barrier"), "objection": N_("objection")}  # fmt: skip


def _number(value: float | None, digits: int = 6) -> float | None:
    return None if value is None else round(value, digits)


def _pair(pair: Pair, *, delta: bool) -> dict[str, Any]:
    record: dict[str, Any] = {"current": _number(pair.current), "future": _number(pair.future)}
    if delta:
        record["delta"] = pair.delta
    return record


def _element(element: Element) -> dict[str, Any]:
    record = {"kind": element.kind, "id": element.id, "name": element.name}
    if element.stage is not None:
        record["stage"] = element.stage
    return record


def to_json(comparison: Comparison) -> dict[str, Any]:
    """The documented shape: current, future, stages, resolved, unresolved, added, removed, revenue."""
    revenue = comparison.revenue
    return {
        "current": comparison.current.id,
        "future": comparison.future.id,
        "stages": [
            {
                "stage": s.stage,
                "name": s.name,
                "emotion": _pair(s.emotion, delta=True),
                "conversion": {**_pair(s.conversion, delta=False), "source": s.conversion_source},
                "kpis": [{"kpi": k.kpi, "current": k.current, "future": k.future} for k in s.kpis],
            }
            for s in comparison.stages
        ],
        "resolved": [{"kind": r.kind, "id": r.id, "stage": r.stage, "by": r.by} for r in comparison.resolved],
        "unresolved": [
            {"kind": r.kind, "id": r.id, "stage": r.stage, "in_future": r.in_future}
            for r in comparison.unresolved
        ],
        "added": [_element(e) for e in comparison.added],
        "removed": [_element(e) for e in comparison.removed],
        "revenue": None
        if revenue is None
        else {
            "current": revenue.current,
            "future": revenue.future,
            "delta": revenue.delta,
            "currency": revenue.currency,
            "purchases": {"current": revenue.purchases_current, "future": revenue.purchases_future},
            "contributions": [
                {"stage": c.stage, "current": _number(c.current), "future": c.future, "revenue": c.revenue}
                for c in revenue.contributions
            ],
            "assumed": revenue.assumed,
        },
    }


def _emotion(pair: Pair, t: Translator) -> str:
    def show(value: float | None) -> str:
        return "—" if value is None else _signed(int(value))

    return f"{show(pair.current)} → {show(pair.future)}"


def _signed(value: int) -> str:
    return f"+{value}" if value > 0 else str(value)


def _rate(value: float | None, t: Translator) -> str:
    return "—" if value is None else t.percent(value)


def _resolution(entry: Resolution, t: Translator) -> str:
    values: dict[str, Argument] = {
        "kind": t.gettext(KINDS[entry.kind]),
        "text": Name(entry.text),
        "stage": Name(entry.stage_name),
    }
    if entry.by:
        return msg("{kind} {text} at {stage}: resolved by {by}", by=", ".join(entry.by), **values).render(t)
    if entry.in_future:
        return msg("{kind} {text} at {stage}: still there", **values).render(t)
    return msg("{kind} {text} at {stage}: gone, but no touchpoint says it resolves it", **values).render(t)


def _signed_money(value: float, currency: str, t: Translator) -> str:
    return ("+" if value >= 0 else "") + t.money(value, currency)


HEADING = N_("{future} against {current}")
STAGES = N_("Stages")
ADDED, REMOVED = N_("Added"), N_("Removed")
COLUMNS_REVENUE = (N_("Revenue"), N_("today"), N_("projected"), N_("change"))
COLUMNS_STAGES = (N_("Stage"), N_("emotion"), N_("conversion"))
COLUMNS_BARRIERS = (N_("Barrier or objection"), N_("Status"))


def _counts(comparison: Comparison, t: Translator) -> tuple[str, str]:
    resolved = nmsg(
        "{count} barrier or objection resolved",
        "{count} barriers and objections resolved",
        "count",
        count=len(comparison.resolved),
    )
    unresolved = nmsg(
        "{count} left unresolved", "{count} left unresolved", "count", count=len(comparison.unresolved)
    )
    return resolved.render(t), unresolved.render(t)


def text_lines(comparison: Comparison, t: Translator) -> list[str]:
    """The report for people: a heading, the revenue, then stages, barriers, what changed."""
    heading = msg(HEADING, future=Name(comparison.future.title), current=Name(comparison.current.title))
    lines = [heading.render(t), ""]
    revenue = comparison.revenue
    if revenue is not None:
        summary = msg(
            "Revenue: {current} today, {future} projected ({delta})",
            current=Money(revenue.current, revenue.currency),
            future=Money(revenue.future, revenue.currency),
            delta=_signed_money(revenue.delta, revenue.currency, t),
        )
        lines.append(summary.render(t))
        for item in revenue.contributions:
            line = msg(
                "{stage}: conversion {current} → {future}, {revenue}",
                stage=Name(item.name),
                current=_rate(item.current, t),
                future=Percent(item.future),
                revenue=_signed_money(item.revenue, revenue.currency, t),
            )
            lines.append("  " + line.render(t))
        if revenue.assumed:
            assumed = msg("assumed to pass everyone on: {stages}", stages=", ".join(revenue.assumed))
            lines.append("  " + assumed.render(t))
        lines.append("")
    lines.append(t.gettext(STAGES))
    for stage in comparison.stages:
        line = msg(
            "{stage}: emotion {emotion}, conversion {current} → {future}",
            stage=Name(stage.name),
            emotion=_emotion(stage.emotion, t),
            current=_rate(stage.conversion.current, t),
            future=_rate(stage.conversion.future, t),
        )
        lines.append("  " + line.render(t))
    lines.append("")
    resolved, unresolved = _counts(comparison, t)
    lines.append(resolved)
    lines += ["  " + _resolution(entry, t) for entry in comparison.resolved]
    lines.append(unresolved)
    lines += ["  " + _resolution(entry, t) for entry in comparison.unresolved]
    for title, elements in ((ADDED, comparison.added), (REMOVED, comparison.removed)):
        if elements:
            lines.append(t.gettext(title))
            lines += [f"  {t.gettext(KINDS[e.kind])} {e.id}: {e.name}" for e in elements]
    return lines


def _cell(text: str) -> str:
    return md(text, "cell")


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def markdown(comparison: Comparison, t: Translator) -> str:
    """Tables a consultant can paste into a proposal."""
    heading = msg(HEADING, future=comparison.future.title, current=comparison.current.title)
    return f"## {md(heading.render(t), 'heading')}\n\n" + markdown_tables(comparison, t)


def markdown_tables(comparison: Comparison, t: Translator) -> str:
    """The revenue, stage and barrier tables of :func:`markdown` without its heading (the
    Markdown deliverable of a future map shows them under its own heading)."""
    out: list[str] = []
    revenue = comparison.revenue
    if revenue is not None:
        out += [
            _row([t.gettext(column) for column in COLUMNS_REVENUE]),
            "|---|---:|---:|---:|",
            _row([
                _cell(comparison.future.title),
                t.money(revenue.current, revenue.currency),
                t.money(revenue.future, revenue.currency),
                _signed_money(revenue.delta, revenue.currency, t),
            ]),
            "",
        ]  # fmt: skip
    out += [_row([t.gettext(column) for column in COLUMNS_STAGES]), "|---|---|---|"]
    for stage in comparison.stages:
        conversion = f"{_rate(stage.conversion.current, t)} → {_rate(stage.conversion.future, t)}"
        out.append(_row([_cell(stage.name), _emotion(stage.emotion, t), conversion]))
    out.append("")
    if comparison.resolved or comparison.unresolved:
        out += [_row([t.gettext(column) for column in COLUMNS_BARRIERS]), "|---|---|"]
        for entry in (*comparison.resolved, *comparison.unresolved):
            out.append(_row([_cell(entry.text), _cell(_resolution(entry, t))]))
        out.append("")
    return "\n".join(out) + "\n"


#: Helpers the HTML deliverables share with the reports (renderers.context builds its views with them).
emotion_text = _emotion
rate_text = _rate
resolution_text = _resolution
signed_money = _signed_money
counts = _counts

__all__ = [
    "counts",
    "emotion_text",
    "markdown",
    "markdown_tables",
    "rate_text",
    "resolution_text",
    "signed_money",
    "text_lines",
    "to_json",
]
