"""Text that reaches a terminal: one console factory, one way to make map text safe to print.

A map is untrusted input: a YAML ``"\\e[2J"`` must never reach the terminal raw, and neither
may a file name. Every command and reporter passes map text and file names through
:func:`visible` (or, for the source line of an excerpt, :func:`same_width`; for JSON,
:func:`json_safe`).

What is unsafe: every character of Unicode's categories

- ``Cc``, the C0 and C1 controls and DEL: ESC, CSI (U+009B) and OSC (U+009D) start terminal
  escape sequences, BEL rings, CR and backspace overwrite what was printed, LF, VT, FF and
  NEL (U+0085) start a line that can pose as a line of our own (a GitHub workflow command);
- ``Cf``, the invisible format characters: the bidirectional controls (U+061C, U+200E, U+200F,
  U+202A-U+202E, U+2066-U+2069) reorder what is shown ("Trojan Source"), and the zero-width ones
  (U+200B-U+200D, U+2060-U+2064, U+FEFF, soft hyphen, the tag characters U+E0000-U+E007F) make two
  different ids or names look alike. Zero-width joiners inside emoji sequences are shown as
  escapes too: in a diagnostic the exact text matters more than the glyph;
- ``Zl`` and ``Zp``, U+2028 and U+2029, which some terminals and editors show as line breaks;
- ``Cs``, lone surrogates (a YAML ``"\\ud800"``), which cannot even be encoded for output.

Each is shown as a Python-style escape, ``\\u001b`` or ``\\U000e0041``, so the reader sees
what the file holds. ``tests/test_hardening_terminal.py`` checks the table below against
:mod:`unicodedata`, so a new Unicode version cannot widen the categories unnoticed.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console

#: The code points of categories Cc, Cf, Cs, Zl and Zp (Unicode 14 to 15.1: Python 3.11 to 3.13).
UNSAFE_RANGES: tuple[tuple[int, int], ...] = (
    (0x0000, 0x001F),
    (0x007F, 0x009F),
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x2028, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xD800, 0xDFFF),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)


def _char_class(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(
        re.escape(chr(low)) if low == high else f"{re.escape(chr(low))}-{re.escape(chr(high))}"
        for low, high in ranges
    )


UNSAFE = re.compile(f"[{_char_class(UNSAFE_RANGES)}]")
#: In JSON text a raw tab, LF or CR is whitespace between tokens (``json`` escapes them in strings).
_JSON_UNSAFE = re.compile(f"(?![\\t\\n\\r])[{_char_class(UNSAFE_RANGES)}]")


def escape(char: str) -> str:
    """``\\u001b`` for a character of the Basic Multilingual Plane, ``\\U000e0041`` beyond it."""
    point = ord(char)
    return f"\\u{point:04x}" if point <= 0xFFFF else f"\\U{point:08x}"


def _escaped(match: re.Match[str]) -> str:
    return escape(match.group())


def visible(text: str) -> str:
    """Untrusted text safe to print: every unsafe character (see the module) shown as an escape."""
    if UNSAFE.search(text) is None:  # the usual case: no copy
        return text
    return UNSAFE.sub(_escaped, text)


def visible_lines(text: str) -> str:
    """``visible()`` line by line: the text's own line feeds stay, so a multi-line message
    (a diff, a list of choices) still reads as lines."""
    return "\n".join(visible(line) for line in text.split("\n"))


def same_width(line: str) -> str:
    """A source line safe to print under which a caret still points at the right column: a tab
    becomes one space and any other unsafe character one U+FFFD (YAML counts each as a column)."""
    return UNSAFE.sub("\ufffd", line.replace("\t", " "))


def _json_escape(match: re.Match[str]) -> str:
    point = ord(match.group())
    if point <= 0xFFFF:
        return f"\\u{point:04x}"
    point -= 0x10000  # JSON spells a character beyond the BMP as a UTF-16 surrogate pair
    return f"\\u{0xD800 + (point >> 10):04x}\\u{0xDC00 + (point & 0x3FF):04x}"


def json_safe(chunk: str) -> str:
    """A piece of JSON text (``json.dump(ensure_ascii=False)`` output) with unsafe characters as
    ``\\u`` escapes: outside strings JSON has none, so the parsed values stay exactly the same."""
    if _JSON_UNSAFE.search(chunk) is None:
        return chunk
    return _JSON_UNSAFE.sub(_json_escape, chunk)


class SafeJsonWriter:
    """A text stream for ``json.dump``: its many small pieces are gathered and passed through
    :func:`json_safe` about 64 KiB at a time. Call :meth:`close` at the end."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._pieces: list[str] = []
        self._size = 0

    def write(self, chunk: str) -> int:
        self._pieces.append(chunk)
        self._size += len(chunk)
        if self._size >= 1 << 16:
            self.close()
        return len(chunk)

    def close(self) -> None:
        """Write what is gathered (the writer stays usable)."""
        if self._pieces:
            self._out.write(json_safe("".join(self._pieces)))
            self._pieces.clear()
            self._size = 0


@functools.cache
def _console_class() -> type[Console]:
    from rich.console import Console

    class QuietConsole(Console):
        def on_broken_pipe(self) -> None:
            """A reader that closed the pipe: rich would exit 1 itself; the CLI decides instead
            (``cjmkit.cli.common.output_closed``), the same way for every command."""
            self.quiet = True
            raise BrokenPipeError

    return QuietConsole


def console(file: TextIO | None = None, *, stderr: bool = False) -> Console:
    """The one rich Console setup: no markup, highlighting or emoji read from map text."""
    return _console_class()(
        file=file, stderr=stderr, highlight=False, soft_wrap=True, markup=False, emoji=False
    )
