"""Units: KPI values that look written in another unit than the one declared (CJM2xx).

KPI values are not range-limited by unit (a net revenue retention of 1.1, a growth of
-0.05 are fine), so a likely mix-up is a hint of the linter, never a validation error.
"""

from __future__ import annotations

from collections.abc import Iterator

from cjmkit.analysis.rules.registry import Option, rule
from cjmkit.analysis.rules.scope import Hit, Scope
from cjmkit.i18n import N_, Name, Term, msg

#: Above this a value cannot be a percent either: the mix-up is not ratio for percent.
PERCENT_CEILING = 100
#: The KPI fields the messages name.
FIELDS = {"target": N_("target"), "actual": N_("actual")}

MAX_RATIO_VALUE = Option(
    "max_ratio_value",
    2,
    "A `ratio` KPI value above this is probably a percent.",
    minimum=1,
)


@rule(
    "CJM207",
    "kpi-unit-mismatch",
    "info",
    "A KPI's values look like another unit.",
    options=[MAX_RATIO_VALUE],
)
def kpi_unit_mismatch(scope: Scope) -> Iterator[Hit]:
    """A KPI with `unit: ratio` has a `target` or `actual` above
    `thresholds.max_ratio_value` (default 2) and at most 100: most likely a percent
    written under the wrong unit. Each such value is reported.

    Why: a ratio of 45 is shown as 4,500 % and compared with the other ratios as
    if it were 45 times the whole; a ratio above 1 can be right (a net revenue
    retention of 1.1), one far above it rarely is.

    Example:

        kpis:
          - id: conversion
            name: Conversion
            target: 45
            unit: ratio

    Fix: write the value as a share (`0.45`), or declare `unit: percent`. If your
    ratios really run higher (multiples, indexes), raise the threshold in `cjm.yaml`
    under `analysis: {thresholds: {max_ratio_value: 10}}`.
    """
    limit = scope.option(MAX_RATIO_VALUE)
    for document, journey, index, stage in scope.stages():
        for number, kpi in enumerate(stage.kpis):
            if kpi.unit != "ratio":
                continue
            for name, value in (("target", kpi.target), ("actual", kpi.actual)):
                if value is not None and limit < value <= PERCENT_CEILING:
                    yield Hit(
                        document,
                        ("stages", index, "kpis", number, name),
                        msg(
                            "KPI {kpi} has unit ratio but its {field} is {value}: did you mean unit: "
                            "percent (or {ratio})?",
                            kpi=Name(kpi.name),
                            field=Term(FIELDS[name]),
                            value=value,
                            ratio=value / 100,
                        ),
                        journey.id,
                        stage.id,
                        kpi.id,
                        advice=msg(
                            "Check the unit of {kpi}: its values read as percent, not as a share.",
                            kpi=Name(kpi.name),
                        ),
                    )
