"""Analysis rules, one module per family; importing this package registers them all."""

from cjmkit.analysis.rules import flow, future, gaps, units, weak
from cjmkit.analysis.rules.registry import RULES, Rule, find_rule, rule
from cjmkit.analysis.rules.scope import Hit, Scope

__all__ = ["RULES", "Hit", "Rule", "Scope", "find_rule", "flow", "future", "gaps", "rule", "units", "weak"]
