"""The rule registry: each rule registers itself with a stable code, slug and its options."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cjmkit.analysis.rules.scope import Hit, Scope
from cjmkit.diagnostics import Severity

Check = Callable[[Scope], Iterable[Hit]]


@dataclass(frozen=True)
class Option:
    """A number a rule compares against, set per workspace under `analysis.thresholds`.

    It is declared with its rule (as yamllint's rules carry CONF and DEFAULT), so adding an
    option touches the rule alone: the settings check, JSON Schema and README read it here.
    """

    name: str
    default: float
    summary: str
    minimum: float | None = None
    maximum: float | None = None

    def problem(self, value: float) -> str | None:
        """Why ``value`` is not allowed for this option, or None."""
        if self.minimum is not None and value < self.minimum:
            return f"{self.name} must be >= {self.minimum:g}, got {value:g}"
        if self.maximum is not None and value > self.maximum:
            return f"{self.name} must be <= {self.maximum:g}, got {value:g}"
        return None


@dataclass(frozen=True)
class Rule:
    code: str
    slug: str
    severity: Severity
    summary: str
    check: Check
    options: tuple[Option, ...] = ()
    #: Former slugs, still accepted wherever a rule is named (ignore lists, severities,
    #: `--select`, suppression comments), so configurations written for them keep working.
    aliases: tuple[str, ...] = ()

    @property
    def family(self) -> str:
        return self.check.__module__.rsplit(".", 1)[-1]

    @property
    def explanation(self) -> str:
        """The rule's user documentation: its docstring."""
        return inspect.getdoc(self.check) or self.summary

    def matches(self, selector: str) -> bool:
        """``selector`` is this rule's slug (or a former one), its code, or a prefix of its
        code (``CJM2``)."""
        return selector == self.slug or selector in self.aliases or self.code.startswith(selector.upper())


RULES: dict[str, Rule] = {}
#: Every rule option by name: names are unique across rules, as `analysis.thresholds` is flat.
OPTIONS: dict[str, Option] = {}


def rule(
    code: str,
    slug: str,
    severity: str,
    summary: str,
    options: Iterable[Option] = (),
    aliases: Iterable[str] = (),
) -> Callable[[Check], Check]:
    """Register a check function as a rule; duplicate codes, slugs or option names are refused."""

    def register(check: Check) -> Check:
        names = {slug, *aliases}
        if code in RULES or any(names & {r.slug, *r.aliases} for r in RULES.values()):
            raise ValueError(f"rule {code} {slug} is registered twice")
        declared = tuple(options)
        for option in declared:
            if option.name in OPTIONS:
                raise ValueError(f"rule option {option.name} is declared twice")
            OPTIONS[option.name] = option
        RULES[code] = Rule(code, slug, Severity(severity), summary, check, declared, tuple(aliases))
        return check

    return register


def find_rule(name: str) -> Rule | None:
    """A rule by slug (or former slug) or code."""
    return next((r for r in RULES.values() if name in (r.slug, r.code, r.code.lower(), *r.aliases)), None)
