"""Splicing values into a map's text at the marks of ruamel's composer, leaving every other byte alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cjmkit.editing import MAPPING_INDENT, SourceText, is_empty_scalar

#: A value to add: a number as written, or a mapping of ``key: number`` (a new ``funnel:``).
Entry = tuple[str, str | list[tuple[str, str]]]


class UnsupportedLayout(Exception):
    """The map is written in a way the import cannot edit safely."""


def check_edit(text: str, expected: Any, otherwise: str) -> None:
    """The edited text must read exactly as ``expected``; UnsupportedLayout(``otherwise``) if not."""
    from cjmkit.loading.yaml_source import YamlProblems, parse_yaml

    try:
        parsed = parse_yaml(text)
    except YamlProblems as problems:
        raise UnsupportedLayout(f"the edit would not parse ({problems.problems[0].message})") from None
    if parsed is None or parsed.data != expected:
        raise UnsupportedLayout(otherwise)


@dataclass(order=True)
class Splice:
    """Replace ``text[start:end]`` (empty for an insertion) with ``text``."""

    start: int
    #: Deeper mappings first when two insertions meet at the same place (a KPI before its stage).
    rank: int
    end: int
    text: str = field(compare=False)


def mapping_entry(mapping: Node | None, key: str) -> tuple[Node, Node] | None:
    """The key and value nodes of ``key`` in a mapping node."""
    if not isinstance(mapping, MappingNode):
        return None
    for key_node, value_node in mapping.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return key_node, value_node
    return None


def sequence_item(sequence: Node | None, index: int) -> Node | None:
    if isinstance(sequence, SequenceNode) and 0 <= index < len(sequence.value):
        return sequence.value[index]  # type: ignore[no-any-return]
    return None


class MapEditor(SourceText):
    """Edits of one map's text, each a splice at known offsets."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.splices: list[Splice] = []

    def source(self, node: Node) -> str:
        return self.text[node.start_mark.index : node.end_mark.index]

    def set_value(self, key: Node, value: Node, text: str) -> None:
        if is_empty_scalar(value):
            colon = self.text.index(":", key.end_mark.index)
            self.splices.append(Splice(colon + 1, 0, colon + 1, " " + text))
        elif isinstance(value, ScalarNode):
            self.splices.append(Splice(value.start_mark.index, 0, value.end_mark.index, text))
        else:
            raise UnsupportedLayout("the value there is not a number")

    def add_keys(self, mapping: MappingNode, entries: list[Entry], rank: int) -> None:
        """Add ``key: value`` entries (a value may be a mapping of ``key: number``) to a mapping."""
        if mapping.flow_style:
            parts = [
                f"{key}: {{{', '.join(f'{k}: {v}' for k, v in value)}}}"
                if isinstance(value, list)
                else f"{key}: {value}"
                for key, value in entries
            ]
            if mapping.value:
                position = mapping.value[-1][1].end_mark.index
                self.splices.append(Splice(position, rank, position, ", " + ", ".join(parts)))
            else:
                position = mapping.end_mark.index - 1
                if self.text[position : position + 1] != "}":
                    raise UnsupportedLayout("the mapping is laid out in a way this command does not edit")
                self.splices.append(Splice(position, rank, position, ", ".join(parts)))
            return
        first_key = mapping.value[0][0]
        column = first_key.start_mark.column
        last = self.last_line(mapping, first_key.start_mark.line)
        lines: list[str] = []
        for key, value in entries:
            if isinstance(value, list):
                lines.append(f"{' ' * column}{key}:")
                step = self.indent_step(mapping)
                lines += [f"{' ' * (column + step)}{k}: {v}" for k, v in value]
            else:
                lines.append(f"{' ' * column}{key}: {value}")
        position = self.line_end(last)
        # New lines take the break of the line they follow, so every line keeps its own ending.
        newline = self.line_break(last)
        self.splices.append(Splice(position, rank, position, "".join(newline + line for line in lines)))

    def replace_empty_with_mapping(self, key: Node, value: Node, entries: list[tuple[str, str]]) -> None:
        """``funnel:`` or ``funnel: null`` becomes a block mapping of the entries."""
        colon = self.text.index(":", key.end_mark.index)
        if not is_empty_scalar(value):
            self.splices.append(Splice(colon + 1, 0, value.end_mark.index, ""))
        column = key.start_mark.column + MAPPING_INDENT
        position = self.line_end(key.start_mark.line)
        newline = self.line_break(key.start_mark.line)
        text = "".join(f"{newline}{' ' * column}{k}: {v}" for k, v in entries)
        self.splices.append(Splice(position, 0, position, text))

    def indent_step(self, mapping: MappingNode) -> int:
        """How far this file indents a nested mapping under its key (2 unless it shows otherwise)."""
        for key, value in mapping.value:
            if isinstance(value, MappingNode) and not value.flow_style and value.value:
                step = int(value.value[0][0].start_mark.column - key.start_mark.column)
                if step > 0:
                    return step
        return MAPPING_INDENT

    def result(self) -> str:
        out: list[str] = []
        position = 0
        for splice in sorted(self.splices):
            if splice.start < position:
                raise UnsupportedLayout("two values to set overlap in the text")
            out += [self.original[position : splice.start], splice.text]
            position = splice.end
        return "".join(out) + self.original[position:]
