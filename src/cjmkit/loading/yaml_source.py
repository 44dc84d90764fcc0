"""Parse YAML into plain Python values plus a map of source positions.

ruamel.yaml composes the node graph (every node knows its line and column);
we build the values ourselves so that we can report every duplicate key,
refuse alias bombs and self-referencing aliases, and remember where every
key and value stands in the file.

That compose path is the reference. Most maps are read by the faster
one-pass loader in :mod:`cjmkit.loading.events`, which gives the same result
and hands anything unusual back to the compose path.
"""

from __future__ import annotations

import array
import bisect
import dataclasses
import math
import pathlib
import re
import sys
from dataclasses import dataclass, field
from typing import Any, Protocol

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from cjmkit import codes
from cjmkit.codes import MAX_FILE_BYTES, Code
from cjmkit.diagnostics import Diagnostic, format_path
from cjmkit.encoding import split_bom
from cjmkit.loading.bounded import FileTooLarge, read_bounded

YamlPath = tuple[str | int, ...]
Position = tuple[int, int]  # 1-based line, column

#: Limits that keep hostile files from hanging the tool or eating memory.
MAX_VALUES = 200_000
MAX_DEPTH = 64

_TAG = "tag:yaml.org,2002:"


@dataclass(frozen=True)
class Problem:
    """A problem found while reading a file, before any model sees it."""

    line: int
    column: int
    code: Code
    message: str
    path: YamlPath = ()


def diagnostic(problem: Problem, file: str) -> Diagnostic:
    """The reportable form of a problem found in ``file``."""
    return Diagnostic(
        file=file,
        line=problem.line,
        column=problem.column,
        code=problem.code.code,
        name=problem.code.name,
        message=problem.message,
        path=format_path(problem.path),
    )


class YamlProblems(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].message if problems else "")
        self.problems = problems


@dataclass
class SourceMap:
    """Where each key and value of a document stands (1-based line, column)."""

    values: dict[YamlPath, Position] = field(default_factory=dict)
    keys: dict[YamlPath, Position] = field(default_factory=dict)

    def value(self, path: YamlPath) -> Position:
        """Position of the value at ``path``, or of its nearest existing ancestor."""
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, (1, 1))

    def key(self, path: YamlPath) -> Position:
        """Position of the key at ``path`` (falls back to its value or ancestor)."""
        return self.keys.get(path) or self.value(path)


class Positions(Protocol):
    """Where the keys and values of a document stand: a SourceMap or its packed form."""

    def value(self, path: YamlPath) -> Position: ...

    def key(self, path: YamlPath) -> Position: ...


_COLUMN_BITS = 32


def _pack(position: Position) -> int:
    return (position[0] << _COLUMN_BITS) | position[1]


def _unpack(packed: int) -> Position:
    return packed >> _COLUMN_BITS, packed & ((1 << _COLUMN_BITS) - 1)


class PackedSourceMap:
    """The positions of a SourceMap in about a third of its memory, for the documents a
    workspace-wide analysis keeps (a SourceMap holds a path tuple and a position tuple per
    key and per value: 100 KB of a 275-line map, 600 MB at 3,000 maps).

    Positions are packed into one array; each mapping or list is indexed once by its path,
    with its keys (interned, so shared with every other map) or its length.
    """

    __slots__ = ("_containers", "_positions", "_root")

    def __init__(self, source: SourceMap) -> None:
        self._root = source.values.get((), (1, 1))
        children: dict[YamlPath, list[str | int]] = {}
        for path in source.values:
            if path:
                children.setdefault(path[:-1], []).append(path[-1])
        self._containers: dict[YamlPath, tuple[int, tuple[str, ...] | int]] = {}
        packed = array.array("Q")
        for parent, names in children.items():
            offset = len(packed)
            if isinstance(names[0], int):
                self._containers[parent] = (offset, len(names))
                packed.extend(_pack(source.values[(*parent, index)]) for index in names)
                continue
            keys = tuple(sys.intern(str(name)) for name in names)
            self._containers[parent] = (offset, keys)
            for name in names:
                here = (*parent, name)
                packed.append(_pack(source.keys.get(here) or source.values[here]))
                packed.append(_pack(source.values[here]))
        self._positions = packed

    def _slot(self, path: YamlPath) -> int | None:
        """Index of the value at ``path`` in the array (a mapping's key sits just before)."""
        entry = self._containers.get(path[:-1])
        if entry is None:
            return None
        offset, names = entry
        last = path[-1]
        if isinstance(names, int):
            return offset + last if isinstance(last, int) and 0 <= last < names else None
        if not isinstance(last, str) or last not in names:
            return None
        return offset + 2 * names.index(last) + 1

    def value(self, path: YamlPath) -> Position:
        while path:
            slot = self._slot(path)
            if slot is not None:
                return _unpack(self._positions[slot])
            path = path[:-1]
        return self._root

    def key(self, path: YamlPath) -> Position:
        slot = self._slot(path) if path else None
        if slot is not None and isinstance(path[-1], str):
            return _unpack(self._positions[slot - 1])
        return self.value(path)


@dataclass
class YamlDocument:
    data: Any
    source_map: SourceMap


class _Stop(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def _start(node: Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _position(node: Node) -> Position:
    # A block sequence starts at its first "-"; point at the first item instead,
    # where the reader's eye goes.
    if isinstance(node, SequenceNode) and not node.flow_style and node.value:
        node = node.value[0]
    return _start(node)


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return repr(node.value)


class _Builder:
    def __init__(self) -> None:
        self.source_map = SourceMap()
        self.problems: list[Problem] = []
        self.count = 0
        self.active: set[int] = set()
        self._scalars = YAML(typ="safe", pure=True).constructor

    def build(self, node: Node, path: YamlPath, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise _Stop(
                Problem(
                    1,
                    1,
                    codes.TOO_COMPLEX,
                    f"document expands to more than {MAX_VALUES} values (YAML aliases?)",
                )
            )
        if depth > MAX_DEPTH:
            # Reached through aliases (or in text only the pure parser reads): the text's own
            # nesting was checked before composing.
            line, column = _start(node)
            raise _Stop(Problem(line, column, codes.TOO_COMPLEX, f"nested more than {MAX_DEPTH} levels deep"))
        # The document root is located at its own start (the first "-" of a top-level list).
        self.source_map.values[path] = _position(node) if path else _start(node)
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        if id(node) in self.active:
            raise _Stop(Problem(1, 1, codes.TOO_COMPLEX, "an alias refers to the node that contains it"))
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                self.check_tag(node, "seq", path)
                return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
            assert isinstance(node, MappingNode)
            self.check_tag(node, "map", path)
            return self.mapping(node, path, depth)
        finally:
            self.active.discard(id(node))

    def check_tag(self, node: Node, expected: str, path: YamlPath) -> None:
        if node.tag != _TAG + expected:
            line, column = _position(node)
            self.problems.append(
                Problem(
                    line,
                    column,
                    codes.WRONG_TYPE,
                    f"YAML tag {node.tag!r} is not supported here",
                    path,
                )
            )

    def mapping(self, node: MappingNode, path: YamlPath, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merged: list[tuple[Node, Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                merged.extend(self.merge_pairs(value_node, path))
                continue
            key = self.key(key_node, path)
            if key is None:
                continue
            line, column = _position(key_node)
            if key in result:
                first_line, _ = self.source_map.keys[(*path, key)]
                self.problems.append(
                    Problem(
                        line,
                        column,
                        codes.DUPLICATE_KEY,
                        f"duplicate key {key!r} (first defined on line {first_line})",
                        (*path, key),
                    )
                )
                continue
            self.source_map.keys[(*path, key)] = (line, column)
            result[key] = self.build(value_node, (*path, key), depth + 1)
        for key_node, value_node in merged:
            key = self.key(key_node, path)
            if key is not None and key not in result:
                self.source_map.keys[(*path, key)] = _position(key_node)
                result[key] = self.build(value_node, (*path, key), depth + 1)
        return result

    def merge_pairs(self, value_node: Node, path: YamlPath) -> list[tuple[Node, Node]]:
        sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
        pairs: list[tuple[Node, Node]] = []
        for source in sources:
            if not isinstance(source, MappingNode):
                line, column = _position(source)
                self.problems.append(
                    Problem(line, column, codes.WRONG_TYPE, "a merge key '<<' takes a mapping", path)
                )
                continue
            pairs.extend(source.value)
        return pairs

    def key(self, key_node: Node, path: YamlPath) -> str | None:
        if isinstance(key_node, ScalarNode) and key_node.tag == _TAG + "str":
            return str(key_node.value)
        line, column = _position(key_node)
        self.problems.append(
            Problem(
                line,
                column,
                codes.WRONG_TYPE,
                f"key {_describe(key_node)} is not text; write keys as plain words",
                path,
            )
        )
        return None

    def scalar(self, node: ScalarNode, path: YamlPath) -> Any:
        tag = node.tag
        if tag == _TAG + "str":
            return str(node.value)
        if tag == _TAG + "null":
            return None
        convert = {
            _TAG + "bool": self._scalars.construct_yaml_bool,
            _TAG + "int": self._scalars.construct_yaml_int,
            _TAG + "float": self._scalars.construct_yaml_float,
            _TAG + "timestamp": self._scalars.construct_yaml_timestamp,
        }.get(str(tag))
        if convert is None:
            line, column = _position(node)
            self.problems.append(
                Problem(line, column, codes.WRONG_TYPE, f"YAML tag {tag!r} is not supported here", path)
            )
            return None
        try:
            value = convert(node)
        except (ValueError, OverflowError, YAMLError) as error:  # Overflow: 9999-12-31 23:59:59.9999999
            line, column = _position(node)
            self.problems.append(
                Problem(line, column, codes.INVALID_VALUE, f"cannot read {node.value!r}: {error}", path)
            )
            return None
        if value.__class__ is float and math.isinf(value) and "inf" not in node.value.lower():
            line, column = _position(node)
            self.problems.append(Problem(line, column, codes.OUT_OF_RANGE, too_large(node.value), path))
            return None
        return value


def too_large(written: str) -> str:
    """Why a number such as ``1e400`` (which reads as infinity) is refused."""
    shown = written if len(written) <= 24 else f"{written[:20]}..."
    return f"the number {shown} is too large: numbers in a map are at most 10^15 either side of 0"


_EDITOR_BREAK = re.compile("\r\n|[\r\n]")


def _offset_position(text: str, offset: int) -> Position:
    """The position of a character as an editor shows it (LF, CRLF and CR end lines)."""
    line, start = 1, 0
    for match in _EDITOR_BREAK.finditer(text, 0, offset):
        line, start = line + 1, match.end()
    return line, offset - start + 1


#: What the two mistakes made most often are called, instead of the parser's words for them.
TAB_INDENT = "tab characters cannot indent YAML; use spaces"
TAB_ELSEWHERE = "a tab character cannot stand here in YAML; use spaces"
COLON_IN_TEXT = "this text contains ': ' — put the whole text in quotes"

#: A line up to a tab that stands in its indentation: blanks, and the indicators of a
#: list item, complex key or value that open a nested node on the same line ("- \t- x").
_INDENTATION = re.compile(r"[ \t]*(?:[-?:][ \t]+)*")
_QUOTED_KEY = r"\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'"
#: A plain key: it starts with no indicator and holds no ": " and no " #".
_PLAIN_KEY = r"(?:[^\s\-?:,\[\]{}#&*!|>'\"%@`]|[-?:](?=[^\s]))(?:[^:\s]|:(?=[^\s])|[ \t]+(?=[^\s#]))*"
#: The first character of a plain text: no quote, bracket, anchor, tag or block scalar.
_PLAIN_START = r"(?:[^\s\-?:,\[\]{}#&*!|>'\"%@`]|[-?:](?=[^\s]))"
#: A line up to a ':' that ends no key: a key on the same line, and then a plain text.
#: The ':' belongs to the text.
_TEXT_BEFORE_COLON = re.compile(
    rf"[ \t]*(?:-[ \t]+)*(?:{_QUOTED_KEY}|{_PLAIN_KEY})[ \t]*:[ \t]+{_PLAIN_START}"
)
#: The same for the last item of a flow list or mapping ("[Note: this: is it]"): from the
#: '[', '{' or ',' before it, up to the ':'.
_FLOW_TEXT_BEFORE_COLON = re.compile(
    rf"[\[{{,][ \t]*(?:{_QUOTED_KEY}|{_PLAIN_KEY})[ \t]*:[ \t]+{_PLAIN_START}[^,\[\]{{}}]*"
)


def _line(text: str, number: int, breaks: re.Pattern[str]) -> str:
    """Line ``number`` (0-based) of ``text``, without its break; "" past the end."""
    start = ended = 0
    for ended, match in enumerate(breaks.finditer(text), start=1):
        if ended - 1 == number:
            return text[start : match.start()]
        start = match.end()
    return text[start:] if number == ended else ""


def _plain_words(text: str, line: int, column: int, problem: str, breaks: re.Pattern[str]) -> str | None:
    """The tool's words for a syntax error at (0-based) ``line``, ``column``, when it is a
    tab YAML refuses or a ': ' inside an unquoted text; None for any other error."""
    here = _line(text, line, breaks)
    character = here[column : column + 1]
    if character == "\t":
        return TAB_INDENT if _INDENTATION.fullmatch(here[: column + 1]) else TAB_ELSEWHERE
    if character != ":" or here[column + 1 : column + 2] not in ("", " ", "\t"):
        return None
    before = here[:column]
    if problem.startswith("mapping values are not allowed") and _TEXT_BEFORE_COLON.match(before):
        return COLON_IN_TEXT
    # "expected ',' or ']', but got ':'" (libyaml: "did not find expected ',' or ']'")
    if "expected ','" in problem:
        item = max(before.rfind(","), before.rfind("["), before.rfind("{"))
        if item >= 0 and _FLOW_TEXT_BEFORE_COLON.fullmatch(before, item):
            return COLON_IN_TEXT
    return None


def _yaml_error(text: str, error: YAMLError, *, by_libyaml: bool = False) -> Problem:
    """The problem a parser's error describes. ``by_libyaml``: its marks count lines as
    libyaml does (U+0085, U+2028 and U+2029 end one), not as ruamel's pure parser does."""
    if isinstance(error, MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        message = error.problem or "invalid YAML"
        breaks = _LIBYAML_BREAK if by_libyaml else _EDITOR_BREAK
        plain = _plain_words(text, mark.line, mark.column, message, breaks)
        if plain is not None:
            return Problem(mark.line + 1, mark.column + 1, codes.YAML_SYNTAX, plain)
        if error.context:
            context_line = error.context_mark.line + 1 if error.context_mark else None
            where = f" (line {context_line})" if context_line else ""
            message = f"{message} ({error.context}{where})"
        return Problem(mark.line + 1, mark.column + 1, codes.YAML_SYNTAX, message)
    if isinstance(error, ReaderError):
        line, column = _offset_position(text, error.position)
        character = error.character
        code_point = character if isinstance(character, int) else ord(str(character)[:1] or "?")
        return Problem(
            line, column, codes.YAML_SYNTAX, f"character U+{code_point:04X} is not allowed in YAML"
        )
    return Problem(1, 1, codes.YAML_SYNTAX, str(error).strip().splitlines()[-1])


#: Above this many characters, libyaml's own error message and mark are reported: the
#: pure parser reads about 150 KB a second, so a 4 MB file would take half a minute
#: only to word its error.
PURE_ERROR_LIMIT = 64 * 1024


def _compose(text: str, to_editor: EditorPositions | None = None) -> tuple[Node | None, bool]:
    """The node graph of the document, and whether libyaml composed it.

    libyaml (through ruamel.yaml.clib) composes about eight times faster than the
    pure-Python parser; when it refuses a text of up to PURE_ERROR_LIMIT characters,
    the pure parser reads it again, because its error messages are the ones we report
    (``mapping values are not allowed here``, its marks on tabs). A longer text is
    reported with libyaml's message and mark, in the same V001 shape.
    """
    try:
        return YAML(typ="safe", pure=False).compose(text), True
    except YAMLError as error:
        if len(text) > PURE_ERROR_LIMIT:
            problem = _yaml_error(text, error, by_libyaml=True)
            raise YamlProblems(_corrected([problem], to_editor)) from None
    except (RecursionError, ValueError):
        # ValueError: lone surrogates (from a caller, never from a decoded file), which
        # the pure reader refuses, before it parses anything, with their position.
        pass
    try:
        return YAML(typ="safe", pure=True).compose(text), False
    except YAMLError as error:
        raise YamlProblems([_yaml_error(text, error)]) from None
    except RecursionError:
        raise YamlProblems([Problem(1, 1, codes.TOO_COMPLEX, "nested too deeply to read")]) from None


def parse_yaml(text: str, *, fast: bool = True) -> YamlDocument | None:
    """Parse one YAML document; ``None`` for a stream with no document.

    Raises :class:`YamlProblems` with every problem found. ``fast=False`` reads
    the text with the compose path only, the reference the fast loader is held to.
    Positions are the ones an editor shows (see :class:`EditorPositions`).

    No text reaches a composer before its nesting depth is known: the fast loader
    checks it on every event it reads (also on its way to the compose path), and
    the reference path reads the events for it first.
    """
    # Imported here: the loader builds this module's types, so it imports this module.
    from cjmkit.loading import events

    to_editor = editor_positions(text)
    if not fast:
        problem = events.depth_problem(text)
        if problem is not None:
            raise YamlProblems(_corrected([problem], to_editor))
        return _parse_composed(text, to_editor)
    try:
        document = events.load(text)
    except events.Fallback:
        return _parse_composed(text, to_editor)
    except YamlProblems as problems:
        if to_editor is None:
            raise
        raise YamlProblems(_corrected(problems.problems, to_editor)) from None
    if document is not None and to_editor is not None:
        document.source_map = to_editor.source_map(document.source_map)
    return document


#: Line breaks for libyaml (YAML 1.1; and for ``str.splitlines``), but not for an editor,
#: a terminal, ``git diff`` or ruamel's pure parser: only LF, CRLF and CR end a line there.
_YAML_ONLY_BREAKS = ("\x85", "\u2028", "\u2029")
_LIBYAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_LINE_IN_MESSAGE = re.compile(r"\bline (\d+)\b")


class EditorPositions:
    """Turns libyaml's (line, column) into the editor's, for a text with U+0085, U+2028
    or U+2029: libyaml counts those as line breaks, so without this every position after
    one would be a line too far down. (ruamel's pure parser counts as an editor does.)"""

    def __init__(self, text: str) -> None:
        self._libyaml_starts = [0, *(match.end() for match in _LIBYAML_BREAK.finditer(text))]
        self._editor_starts = [0, *(match.end() for match in _EDITOR_BREAK.finditer(text))]

    def __call__(self, position: Position) -> Position:
        line, column = position
        offset = self._libyaml_starts[min(max(line, 1), len(self._libyaml_starts)) - 1] + column - 1
        index = bisect.bisect_right(self._editor_starts, offset) - 1
        return index + 1, offset - self._editor_starts[index] + 1

    def problem(self, problem: Problem) -> Problem:
        line, column = self((problem.line, problem.column))
        message = problem.message
        if problem.code in (codes.YAML_SYNTAX, codes.DUPLICATE_KEY):
            # "first defined on line 3", "while parsing a flow sequence (line 3)"
            message = _LINE_IN_MESSAGE.sub(lambda match: f"line {self((int(match[1]), 1))[0]}", message)
        return dataclasses.replace(problem, line=line, column=column, message=message)

    def source_map(self, source: SourceMap) -> SourceMap:
        return SourceMap(
            {path: self(position) for path, position in source.values.items()},
            {path: self(position) for path, position in source.keys.items()},
        )


def editor_positions(text: str) -> EditorPositions | None:
    """How to correct libyaml's positions in ``text``; None when they are right already."""
    if any(character in text for character in _YAML_ONLY_BREAKS):
        return EditorPositions(text)
    return None


def _corrected(problems: list[Problem], to_editor: EditorPositions | None) -> list[Problem]:
    return problems if to_editor is None else [to_editor.problem(problem) for problem in problems]


def _parse_composed(text: str, to_editor: EditorPositions | None = None) -> YamlDocument | None:
    """The compose path, for a text whose nesting depth has been checked.

    libyaml's composer recurses once per level and crashes the process on a few
    thousand levels, so no text may reach it unchecked.
    """
    root, by_libyaml = _compose(text, to_editor)
    if root is None:
        return None
    if not by_libyaml:
        to_editor = None
    builder = _Builder()
    try:
        data = builder.build(root, (), 0)
    except _Stop as stop:
        raise YamlProblems(_corrected([stop.problem], to_editor)) from None
    if builder.problems:
        raise YamlProblems(_corrected(builder.problems, to_editor))
    if to_editor is not None:
        return YamlDocument(data, to_editor.source_map(builder.source_map))
    return YamlDocument(data, builder.source_map)


def read_map_bytes(path: pathlib.Path) -> bytes:
    """A map file's bytes; :class:`YamlProblems` when it cannot be read or is too large.

    Only a regular file is read (a FIFO or a device such as ``/dev/zero`` is refused
    without reading it), and never more than the size limit and one byte.
    """
    try:
        return read_bounded(path, MAX_FILE_BYTES)
    except OSError as error:
        message = f"cannot read the file: {error.strerror or error}"
        raise YamlProblems([Problem(1, 1, codes.UNREADABLE, message)]) from None
    except FileTooLarge as error:
        message = f"file is over {MAX_FILE_BYTES} bytes ({error.size} or more); the limit is {MAX_FILE_BYTES}"
        raise YamlProblems([Problem(1, 1, codes.TOO_COMPLEX, message)]) from None


def decode(raw: bytes) -> str:
    """Decode UTF-8 (a BOM is allowed); raise :class:`YamlProblems` pointing at a bad byte."""
    raw, _ = split_bom(raw)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start].decode("utf-8", errors="replace")
        line, column = _offset_position(before, len(before))
        raise YamlProblems(
            [
                Problem(
                    line,
                    column,
                    codes.NOT_UTF8,
                    f"byte 0x{raw[error.start]:02x} is not UTF-8; save the file as UTF-8",
                )
            ]
        ) from None
