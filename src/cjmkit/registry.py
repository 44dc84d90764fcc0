"""A registry of named outputs of one kind (reporters, diff formats, conversions, renderers).

It is the one list a command's choices (``--format``, ``--to``), its help text and its
"unknown format" message are made from, so adding a format is adding one entry. An entry
may name its implementation as ``"module:attribute"``, imported on first use, so that the
registry stays cheap to import for ``cjm --help``.
"""

from __future__ import annotations

import difflib
import enum
import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar, cast

from cjmkit.errors import UsageError

T = TypeVar("T")


@dataclass(frozen=True)
class Entry(Generic[T]):
    name: str
    summary: str
    target: T | str

    def load(self) -> T:
        if isinstance(self.target, str):
            module, _, attribute = self.target.partition(":")
            return cast(T, getattr(importlib.import_module(module), attribute))
        return self.target


class Registry(Generic[T]):
    """Entries by name, in the order they were registered."""

    def __init__(self, kind: str) -> None:
        #: What an entry is, for messages: "output format", "diff format" ...
        self.kind = kind
        self._entries: dict[str, Entry[T]] = {}

    def register(self, name: str, summary: str, target: T | str) -> None:
        if name in self._entries:
            raise ValueError(f"{self.kind} {name!r} is registered twice")
        self._entries[name] = Entry(name, summary, target)

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __getitem__(self, name: str) -> T:
        return self.entry(name).load()

    def entry(self, name: str) -> Entry[T]:
        try:
            return self._entries[name]
        except KeyError:
            raise UsageError(self.unknown(name)) from None

    def unknown(self, name: str) -> str:
        """``unknown output format 'jsn' (did you mean 'json'?); choose from ...``"""
        close = difflib.get_close_matches(name, list(self._entries), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown {self.kind} {name!r}{hint}; choose from {', '.join(self._entries)}"

    def choices(self, name: str) -> type[enum.StrEnum]:
        """A str enum of the names, as typer takes choices."""
        return enum.StrEnum(name, {entry: entry for entry in self._entries})  # type: ignore[return-value]

    def help(self, lead: str) -> str:
        """``lead`` followed by every name with its summary, for an option's help text."""
        listed = "; ".join(f"{entry.name}: {entry.summary}" for entry in self._entries.values())
        return f"{lead} {listed}."
