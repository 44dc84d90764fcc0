"""GitHub Actions workflow commands: annotations on the YAML lines of a pull request.

Each diagnostic is exactly one line starting ``::error`` (``::warning``, ``::notice``). Map text
and file names cannot start another command: :func:`cjmkit.terminal.visible` first shows every
control character (LF, CR, NEL, U+2028 ...) as an escape, then ``%``, CR and LF are encoded as
the runner decodes them, and in properties ``:`` and ``,`` too, so a ``::`` from a map stays
inside the message of its own line.
"""

from __future__ import annotations

from typing import TextIO

from cjmkit.diagnostics import Severity
from cjmkit.reporters.base import Run
from cjmkit.terminal import visible

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return visible(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def report_github(run: Run, out: TextIO) -> None:
    for d in run.diagnostics:
        properties = ",".join(
            [
                f"file={escape_property(d.file)}",
                f"line={d.line}",
                f"col={d.column}",
                f"title={escape_property(f'{d.code} {d.name}')}",
            ]
        )
        out.write(f"::{_COMMAND[d.severity]} {properties}::{escape_data(d.message)}\n")
