"""The `analysis:` section of a workspace: checked against the rule catalogue, then applied.

The check is part of the validation pass (``cjm validate`` reports an unknown rule name at
its line, as ``cjm lint`` does); ``RuleSettings`` is what the analysis reads afterwards.
It reads the parsed data, not the model, so a section with other errors is still checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cjmkit import codes
from cjmkit.analysis.rules import RULES, Rule, find_rule
from cjmkit.analysis.rules.registry import OPTIONS
from cjmkit.diagnostics import Severity
from cjmkit.loading.document import Document
from cjmkit.loading.validation import did_you_mean
from cjmkit.models import Workspace


def selector_hint(selector: str) -> str:
    """ " (did you mean 'slug'?)" for a mistyped rule name; a former slug suggests the current one."""
    names = {name: r.slug for r in RULES.values() for name in (r.slug, *r.aliases)}
    names |= {r.code: r.code for r in RULES.values()}
    hint = did_you_mean(selector, list(names))
    for name, current in names.items():
        hint = hint.replace(repr(name), repr(current))
    return hint


def _number(value: Any) -> float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def check_settings(document: Document) -> None:
    """Report rule names and options in a workspace's `analysis:` that no rule declares."""
    settings = document.data.get("analysis") if document.data else None
    if not isinstance(settings, dict):
        return
    ignore = settings.get("ignore")
    for index, name in enumerate(ignore if isinstance(ignore, list) else []):
        if isinstance(name, str) and not any(r.matches(name) for r in RULES.values()):
            document.error_at(
                ("analysis", "ignore", index),
                codes.INVALID_VALUE,
                f"unknown rule {name!r}{selector_hint(name)}",
            )
    severity = settings.get("severity")
    for name in severity if isinstance(severity, dict) else {}:
        if find_rule(name) is None:
            document.error_at(
                ("analysis", "severity", name),
                codes.INVALID_VALUE,
                f"unknown rule {name!r}{selector_hint(name)}",
                key=True,
            )
    thresholds = settings.get("thresholds")
    for name, value in (thresholds if isinstance(thresholds, dict) else {}).items():
        option = OPTIONS.get(name)
        path = ("analysis", "thresholds", name)
        if option is None:
            hint = did_you_mean(name, sorted(OPTIONS)) or f" (rule options: {', '.join(sorted(OPTIONS))})"
            document.error_at(path, codes.UNKNOWN_KEY, f"unknown rule option {name!r}{hint}", key=True)
        elif (number := _number(value)) is not None and (problem := option.problem(number)):
            document.error_at(path, codes.OUT_OF_RANGE, problem)


@dataclass(frozen=True)
class RuleSettings:
    """Which rules a workspace turns off and which severities it changes."""

    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, workspace: Workspace | None) -> RuleSettings:
        settings = workspace.analysis if workspace else None
        if settings is None:
            return cls()
        return cls(tuple(settings.ignore), dict(settings.severity))

    def enabled(self, rule: Rule) -> bool:
        return not any(rule.matches(name) for name in self.ignore)

    def override(self, rule: Rule) -> Severity | None:
        """The severity the workspace sets for ``rule`` (by slug, former slug or code), or None."""
        for name, value in self.severity.items():
            if find_rule(name) is rule:
                return Severity(value)
        return None
