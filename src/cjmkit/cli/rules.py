"""`cjm rules`: list the analysis rules, or explain one."""

from __future__ import annotations

from typing import Annotated

import typer

from cjmkit.cli.common import examples, guarded
from cjmkit.errors import UsageError

EPILOG = examples(
    "cjm rules                       # every rule: code, slug, severity, summary",
    "cjm rules objection-unanswered  # what the rule checks, why, an example and the fix",
    "cjm rules CJM203",
)


@guarded
def rules(
    name: Annotated[str | None, typer.Argument(help="A rule's slug or code.", show_default=False)] = None,
) -> None:
    """List every analysis rule, or explain one."""
    from cjmkit.analysis import selector_hint
    from cjmkit.analysis.rules import RULES, find_rule

    if name is None:
        for listed in sorted(RULES.values(), key=lambda r: r.code):
            typer.echo(f"{listed.code}  {listed.slug:<30} {listed.severity.value:<8} {listed.summary}")
        return
    rule = find_rule(name)
    if rule is None:
        raise UsageError(f"unknown rule {name!r}{selector_hint(name)}; `cjm rules` lists them")
    typer.echo(f"{rule.code} {rule.slug} (default severity: {rule.severity.value})\n")
    typer.echo(rule.explanation)
    if rule.options:
        typer.echo("\nOptions (cjm.yaml, under analysis.thresholds):")
        for option in rule.options:
            typer.echo(f"  {option.name} (default {option.default:g}): {option.summary}")
