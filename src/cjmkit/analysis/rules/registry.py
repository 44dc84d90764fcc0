"""The rule registry: each rule registers itself with a stable code and slug."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cjmkit.analysis.rules.scope import Hit, Scope
from cjmkit.diagnostics import Severity

Check = Callable[[Scope], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    code: str
    slug: str
    severity: Severity
    summary: str
    check: Check

    @property
    def family(self) -> str:
        return self.check.__module__.rsplit(".", 1)[-1]

    @property
    def explanation(self) -> str:
        """The rule's user documentation: its docstring."""
        return inspect.getdoc(self.check) or self.summary

    def matches(self, selector: str) -> bool:
        """``selector`` is this rule's slug, its code, or a prefix of its code (``CJM2``)."""
        return selector == self.slug or self.code.startswith(selector.upper())


RULES: dict[str, Rule] = {}


def rule(code: str, slug: str, severity: str, summary: str) -> Callable[[Check], Check]:
    """Register a check function as a rule; duplicate codes or slugs are refused."""

    def register(check: Check) -> Check:
        if code in RULES or any(r.slug == slug for r in RULES.values()):
            raise ValueError(f"rule {code} {slug} is registered twice")
        RULES[code] = Rule(code, slug, Severity(severity), summary, check)
        return check

    return register


def find_rule(name: str) -> Rule | None:
    """A rule by slug or code."""
    return next((r for r in RULES.values() if name in (r.slug, r.code, r.code.lower())), None)
