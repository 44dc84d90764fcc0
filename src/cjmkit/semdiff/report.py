"""`cjm diff` output: text for the terminal, Markdown for a pull-request comment, stable JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TextIO

from cjmkit.diagnostics import Diagnostic, plural
from cjmkit.reporters.json import diagnostic_record
from cjmkit.semdiff.changes import Change, flat
from cjmkit.semdiff.compare import Comparison, FileDiff
from cjmkit.terminal import json_safe, visible

_MARK = {"added": "+", "removed": "-", "changed": "~", "moved": ">"}


def totals(comparison: Comparison) -> dict[str, int]:
    files = comparison.files
    return {
        "journeys": len(comparison.journeys),
        "workspaces": len(comparison.workspaces),
        "changes": sum(len(f.changes) for f in files),
        "new_findings": sum(len(f.new_findings) for f in files),
        "resolved_findings": sum(len(f.resolved_findings) for f in files),
    }


def summary_line(comparison: Comparison) -> str:
    if not comparison.differences:
        return f"no changes between {flat(comparison.old)} and {flat(comparison.new)}"
    count = totals(comparison)
    parts = [
        part
        for part in (
            plural(count["journeys"], "journey") if count["journeys"] else "",
            plural(count["workspaces"], "workspace file") if count["workspaces"] else "",
        )
        if part
    ]
    return (
        f"differences in {' and '.join(parts)}: {plural(count['changes'], 'change')}, "
        f"{plural(count['new_findings'], 'new finding')}, "
        f"{plural(count['resolved_findings'], 'resolved finding')}"
    )


def _heading(diff: FileDiff) -> str:
    """``journey ID`` or ``workspace``, and what happened to it."""
    name = f"journey {diff.journey}" if diff.kind == "journey" else "workspace"
    if diff.status == "changed":
        return f"{name} ({diff.status})"
    detail = f': "{flat(diff.title)}", {plural(diff.stages, "stage")}' if diff.title else ""
    return f"{name} ({diff.status}{detail})"


def _where(finding: Diagnostic) -> str:
    return f"{finding.file}:{finding.line}:{finding.column}"


# --- text -----------------------------------------------------------------------------------


def report_text(comparison: Comparison, out: TextIO) -> None:
    """Every line through :func:`visible`: ids, file names and summaries come from the maps."""
    if comparison.errors:
        _errors_text(comparison, out)
        return

    def line(text: str) -> None:
        out.write(visible(text) + "\n")

    for diff in comparison.files:
        line(f"{_heading(diff)}  {flat(diff.file)}")
        for change in diff.changes:
            line(f"  {_MARK[change.change]} {change.summary}")
        if diff.new_findings or diff.resolved_findings:
            line(f"  findings: {len(diff.new_findings)} new, {len(diff.resolved_findings)} resolved")
            for word, findings in (("new", diff.new_findings), ("resolved", diff.resolved_findings)):
                for finding in findings:
                    line(
                        f"    {word:<8}  {finding.severity.value:<7}  {flat(finding.message)}  "
                        f"{finding.name} ({finding.code})  {flat(_where(finding))}"
                    )
        out.write("\n")
    line(summary_line(comparison) + ".")


def _errors_text(comparison: Comparison, out: TextIO) -> None:
    from cjmkit.reporters.text import write_diagnostic
    from cjmkit.terminal import console as terminal_console

    console = terminal_console(out)
    for error in comparison.errors:
        write_diagnostic(console, error, comparison.sources.get(error.file, ""))
    files = len({error.file for error in comparison.errors})
    out.write(
        f"Not compared: {plural(len(comparison.errors), 'error')} in {plural(files, 'file')}; "
        "fix the maps first (`cjm validate`).\n"
    )


# --- Markdown -------------------------------------------------------------------------------


def _markdown_text() -> Callable[[object], str]:
    """Map text as inert Markdown: control characters made visible first, which `md` leaves alone."""
    from cjmkit.renderers.filters import md

    return lambda text: md(flat(str(text)))


def report_md(comparison: Comparison, out: TextIO) -> None:
    """Blocks separated by one blank line: a title, a summary, then per file its changes and findings."""
    md = _markdown_text()
    blocks = [f"## Journey map changes: {md(comparison.old)} → {md(comparison.new)}"]
    if comparison.errors:
        blocks.append(f"**Not compared:** {plural(len(comparison.errors), 'validation error')}.")
        blocks.append(
            "\n".join(f"- {md(_where(e))}: {md(e.message)} ({md(e.code)})" for e in comparison.errors)
        )
        out.write("\n\n".join(blocks) + "\n")
        return
    blocks.append(f"{md(summary_line(comparison))}.")
    for diff in comparison.files:
        blocks.append(f"### {md(_heading(diff))}")
        blocks.append(f"File: {md(diff.file)}")
        if diff.changes:
            rows = [f"| {change.change} | {md(change.summary)} |" for change in diff.changes]
            blocks.append("\n".join(["| Change | What |", "|---|---|", *rows]))
        if diff.new_findings or diff.resolved_findings:
            blocks.append(
                f"**Findings:** {len(diff.new_findings)} new, {len(diff.resolved_findings)} resolved"
            )
            rows = [
                f"| {word} | {finding.severity.value} | {md(finding.code)} {md(finding.name)} "
                f"| {md(finding.message)} | {md(_where(finding))} |"
                for word, findings in (("new", diff.new_findings), ("resolved", diff.resolved_findings))
                for finding in findings
            ]
            blocks.append(
                "\n".join(["| | Severity | Rule | Finding | Where |", "|---|---|---|---|---|", *rows])
            )
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
        "summary": totals(comparison),
        "workspaces": [file_record(diff) for diff in comparison.workspaces],
        "journeys": [file_record(diff) for diff in comparison.journeys],
    }
    out.write(json_safe(json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False)) + "\n")
