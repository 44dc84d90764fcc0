"""Human output: ``FILE:LINE:COLUMN: CODE message`` with a source excerpt, like a compiler."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, TextIO, TypeVar

from rich.console import Console
from rich.text import Text

from cjmkit.diagnostics import Diagnostic, Severity, plural
from cjmkit.reporters.base import Run

if TYPE_CHECKING:
    pass
from cjmkit.terminal import console as terminal_console
from cjmkit.terminal import same_width, visible

T = TypeVar("T")

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold cyan"}
_EXCERPT_WIDTH = 100


class SourceLines:
    """Where each line of one source starts, found once: every excerpt of a file then costs
    one slice, not a split of the whole file (20,000 diagnostics in one file took 25 s)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.starts = [0, *(match.end() for match in _LINE_END.finditer(source))]

    def __len__(self) -> int:
        return len(self.starts)

    def line(self, number: int) -> str:
        """Line ``number`` (1-based) without its line end."""
        start = self.starts[number - 1]
        end = self.starts[number] - 1 if number < len(self.starts) else len(self.source)
        return self.source[start:end].removesuffix("\r")


_LINE_END = re.compile("\n")
_last: list[SourceLines] = []


def source_lines(source: str) -> SourceLines:
    """The lines of ``source``; the last one asked for is kept, so the callers that pass the same
    text for each diagnostic of a file (fmt, metrics, convert, render) share one index."""
    if _last and _last[0].source is source:
        return _last[0]
    lines = SourceLines(source)
    _last[:] = [lines]
    return lines


def excerpt(source: str | SourceLines, line: int, column: int) -> list[tuple[str, str]]:
    """The source line and a caret under ``column``, as (gutter, text) pairs.

    Only LF (or CR LF) ends a line, as both YAML and Mermaid count them for real files;
    control characters are shown as U+FFFD so they neither reach the terminal nor shift the caret.
    """
    lines = source if isinstance(source, SourceLines) else source_lines(source)
    if not 1 <= line <= len(lines):
        return []
    text = lines.line(line)
    caret = max(column - 1, 0)
    if len(text) > _EXCERPT_WIDTH:  # cut before escaping: one long line may carry every diagnostic
        start = max(0, min(caret - _EXCERPT_WIDTH // 2, len(text) - _EXCERPT_WIDTH))
        text = text[start : start + _EXCERPT_WIDTH]
        caret -= start
    return [(str(line), same_width(text)), ("", " " * caret + "^")]


def emit(console: Console, text: Text) -> None:
    """One line per diagnostic: to a pipe or a file (no colour, so no styles) written as it is;
    rich's rendering costs about 0.1 ms a line, most of a 100,000-diagnostic report."""
    if console.color_system is None:
        console.file.write(text.plain + "\n")
    else:
        console.print(text)


def report_text(run: Run, out: TextIO) -> None:
    console = terminal_console(out)
    if run.analysis is not None:
        from cjmkit.reporters.lint_text import report_lint_text

        report_lint_text(run, console)
        return
    for diagnostic in run.diagnostics:
        write_diagnostic(console, diagnostic, run.sources.get(diagnostic.file, ""))
    errors = [d for d in run.diagnostics if d.severity is Severity.ERROR]
    if errors:
        files = len({d.file for d in errors})
        console.print(
            Text(
                f"Found {plural(len(errors), 'error')} in {plural(files, 'file')} "
                f"({plural(run.files, 'file')} checked).",
                style="bold",
            )
        )
    else:
        console.print(Text(f"All {plural(run.files, 'file')} valid.", style="bold green"))


def write_diagnostic(
    console: Console, diagnostic: Diagnostic, source: str | SourceLines, *, severity: bool = False
) -> None:
    """``FILE:LINE:COLUMN: [severity] CODE message`` and the source line with a caret, like a compiler."""
    head = Text()
    head.append(f"{visible(diagnostic.file)}:{diagnostic.line}:{diagnostic.column}:", style="bold")
    head.append(" ")
    if severity:
        head.append(f"{diagnostic.severity.value} ", style=_STYLE[diagnostic.severity])
    head.append(diagnostic.code, style=_STYLE[diagnostic.severity])
    head.append(f" {visible(diagnostic.message)}")
    rows = excerpt(source, diagnostic.line, diagnostic.column)
    width = max((len(gutter) for gutter, _ in rows), default=0)
    for gutter, text in rows:  # one print per diagnostic: rich's per-call cost dominates big reports
        head.append(f"\n{gutter:>{width}} | ", style="blue")
        head.append(text, style="bold red" if not gutter else "")
    emit(console, head)
