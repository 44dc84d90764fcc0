"""Commands that edit map files in place: `cjm fmt` and `cjm metrics import`.

Both work on the source text, guided by the marks (line, column, offset) of the
nodes ruamel's composer builds, so everything they do not mean to change stays
byte for byte: comments, quotes, folded text, blank lines. What they share is
here: where a node's content starts and ends in the text.
"""

from __future__ import annotations

import re

from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.tokens import AliasToken

#: Indentation the editors write: ruamel's ``indent(mapping=2, sequence=4, offset=2)``.
MAPPING_INDENT = 2
SEQUENCE_OFFSET = 2

_DASH_ALONE = re.compile(r"( *)-(?:[ \t]+#.*)?[ \t\r]*")
#: A line break of its own (old Mac style); ruamel's marks count it as one, like ``\n`` and ``\r\n``.
_LONE_CR = re.compile(r"\r(?!\n)")


def compose(text: str) -> Node | None:
    """The node graph of a single-document text.

    The pure-Python composer is used on purpose: its marks count characters of
    the text, which is what splicing needs.
    """
    return YAML(typ="safe", pure=True).compose(text)  # type: ignore[no-any-return]


def has_aliases(text: str) -> bool:
    """Whether the text refers to an anchor (``*name``, also in ``<<: *name``).

    An alias node is the anchored node itself, with the anchor's position: the
    editors cannot tell where the alias stands, so they leave such files alone.
    """
    return any(isinstance(token, AliasToken) for token in YAML(typ="safe", pure=True).scan(text))


def is_empty_scalar(node: Node) -> bool:
    """``key:`` with nothing after it: the composer places such a node at the next token."""
    return isinstance(node, ScalarNode) and node.style is None and node.value == ""


class SourceText:
    """A text split into lines, with the line positions of nodes composed from it.

    ``text`` has each CR-only line break as ``\n`` (one character for one, so offsets
    and ruamel's marks still agree); ``original`` is the text as given, which edits splice.
    """

    def __init__(self, text: str) -> None:
        self.original = text
        self.text = _LONE_CR.sub("\n", text)
        self.lines = self.text.split("\n")
        self.starts = [0]
        for line in self.lines[:-1]:
            self.starts.append(self.starts[-1] + len(line) + 1)

    def line_break(self, line: int) -> str:
        """The break that ends ``line`` in the original text (the file's usual one after the last line)."""
        position = self.line_end(line)
        found = self.original[position : position + 2]
        if found.startswith("\r\n") or found.startswith("\n"):
            return found[: 2 if found.startswith("\r\n") else 1]
        if found.startswith("\r"):
            return "\r"
        counts = {
            "\r\n": self.original.count("\r\n"),
            "\n": self.original.count("\n") - self.original.count("\r\n"),
            "\r": len(_LONE_CR.findall(self.original)),
        }
        return max(counts, key=lambda style: (counts[style], style == "\n"))

    def is_blank_or_comment(self, line: int) -> bool:
        stripped = self.lines[line].strip()
        return not stripped or stripped.startswith("#")

    def line_end(self, line: int) -> int:
        """Offset of the end of ``line``, before its line break (``\\r\\n`` or ``\\n``)."""
        text = self.lines[line]
        return self.starts[line] + len(text) - (1 if text.endswith("\r") else 0)

    def dash(self, item: Node) -> tuple[int, int] | None:
        """(line, column) of the ``-`` that opens a block sequence item.

        Usually on the item's first line; an item may also start below a dash that
        stands alone (``-`` or ``- # comment``), with only comments in between.
        """
        index = item.start_mark.index - 1
        while index >= 0 and self.text[index] == " ":
            index -= 1
        if index >= 0 and self.text[index] == "-":
            return item.start_mark.line, index - (self.text.rfind("\n", 0, index) + 1)
        if index >= 0 and self.text[index] not in "\r\n":
            return None
        line = item.start_mark.line - 1
        while line >= 0:
            alone = _DASH_ALONE.fullmatch(self.lines[line])
            if alone:
                return line, len(alone.group(1))
            if not self.is_blank_or_comment(line):
                return None
            line -= 1
        return None

    def keeps_trailing_lines(self, node: ScalarNode) -> bool:
        """Whether a block scalar's header says ``+`` (keep): its trailing blank lines are content."""
        header_end = self.text.find("\n", node.start_mark.index)
        header = self.text[node.start_mark.index : header_end if header_end >= 0 else len(self.text)]
        return "+" in header.split("#", 1)[0]

    def last_line(self, node: Node, fallback: int) -> int:
        """0-based line of the last character that belongs to ``node``'s content.

        ``fallback`` is the line of the node's key or dash, used for an empty value.
        Trailing blank lines of a ``|`` or ``>`` text are not content (unless kept with ``+``).
        """
        if isinstance(node, ScalarNode):
            if is_empty_scalar(node):
                return fallback
            end = node.end_mark
            last: int = end.line if end.column > 0 else end.line - 1
            if node.style in ("|", ">") and not self.keeps_trailing_lines(node):
                while last > node.start_mark.line and not self.lines[last].strip():
                    last -= 1
            return max(last, fallback)
        if isinstance(node, MappingNode | SequenceNode) and (node.flow_style or not node.value):
            return int(node.end_mark.line)
        if isinstance(node, MappingNode):
            key, value = node.value[-1]
            return self.last_line(value, key.start_mark.line)
        assert isinstance(node, SequenceNode)
        item = node.value[-1]
        dash = self.dash(item)
        return self.last_line(item, dash[0] if dash else item.start_mark.line)


__all__ = [
    "MAPPING_INDENT",
    "SEQUENCE_OFFSET",
    "SourceText",
    "compose",
    "has_aliases",
    "is_empty_scalar",
]
