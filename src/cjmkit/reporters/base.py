"""What a reporter receives: the outcome of one run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cjmkit.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from cjmkit.analysis import AnalysisResult


@dataclass(frozen=True)
class Run:
    """Files checked, diagnostics found, the source text for excerpts, and (for lint) the analysis."""

    files: int
    diagnostics: list[Diagnostic]
    sources: Mapping[str, str] = field(default_factory=dict)
    analysis: AnalysisResult | None = None
    #: lint: the severity that fails the run (the summary names those findings first).
    fail_on: Severity | None = None
    #: lint --quiet: the findings alone, no ranking and no summary.
    quiet: bool = False
    #: The language of the text output (lint): ``--locale``, else the maps' own, else English.
    locale: str | None = None
