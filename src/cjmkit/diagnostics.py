"""The one Diagnostic type shared by YAML errors, schema errors and rule findings."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cjmkit.i18n import Message, Translator


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


# Exit codes are defined here once: every command maps its outcome through them.
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


@dataclass(frozen=True)
class Diagnostic:
    """One problem at one place in one file.

    ``line`` and ``column`` are 1-based. ``path`` is the place in the document
    (``stages[1].touchpoints[0].channel``), empty for the whole document.
    """

    file: str
    line: int
    column: int
    code: str
    name: str
    message: str
    path: str = ""
    severity: Severity = Severity.ERROR
    #: For analysis findings: the journey, the stage and the element concerned (by id).
    journey: str | None = None
    stage: str | None = None
    subject: str | None = None
    #: For analysis findings: the message before translation (``message`` is its English),
    #: and what to do about it in plain words, for a client deliverable.
    template: Message | None = field(default=None, compare=False, repr=False)
    advice: Message | None = field(default=None, compare=False, repr=False)

    def text(self, translator: Translator | None = None) -> str:
        """The message in the translator's language (English without one)."""
        return self.template.render(translator) if self.template and translator else self.message

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.code, self.message)


def format_path(parts: tuple[str | int, ...]) -> str:
    """``("stages", 1, "name")`` -> ``stages[1].name``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def plural(count: int, word: str) -> str:
    """``3 files``, ``1 file``, ``2 opportunities``: English counts in messages and summaries."""
    if count == 1:
        return f"{count} {word}"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return f"{count} {word[:-1]}ies"
    return f"{count} {word}s"
