"""Importing journeys written in other tools' shapes: the contract every reader keeps.

A reader turns the text (or bytes) of a foreign file into the plain values of a cjm journey
(``dict`` in the format's canonical key order, as :func:`cjmkit.editing.emit.dump_yaml`
writes it) and accounts for everything it met: what it mapped, by kind, and every piece of
the source it could not map, with where it stands and why. Nothing is dropped silently;
nothing is invented (a map without a field the format requires gets a placeholder that
``cjm lint`` flags, e.g. a stage without touchpoints).

Readers are chosen by file format (``--from``, else the extension) and, within a format, by
content: each reader's ``sniff`` says whether the text looks like its shape, and the first
that says yes reads it. A reader that cannot read a file it sniffed returns a refusal: an
:class:`Imported` without a document and with an error that says why.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cjmkit import codes
from cjmkit.diagnostics import Diagnostic, Severity, plural


@dataclass(frozen=True)
class Dropped:
    """A piece of the source the import could not map to the cjm format."""

    #: Where it stands: ``line 14``, ``stages[2].pain_points``, ``Map!D7``.
    where: str
    #: What it is, short: ``column "Opportunities"``, ``key "owner"``.
    what: str
    #: Why it was not mapped: ``no field of the cjm format holds it``.
    why: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what} ({self.why})"


@dataclass
class Imported:
    """What a reader made of a file: the journey's plain values, or the reason it cannot."""

    document: dict[str, Any] | None
    #: What the reader calls the source in the comment on top of the YAML: "Markdown tables".
    shape: str = ""
    #: Counts of what was mapped, by kind in the singular: {"stage": 5, "touchpoint": 12}.
    mapped: Counter[str] = field(default_factory=Counter)
    dropped: list[Dropped] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def map(self, kind: str, count: int = 1) -> None:
        if count:
            self.mapped[kind] += count

    def drop(self, where: str, what: str, why: str) -> None:
        self.dropped.append(Dropped(where, what, why))

    def mapped_summary(self) -> str:
        """``5 stages, 12 touchpoints, 8 thoughts`` in the order they were first counted."""
        return ", ".join(plural(count, kind) for kind, count in self.mapped.items()) or "nothing"


def refusal(file: str, why: str, line: int = 1, column: int = 1) -> Imported:
    """An import that cannot be done, and why (an error at the file, line 1 unless known)."""
    code = codes.NOT_CONVERTIBLE
    error = Diagnostic(file, line, column, code.code, code.name, why, severity=Severity.ERROR)
    return Imported(None, diagnostics=[error])


@dataclass(frozen=True)
class Reader:
    """One foreign shape within a file format."""

    #: ``markdown-tables``, ``stage-list`` ...: names the shape in messages.
    name: str
    #: Whether the decoded text looks like this reader's shape (cheap; no full parse needed).
    sniff: Callable[[str], bool]
    #: ``read(text, display, source_name)``; ``display`` names the file in diagnostics,
    #: ``source_name`` is its file name (a title of last resort).
    read: Callable[[str, str, str], Imported]


__all__ = ["Dropped", "Imported", "Reader", "refusal"]
