"""`cjm diff` output: text for the terminal, Markdown for a pull-request comment, stable JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TextIO

from cjmkit.diagnostics import Diagnostic
from cjmkit.i18n import N_, Message, Translator, msg, nmsg, translator
from cjmkit.reporters.json import diagnostic_record
from cjmkit.reporters.lint_text import SEVERITIES
from cjmkit.semdiff.changes import Change, flat
from cjmkit.semdiff.compare import Comparison, FileDiff
from cjmkit.terminal import json_safe, visible

_MARK = {"added": "+", "removed": "-", "changed": "~", "moved": ">"}
#: What happened to an element, as the Markdown table's first column says it.
_CHANGE_WORDS = {
    "added": N_("added"),
    "removed": N_("removed"),
    "changed": N_("changed"),
    "moved": N_("moved"),
}
_FINDING_WORDS = {"new": N_("new"), "resolved": N_("resolved")}
NOT_COMPARED = N_("Not compared:")
FINDINGS = N_("Findings:")
CHANGE_COLUMNS = (N_("Change"), N_("What"))
FINDING_COLUMNS = (N_("Severity"), N_("Rule"), N_("Finding"), N_("Where"))


def totals(comparison: Comparison) -> dict[str, int]:
    files = comparison.files
    return {
        "journeys": len(comparison.journeys),
        "workspaces": len(comparison.workspaces),
        "changes": sum(len(f.changes) for f in files),
        "new_findings": sum(len(f.new_findings) for f in files),
        "resolved_findings": sum(len(f.resolved_findings) for f in files),
    }


def reader(comparison: Comparison) -> Translator:
    """The language of the text and Markdown reports (see :attr:`Comparison.locale`)."""
    return translator(comparison.locale)


def summary_line(comparison: Comparison, t: Translator | None = None) -> str:
    t = t or reader(comparison)
    if not comparison.differences:
        return msg(
            "no changes between {old} and {new}", old=flat(comparison.old), new=flat(comparison.new)
        ).render(t)
    count = totals(comparison)
    parts = []
    if count["journeys"]:
        parts.append(nmsg("{count} journey", "{count} journeys", "count", count=count["journeys"]))
    if count["workspaces"]:
        parts.append(
            nmsg("{count} workspace file", "{count} workspace files", "count", count=count["workspaces"])
        )
    files = (
        msg("{first} and {second}", first=parts[0].render(t), second=parts[1].render(t)).render(t)
        if len(parts) == 2
        else parts[0].render(t)
    )
    return msg(
        "differences in {files}: {changes}, {new}, {resolved}",
        files=files,
        changes=nmsg("{count} change", "{count} changes", "count", count=count["changes"]).render(t),
        new=nmsg("{count} new finding", "{count} new findings", "count", count=count["new_findings"]).render(
            t
        ),
        resolved=nmsg(
            "{count} resolved finding", "{count} resolved findings", "count", count=count["resolved_findings"]
        ).render(t),
    ).render(t)


def _heading(diff: FileDiff, t: Translator) -> str:
    """``journey ID`` or ``workspace``, and what happened to it."""
    heading: Message
    if diff.kind == "workspace":
        heading = {
            "changed": msg("workspace (changed)"),
            "added": msg("workspace (added)"),
            "removed": msg("workspace (removed)"),
        }[diff.status]
        return heading.render(t)
    journey = diff.journey or ""
    if diff.status == "changed" or not diff.title:
        heading = {
            "changed": msg("journey {id} (changed)", id=journey),
            "added": msg("journey {id} (added)", id=journey),
            "removed": msg("journey {id} (removed)", id=journey),
        }[diff.status]
        return heading.render(t)
    title = f'"{flat(diff.title)}"' if t.code == "en" else t.quote(flat(diff.title))
    stages = nmsg("{count} stage", "{count} stages", "count", count=diff.stages).render(t)
    if diff.status == "added":
        heading = msg("journey {id} (added: {title}, {stages})", id=journey, title=title, stages=stages)
    else:
        heading = msg("journey {id} (removed: {title}, {stages})", id=journey, title=title, stages=stages)
    return heading.render(t)


def _where(finding: Diagnostic) -> str:
    return f"{finding.file}:{finding.line}:{finding.column}"


def _finding_counts(diff: FileDiff) -> Message:
    return msg(
        "{new} new, {resolved} resolved", new=len(diff.new_findings), resolved=len(diff.resolved_findings)
    )


# --- text -----------------------------------------------------------------------------------


def report_text(comparison: Comparison, out: TextIO) -> None:
    """Every line through :func:`visible`: ids, file names and summaries come from the maps."""
    t = reader(comparison)
    if comparison.errors:
        _errors_text(comparison, out, t)
        return

    def line(text: str) -> None:
        out.write(visible(text) + "\n")

    for diff in comparison.files:
        line(f"{_heading(diff, t)}  {flat(diff.file)}")
        for change in diff.changes:
            line(f"  {_MARK[change.change]} {change.says(t)}")
        if diff.new_findings or diff.resolved_findings:
            line("  " + msg("findings: {counts}", counts=_finding_counts(diff).render(t)).render(t))
            for word, findings in (("new", diff.new_findings), ("resolved", diff.resolved_findings)):
                for finding in findings:
                    line(
                        f"    {t.gettext(_FINDING_WORDS[word]):<8}  "
                        f"{t.gettext(SEVERITIES[finding.severity]):<7}  {flat(finding.text(t))}  "
                        f"{finding.name} ({finding.code})  {flat(_where(finding))}"
                    )
        out.write("\n")
    line(summary_line(comparison, t) + ".")
    for text in _unresolved_lines(comparison, t):
        line(text)


def _unresolved_lines(comparison: Comparison, t: Translator) -> list[str]:
    """The references that did not resolve, which did not stop the comparison."""
    if not comparison.unresolved:
        return []
    head = nmsg(
        "Compared although {count} reference does not resolve:",
        "Compared although {count} references do not resolve:",
        "count",
        count=len(comparison.unresolved),
    ).render(t)
    return [head] + [f"  {_where(e)}: {e.text(t)} ({e.code})" for e in comparison.unresolved]


def _errors_text(comparison: Comparison, out: TextIO, t: Translator) -> None:
    from cjmkit.reporters.text import write_diagnostic
    from cjmkit.terminal import console as terminal_console

    console = terminal_console(out)
    for error in comparison.errors:
        write_diagnostic(console, error, comparison.sources.get(error.file, ""))
    files = len({error.file for error in comparison.errors})
    errors = nmsg("{count} error", "{count} errors", "count", count=len(comparison.errors)).render(t)
    in_files = nmsg("{count} file", "{count} files", "count", count=files).render(t)
    out.write(
        msg(
            "Not compared: {errors} in {files}; fix the maps first (`cjm validate`).",
            errors=errors,
            files=in_files,
        ).render(t)
        + "\n"
    )


# --- Markdown -------------------------------------------------------------------------------


def _markdown_text() -> Callable[[object], str]:
    """Map text as inert Markdown: control characters made visible first, which `md` leaves alone."""
    from cjmkit.escaping import md

    return lambda text: md(flat(str(text)))


def report_md(comparison: Comparison, out: TextIO) -> None:
    """Blocks separated by one blank line: a title, a summary, then per file its changes and findings."""
    md = _markdown_text()
    t = reader(comparison)
    blocks = [
        "## "
        + msg("Journey map changes: {old} → {new}", old=md(comparison.old), new=md(comparison.new)).render(t)
    ]
    if comparison.errors:
        errors = nmsg(
            "{count} validation error", "{count} validation errors", "count", count=len(comparison.errors)
        ).render(t)
        blocks.append(f"**{md(t.gettext(NOT_COMPARED))}** {md(errors)}.")
        blocks.append(
            "\n".join(f"- {md(_where(e))}: {md(e.text(t))} ({md(e.code)})" for e in comparison.errors)
        )
        out.write("\n\n".join(blocks) + "\n")
        return
    blocks.append(f"{md(summary_line(comparison, t))}.")
    unresolved = _unresolved_lines(comparison, t)
    if unresolved:
        blocks.append(
            md(unresolved[0]) + "\n\n" + "\n".join(f"- {md(text.strip())}" for text in unresolved[1:])
        )
    for diff in comparison.files:
        blocks.append(f"### {md(_heading(diff, t))}")
        blocks.append(msg("File: {file}", file=md(diff.file)).render(t))
        if diff.changes:
            rows = [
                f"| {md(t.gettext(_CHANGE_WORDS[change.change]))} | {md(change.says(t))} |"
                for change in diff.changes
            ]
            head = "| " + " | ".join(md(t.gettext(word)) for word in CHANGE_COLUMNS) + " |"
            blocks.append("\n".join([head, "|---|---|", *rows]))
        if diff.new_findings or diff.resolved_findings:
            blocks.append(f"**{md(t.gettext(FINDINGS))}** {md(_finding_counts(diff).render(t))}")
            rows = [
                f"| {md(t.gettext(_FINDING_WORDS[word]))} | {md(t.gettext(SEVERITIES[finding.severity]))} "
                f"| {md(finding.code)} {md(finding.name)} | {md(finding.text(t))} | {md(_where(finding))} |"
                for word, findings in (("new", diff.new_findings), ("resolved", diff.resolved_findings))
                for finding in findings
            ]
            head = "| | " + " | ".join(md(t.gettext(word)) for word in FINDING_COLUMNS) + " |"
            blocks.append("\n".join([head, "|---|---|---|---|---|", *rows]))
    out.write("\n\n".join(blocks) + "\n")


# --- JSON -----------------------------------------------------------------------------------


def change_record(change: Change) -> dict[str, Any]:
    return {
        "kind": change.kind,
        "id": change.id,
        "stage": change.stage,
        "change": change.change,
        "field": change.field,
        "old": change.old,
        "new": change.new,
        "summary": change.summary,
    }


def file_record(diff: FileDiff) -> dict[str, Any]:
    record: dict[str, Any] = {"journey": diff.journey} if diff.kind == "journey" else {}
    record.update(
        {
            "file": diff.file,
            "old_file": diff.old_file,
            "status": diff.status,
            "changes": [change_record(change) for change in diff.changes],
            "findings": {
                "new": [diagnostic_record(f, finding=True) for f in diff.new_findings],
                "resolved": [diagnostic_record(f, finding=True) for f in diff.resolved_findings],
            },
        }
    )
    return record


def report_json(comparison: Comparison, out: TextIO) -> None:
    document = {
        "old": comparison.old,
        "new": comparison.new,
        "differences": comparison.differences,
        "errors": [diagnostic_record(error) for error in comparison.errors],
        "unresolved_references": [diagnostic_record(d) for d in comparison.unresolved],
        "summary": totals(comparison),
        "workspaces": [file_record(diff) for diff in comparison.workspaces],
        "journeys": [file_record(diff) for diff in comparison.journeys],
    }
    out.write(json_safe(json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False)) + "\n")
