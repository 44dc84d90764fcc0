"""Text that reaches a terminal: one console factory, one way to make map text safe to print.

A map is untrusted input: a YAML ``"\\e[2J"`` must never reach the terminal raw.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """Control characters (a YAML "\\e" can carry an ESC) shown as escapes, never sent to a terminal."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def same_width(line: str) -> str:
    """A source line safe to print under which a caret still points at the right column: a tab
    becomes one space and any other control character one U+FFFD."""
    return _CONTROL.sub("\ufffd", line.replace("\t", " "))


def console(file: TextIO | None = None, *, stderr: bool = False) -> Console:
    """The one rich Console setup: no markup, highlighting or emoji read from map text."""
    from rich.console import Console

    return Console(file=file, stderr=stderr, highlight=False, soft_wrap=True, markup=False, emoji=False)
