"""What a reporter receives: the outcome of one run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cjmkit.diagnostics import Diagnostic


@dataclass(frozen=True)
class Run:
    """Files checked, diagnostics found, and the source text for excerpts."""

    files: int
    diagnostics: list[Diagnostic]
    sources: Mapping[str, str] = field(default_factory=dict)
