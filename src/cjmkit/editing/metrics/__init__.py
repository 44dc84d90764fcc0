"""`cjm metrics import`: set KPI actuals and funnel volumes from an analytics CSV export.

The CSV has a header row with the columns ``journey``, ``stage``, ``field`` and
``value`` (any order, any case; other columns are ignored) and one value per row:

- ``field`` is ``kpi:<kpi-id>`` (sets that KPI's ``actual``), ``funnel.entered``
  or ``funnel.advanced``;
- ``journey`` and ``stage`` are ids from the maps;
- the delimiter is ``;`` when the header holds more ``;`` than ``,``, else ``,``.
  With ``;`` (spreadsheets in Russian and most European locales) a decimal
  comma is accepted: ``0,041`` is 0.041. Spaces inside numbers (``60 000``)
  are ignored. The file is read as UTF-8 (with or without BOM), else as
  Windows-1251.

Only the targeted values change; the rest of each file stays byte for byte. An
existing value is replaced where it stands (located by the marks of ruamel's
composer). A missing one is added as a new line after the last key of its KPI
(``actual``) or stage (``funnel:`` with the values given), at that mapping's
indentation; in a one-line ``{...}`` mapping it is added before the ``}``.

The whole CSV is checked before anything is written: unknown journeys, stages
or KPIs, bad numbers, repeated rows, and values that would make a map invalid
(advanced above entered, a negative count) are all reported with their CSV line
and a code of the I family (the README lists them), and then nothing is written.
"""

from __future__ import annotations

from cjmkit.editing.metrics.planning import FileUpdate, ImportPlan, ValueEdit, plan_import
from cjmkit.editing.metrics.reading import MetricRow, MetricsCsv, parse_number, read_metrics

__all__ = [
    "FileUpdate",
    "ImportPlan",
    "MetricRow",
    "MetricsCsv",
    "ValueEdit",
    "parse_number",
    "plan_import",
    "read_metrics",
]
