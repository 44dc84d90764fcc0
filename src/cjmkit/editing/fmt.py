"""`cjm fmt`: canonical key order and indentation, keeping every comment and value.

The canonical key order is the field order of the format's models
(``Journey``, ``Stage``, ``KPI`` ... in ``cjmkit.models``); keys the models do
not know keep their relative place after the known ones. The layout is the
one ruamel writes with ``indent(mapping=2, sequence=4, offset=2)``: mappings
indented by 2, list dashes 2 under their key, list items' keys 2 after the dash.

The formatter does not dump the document again. It moves whole lines of the
source (a key, its value, and the comments and blank lines just above the key
travel together) and shifts their indentation, guided by the marks of
ruamel's composer. Values are never re-written, so quotes, ``>-`` and ``|``
texts, flow lists ``[a, b]`` and long lines stay exactly as written. Keys of
one-line flow mappings (``{rational: [...], emotional: [...]}``) are ordered
in place too.

Parts laid out in ways the formatter does not rearrange (complex keys, list
items starting on the line after their dash, ...) keep their own layout and
are only shifted with their parent. Files using YAML aliases (``*name``) are
left as they are.

Safety net: the formatted text must parse to exactly the same values and hold
every comment of the original; otherwise the file is refused, never written.
"""

from __future__ import annotations

import bisect
import collections
import difflib
import itertools
import math
import pathlib
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.tokens import ScalarToken

from cjmkit.diagnostics import Diagnostic
from cjmkit.editing import (
    MAPPING_INDENT,
    SEQUENCE_OFFSET,
    SourceText,
    compose,
    has_aliases,
    is_empty_scalar,
)
from cjmkit.encoding import BOM
from cjmkit.loading.document import kind_of
from cjmkit.loading.validation import models_at
from cjmkit.loading.yaml_source import (
    Problem,
    YamlPath,
    YamlProblems,
    decode,
    diagnostic,
    parse_yaml,
    read_map_bytes,
)
from cjmkit.models import Journey, Workspace
from cjmkit.output import Snapshot, WriteError, write_atomic

_COMMENT_START = re.compile(r"(?:^|(?<=[ \t]))#", re.MULTILINE)
_DASH_PREFIX = re.compile(r" *- +")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class Refused(Exception):
    """Formatting would change what the file says; the file is left as it is."""


class _Opaque(Exception):
    """A part laid out in a way the formatter does not rearrange."""


def root_model(path: pathlib.Path) -> type[BaseModel]:
    return Workspace if kind_of(path) == "workspace" else Journey


def canonical_order(model: type[BaseModel]) -> list[str]:
    """Keys of a mapping described by ``model``, in the order the format lists them."""
    return list(model.model_fields)


def _shift(line: str, delta: int) -> str:
    if delta == 0 or not line:
        return line
    if delta > 0:
        return " " * delta + line
    return line[min(-delta, len(line) - len(line.lstrip(" "))) :]


class _Layout(SourceText):
    """One pass over the text: renders each block mapping and list at its canonical column."""

    def __init__(self, text: str, model: type[BaseModel]) -> None:
        super().__init__(text)
        self.model = model

    def shifted(self, first: int, last: int, delta: int) -> list[str]:
        return [_shift(line, delta) for line in self.lines[first : last + 1]]

    def order(self, names: list[str], path: YamlPath) -> list[int]:
        """Indices of ``names`` in canonical order (stable for keys the model does not know)."""
        models = models_at(self.model, path)
        if not models:
            return list(range(len(names)))
        rank = {name: i for i, name in enumerate(canonical_order(models[0]))}
        return sorted(range(len(names)), key=lambda i: (rank.get(names[i], len(rank)), i))

    def mapping(self, node: MappingNode, column: int, path: YamlPath) -> list[str]:
        """Lines from the mapping's first key to its last content line, keys at ``column``."""
        pairs = node.value
        own_column = pairs[0][0].start_mark.column
        delta = column - own_column
        names: list[str] = []
        blocks: list[list[str]] = []
        previous_last: int | None = None
        for key, value in pairs:
            line = key.start_mark.line
            if (
                not isinstance(key, ScalarNode)
                or key.start_mark.column != own_column
                or key.end_mark.line != line
            ):
                raise _Opaque
            if previous_last is None:
                start = line
            else:
                if line <= previous_last or not all(
                    self.is_blank_or_comment(n) for n in range(previous_last + 1, line)
                ):
                    raise _Opaque
                # The comments and blank lines above a key travel with it.
                start = previous_last + 1
            last = self.last_line(value, line)
            names.append(str(key.value))
            blocks.append(self.entry(key, value, start, last, delta, column, (*path, str(key.value))))
            previous_last = last
        order = self.order(names, path)
        if order[0] != 0:
            # Blank lines above a key that becomes the first one would only separate it from its parent.
            first = blocks[order[0]]
            while first and not first[0].strip():
                first.pop(0)
        return [line for index in order for line in blocks[index]]

    def aligned(self, first: int, last: int, delta: int, column: int) -> list[str]:
        """Lines between two keys or items: comments line up with what follows them at ``column``."""
        return [
            " " * column + text.lstrip(" ") if text.lstrip(" ").startswith("#") else _shift(text, delta)
            for text in self.lines[first : last + 1]
        ]

    def entry(
        self, key: Node, value: Node, start: int, last: int, delta: int, column: int, path: YamlPath
    ) -> list[str]:
        """Lines of one key (from ``start``, its leading comments) to the end of its value."""
        line = key.start_mark.line
        above = self.aligned(start, line - 1, delta, column)
        if isinstance(value, MappingNode) and not value.flow_style and value.value:
            first = value.value[0][0].start_mark.line
            if first > line:
                head = self.shifted(line, line, delta) + self.aligned(
                    line + 1, first - 1, delta, column + MAPPING_INDENT
                )
                try:
                    return above + head + self.mapping(value, column + MAPPING_INDENT, path)
                except _Opaque:
                    return above + head + self.shifted(first, last, delta)
        if isinstance(value, SequenceNode) and not value.flow_style and value.value:
            dash = self.dash(value.value[0])
            if dash is not None and dash[0] > line:
                head = self.shifted(line, line, delta) + self.aligned(
                    line + 1, dash[0] - 1, delta, column + SEQUENCE_OFFSET
                )
                try:
                    return above + head + self.sequence(value, column + SEQUENCE_OFFSET, path)
                except _Opaque:
                    return above + head + self.shifted(dash[0], last, delta)
        if isinstance(value, ScalarNode) and value.style in ("|", ">") and value.start_mark.line == line:
            return above + self.block_text(value, line, last, delta, column + MAPPING_INDENT)
        lines = self.shifted(line, last, delta)
        self.order_flow(value, path, lines, line, delta)
        return above + lines

    def block_text(
        self, node: ScalarNode, start: int, last: int, delta: int, content_column: int
    ) -> list[str]:
        """A ``|`` or ``>`` text whose header is on line ``node.start_mark.line``: its content
        lines move to ``content_column`` (unless the header fixes the indentation, as in ``|2``)."""
        header_line = node.start_mark.line
        header = self.lines[header_line][node.start_mark.column :].split("#", 1)[0]
        content = [n for n in range(header_line + 1, last + 1) if self.lines[n].strip()]
        if not content or any(character.isdigit() for character in header):
            return self.shifted(start, last, delta)
        first = self.lines[content[0]]
        content_delta = content_column - (len(first) - len(first.lstrip(" ")))
        return self.shifted(start, header_line, delta) + self.shifted(header_line + 1, last, content_delta)

    def sequence(self, node: SequenceNode, column: int, path: YamlPath) -> list[str]:
        """Lines from the first dash to the last item's content, dashes at ``column``."""
        dashes = [self.dash(item) for item in node.value]
        if any(dash is None for dash in dashes):
            raise _Opaque
        found = [dash for dash in dashes if dash is not None]
        own_column = found[0][1]
        if any(dash[1] != own_column for dash in found):
            raise _Opaque
        delta = column - own_column
        lines: list[str] = []
        previous_last: int | None = None
        for index, (item, (line, _)) in enumerate(zip(node.value, found, strict=True)):
            if previous_last is not None:
                if line <= previous_last:
                    raise _Opaque
                lines += self.aligned(previous_last + 1, line - 1, delta, column)
            last = self.last_line(item, line)
            lines += self.item(item, line, last, delta, column, (*path, index))
            previous_last = last
        return lines

    def item(self, item: Node, line: int, last: int, delta: int, column: int, path: YamlPath) -> list[str]:
        """Lines of one list item, its dash at ``column``."""
        if (
            isinstance(item, MappingNode)
            and not item.flow_style
            and item.value
            and item.value[0][0].start_mark.line == line
        ):
            key_column = item.value[0][0].start_mark.column
            original = self.lines[line]
            if _DASH_PREFIX.fullmatch(original[:key_column]):
                # Render the mapping as if its first key stood alone, then put the dash back
                # in front of whichever key comes first now.
                self.lines[line] = " " * key_column + original[key_column:]
                try:
                    rendered = self.mapping(item, column + SEQUENCE_OFFSET, path)
                except _Opaque:
                    rendered = None
                finally:
                    self.lines[line] = original
                if rendered is not None:
                    for n, text in enumerate(rendered):
                        if text.strip() and not text.lstrip().startswith("#"):
                            rendered[n] = " " * column + "- " + text[column + SEQUENCE_OFFSET :]
                            break
                        if text.lstrip().startswith("#"):
                            # The comments of a key that moved to the dash's line now stand above
                            # the dash: at its column, where the next run aligns them too.
                            rendered[n] = " " * column + text.lstrip(" ")
                    return rendered
        if isinstance(item, ScalarNode) and item.style in ("|", ">") and item.start_mark.line == line:
            lines = self.block_text(item, line, last, delta, column + SEQUENCE_OFFSET)
        else:
            lines = self.shifted(line, last, delta)
            self.order_flow(item, path, lines, line, delta)
        gap = item.start_mark.column - (column - delta) - 1
        if item.start_mark.line == line and gap > 1 and lines[0][column : column + 1 + gap].strip() == "-":
            # One space after the dash, as for mapping items.
            lines[0] = lines[0][: column + 2] + lines[0][column + 1 + gap :]
        return lines

    def order_flow(self, node: Node, path: YamlPath, lines: list[str], first: int, delta: int) -> None:
        """Order the keys of a one-line flow collection in place (``lines`` start at line ``first``)."""
        if not isinstance(node, MappingNode | SequenceNode) or not node.flow_style:
            return
        line = node.start_mark.line
        if node.end_mark.line != line or not first <= line < first + len(lines):
            return
        try:
            ordered = self.flow_text(node, path)
        except _Opaque:
            return
        original = self.lines[line]
        start, end = node.start_mark.column, node.end_mark.column
        lines[line - first] = _shift(original[:start] + ordered + original[end:], delta)

    def flow_text(self, node: Node, path: YamlPath) -> str:
        start, end = node.start_mark.index, node.end_mark.index
        if not isinstance(node, MappingNode | SequenceNode):
            return self.text[start:end]
        pieces: list[tuple[int, int, str]] = []
        names: list[str] = []
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if not isinstance(key, ScalarNode) or is_empty_scalar(value):
                    raise _Opaque
                key_start, value_start = key.start_mark.index, value.start_mark.index
                if value_start < key.end_mark.index:
                    raise _Opaque
                text = self.text[key_start:value_start] + self.flow_text(value, (*path, str(key.value)))
                pieces.append((key_start, value.end_mark.index, text))
                names.append(str(key.value))
            order = self.order(names, path)
        else:
            for index, value in enumerate(node.value):
                if is_empty_scalar(value):
                    raise _Opaque
                text = self.flow_text(value, (*path, index))
                pieces.append((value.start_mark.index, value.end_mark.index, text))
            order = list(range(len(pieces)))
        if not pieces:
            return self.text[start:end]
        for (_, previous_end, _), (next_start, _, _) in itertools.pairwise(pieces):
            if next_start < previous_end:
                raise _Opaque
        out = self.text[start : pieces[0][0]]
        for position, index in enumerate(order):
            out += pieces[index][2]
            if position + 1 < len(pieces):
                out += self.text[pieces[position][1] : pieces[position + 1][0]]
        return out + self.text[pieces[-1][1] : end]


def comment_texts(text: str) -> list[str]:
    """Every comment of a YAML text (``# ...`` up to the end of its line), in order."""
    spans: list[tuple[int, int]] = []
    for token in YAML(typ="safe", pure=True).scan(text):
        if isinstance(token, ScalarToken):
            start = token.start_mark.index
            if token.style in ("|", ">"):
                # The header line of a block text may end with a comment.
                newline = text.find("\n", start)
                start = newline + 1 if newline >= 0 else token.end_mark.index
            spans.append((start, token.end_mark.index))
    spans.sort()
    starts = [start for start, _ in spans]
    found: list[str] = []
    for match in _COMMENT_START.finditer(text):
        position = match.start()
        index = bisect.bisect_right(starts, position) - 1
        if index >= 0 and spans[index][0] <= position < spans[index][1]:
            continue
        end = text.find("\n", position)
        found.append(text[position : end if end >= 0 else len(text)].rstrip())
    return found


def _same(before: Any, after: Any) -> bool:
    """Equal values of equal types (``1``, ``1.0`` and ``true`` differ; NaN equals NaN)."""
    if type(before) is not type(after):
        return False
    if isinstance(before, dict):
        return before.keys() == after.keys() and all(_same(before[k], after[k]) for k in before)
    if isinstance(before, list):
        return len(before) == len(after) and all(_same(a, b) for a, b in zip(before, after, strict=True))
    if isinstance(before, float) and math.isnan(before):
        return math.isnan(after)
    return bool(before == after)


def _check_unchanged(original: str, formatted: str) -> None:
    try:
        before, after = parse_yaml(original), parse_yaml(formatted)
    except YamlProblems as problems:
        raise Refused(f"the result would not parse ({problems.problems[0].message})") from None
    if before is None or after is None or not _same(before.data, after.data):
        raise Refused("the result would read differently")
    if collections.Counter(comment_texts(original)) != collections.Counter(comment_texts(formatted)):
        raise Refused("the result would lose a comment")


def format_text(text: str, model: type[BaseModel]) -> str:
    """The canonical layout of a map's text; ``text`` itself when there is nothing to do.

    Raises :class:`Refused` when the result would not say exactly what the text says,
    and :class:`YamlProblems` when the text does not parse.
    """
    breaks = set(_LINE_BREAK.findall(text))
    # One style of line break is worked on as "\n" and put back; CRLF mixed with LF keeps its
    # "\r" on each line, which travels with the line. A lone CR among other breaks cannot.
    newline = breaks.pop() if len(breaks) == 1 and "\n" not in breaks else None
    if newline is None and "\r" in breaks:
        raise Refused("it mixes CR-only line endings with others")
    source = text.replace(newline, "\n") if newline else text
    try:
        root = compose(source)
        aliases = has_aliases(source)
    except YAMLError:
        parse_yaml(text)  # raises YamlProblems with the located error
        raise
    if root is None or not isinstance(root, MappingNode) or root.flow_style or not root.value or aliases:
        return text
    layout = _Layout(source, model)
    first = root.value[0][0].start_mark.line
    last = layout.last_line(root, first)
    try:
        body = layout.mapping(root, 0, ())
    except _Opaque:
        return text
    formatted = "\n".join(layout.lines[:first] + body + layout.lines[last + 1 :])
    if formatted != source:
        _check_unchanged(source, formatted)
    return formatted.replace("\n", newline) if newline else formatted


@dataclass
class FormatResult:
    """One file: its text before and after, or why it was not formatted."""

    path: pathlib.Path
    display: str
    original: str = ""
    formatted: str = ""
    bom: bool = False
    #: Problems reading the file (it does not parse); it is never rewritten.
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: Why a readable file is left as it is (refused, or not a cjmkit map).
    note: str | None = None
    refused: bool = False
    #: The file as it was read: writing refuses a file that no longer matches it.
    read: Snapshot | None = None

    @property
    def changed(self) -> bool:
        return not self.diagnostics and not self.refused and self.formatted != self.original

    @property
    def failed(self) -> bool:
        return bool(self.diagnostics) or self.refused

    def diff(self) -> str:
        """Unified diff from the file on disk to its formatted text."""
        lines = difflib.unified_diff(
            self.original.splitlines(keepends=True),
            self.formatted.splitlines(keepends=True),
            fromfile=self.display,
            tofile=self.display,
        )
        return "".join(
            line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
        )

    def write(self) -> None:
        """Replace the file with its formatted text, unless it changed since it was read.

        Raises :class:`cjmkit.output.WriteError` when it may not or cannot be written.
        """
        write_atomic(
            self.path, (BOM if self.bom else b"") + self.formatted.encode("utf-8"), original=self.read
        )

    def add(self, problem: Problem) -> None:
        self.diagnostics.append(diagnostic(problem, self.display))


def format_file(path: pathlib.Path, display: str) -> FormatResult:
    """Format one file in memory (nothing is written). Never raises for bad content."""
    result = FormatResult(path=path, display=display)
    try:
        raw = read_map_bytes(path)
        result.read = Snapshot.of(path, raw)
        result.bom = raw.startswith(BOM)
        result.original = result.formatted = decode(raw)
        parsed = parse_yaml(result.original)
    except YamlProblems as problems:
        for problem in problems.problems:
            result.add(problem)
        return result
    except WriteError:
        result.refused = True
        result.note = "changed while it was being read; left as it is"
        return result
    if parsed is None:
        result.note = "holds no YAML document; left as it is"
        return result
    if not isinstance(parsed.data, dict) or "cjm" not in parsed.data:
        result.note = "not a cjmkit map (no top-level `cjm:` key); left as it is"
        return result
    try:
        result.formatted = format_text(result.original, root_model(path))
    except YamlProblems as problems:
        for problem in problems.problems:
            result.add(problem)
    except (Refused, YAMLError, RecursionError) as error:
        result.refused = True
        result.formatted = result.original
        result.note = f"cannot be formatted safely: {error}; left as it is"
    return result
