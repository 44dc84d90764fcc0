"""Read a YAML document in one pass over libyaml's parse events.

Composing ruamel's node graph and then walking it costs two passes, a node
object per value, and (with the C parser) two caught AttributeErrors per node
inside ruamel's resolver. Here the plain values and their source positions are
built straight from the events libyaml emits, and plain scalars are resolved
with ruamel's own YAML 1.2 implicit resolvers and converted as its
``SafeConstructor`` converts them, so the result is the one the compose path
(``yaml_source``, the reference) gives.

Only what maps are made of is read here. Anything rarer (anchors, aliases,
tags, merge keys, directives, a second document, a text libyaml refuses)
raises :class:`Fallback`, and the compose path reads the text instead. Before
that, the remaining events are read to check the nesting depth: libyaml's
composer recurses once per level and crashes the process on a few thousand.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any, NoReturn

from _ruamel_yaml import CParser  # type: ignore[import-not-found]  # ruamel.yaml.clib ships no stubs
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from ruamel.yaml.resolver import implicit_resolvers
from ruamel.yaml.util import create_timestamp, timestamp_regexp

from cjmkit import codes
from cjmkit.loading.yaml_source import (
    MAX_DEPTH,
    MAX_VALUES,
    PURE_ERROR_LIMIT,
    Position,
    Problem,
    SourceMap,
    YamlDocument,
    YamlPath,
    YamlProblems,
    _yaml_error,
    too_large,
)

GetEvent = Callable[[], Any]


class Fallback(Exception):
    """The compose path must read this text; its depth has been checked already."""


class _Rare(Exception):
    """Something only the compose path handles; ``opened`` collections are still open."""

    def __init__(self, opened: int) -> None:
        self.opened = opened


class _Unsupported(Exception):
    """A plain scalar only the compose path reads (a merge key, '=', a timestamp it refuses)."""


class _TooMany(Exception):
    def __init__(self, opened: int) -> None:
        self.opened = opened


# --- plain scalars, as VersionedResolver and SafeConstructor read them ------------------

#: ``YAML(typ="safe")`` resolves with the 1.2 rules unless a %YAML directive says
#: otherwise, and a directive sends the text to the compose path.
_VERSION = (1, 2)
_TAG = "tag:yaml.org,2002:"


def _int(text: str) -> int:
    # SafeConstructor.construct_yaml_int with the 1.2 rules (no sexagesimals, no bare octal).
    value = text.replace("_", "")
    sign = -1 if value[0] == "-" else 1
    if value[0] in "+-":
        value = value[1:]
    if value == "0":
        return 0
    if value.startswith("0b"):
        return sign * int(value[2:], 2)
    if value.startswith("0x"):
        return sign * int(value[2:], 16)
    if value.startswith("0o"):
        return sign * int(value[2:], 8)
    return sign * int(value)


def _float(text: str) -> float:
    # SafeConstructor.construct_yaml_float with the 1.2 rules; its inf and NaN objects.
    value = text.replace("_", "").lower()
    sign = -1 if value[0] == "-" else 1
    if value[0] in "+-":
        value = value[1:]
    if value == ".inf":
        return sign * SafeConstructor.inf_value
    if value == ".nan":
        return SafeConstructor.nan_value
    return sign * float(value)


def _bool(text: str) -> bool:
    return SafeConstructor.bool_values[text.lower()]


def _null(text: str) -> None:
    return None


_TIMESTAMP = re.compile(timestamp_regexp.pattern, timestamp_regexp.flags)


def _timestamp(text: str) -> Any:
    match = _TIMESTAMP.match(text)
    if match is None:
        # The constructor's error message carries a mark only the compose path has.
        raise _Unsupported
    return create_timestamp(**match.groupdict())


def _unsupported(text: str) -> Any:
    # Merge keys ('<<'), '=' and friends: the compose path reports or applies them.
    raise _Unsupported


_CONVERT: dict[str, Convert] = {
    _TAG + "int": _int,
    _TAG + "float": _float,
    _TAG + "bool": _bool,
    _TAG + "null": _null,
    _TAG + "timestamp": _timestamp,
}

Convert = Callable[[str], Any]
Resolver = tuple[Callable[[str], "re.Match[str] | None"], Convert]


def _resolvers() -> dict[str | None, list[Resolver]]:
    """ruamel's implicit resolvers by first character (None: any), in ruamel's order."""
    table: dict[str | None, list[Resolver]] = {}
    for versions, tag, regexp, first in implicit_resolvers:
        if _VERSION not in versions:
            continue
        pattern = re.compile(regexp.pattern, regexp.flags)  # past ruamel's lazy wrapper
        characters: list[str | None] = [None] if first is None else list(first)
        for character in characters:
            table.setdefault(character, []).append((pattern.match, _CONVERT.get(tag, _unsupported)))
    anywhere = table.pop(None, [])
    return {character: resolvers + anywhere for character, resolvers in table.items()} | {None: anywhere}


#: (match, convert) in ruamel's order, by a plain scalar's first character ("" when empty).
_BY_FIRST = _resolvers()
_ANYWHERE = _BY_FIRST.pop(None)

#: Memos of what plain scalars resolve to: maps repeat their keys and many of their
#: numbers. Bounded, so that no text can grow them without end.
_TEXT_KEYS: set[str] = set()  # keys that are text even when plain
_PLAIN_VALUES: dict[str, Any] = {}  # plain scalars that are not text, and their values
_MEMO_MAX = 10_000
_MISSING: Any = object()


# --- depth ------------------------------------------------------------------------------


def _too_deep(event: Any) -> YamlProblems:
    mark = event.start_mark
    message = f"nested more than {MAX_DEPTH} levels deep"
    return YamlProblems([Problem(mark.line + 1, mark.column + 1, codes.TOO_COMPLEX, message)])


def _drain(get_event: GetEvent, opened: int) -> bool:
    """Read the remaining events, checking the depth; True when the compose path is needed.

    ``opened`` counts the collections open before the next event. Raises
    :class:`YamlProblems` at the first node nested deeper than MAX_DEPTH.
    """
    rare = False
    while True:
        event = get_event()
        kind = event.__class__
        if kind is ScalarEvent or kind is MappingStartEvent or kind is SequenceStartEvent:
            if opened > MAX_DEPTH:
                raise _too_deep(event)
            if event.anchor is not None or event.ctag is not None:
                rare = True
            if kind is not ScalarEvent:
                opened += 1
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            opened -= 1
        elif kind is AliasEvent:
            if opened > MAX_DEPTH:
                raise _too_deep(event)
            rare = True
        elif kind is DocumentStartEvent:
            rare = True
        elif kind is StreamEndEvent or event is None:
            return rare


def depth_problem(text: str) -> Problem | None:
    """The first node nested deeper than MAX_DEPTH, read before libyaml's composer sees the text.

    Only the events up to the first syntax error count, as in :func:`load`.
    """
    try:
        get_event = CParser(text).get_event
        get_event()  # the stream start
        # Read past the first document start, which is not a second document.
        if get_event().__class__ is not StreamEndEvent:
            _drain(get_event, 0)
    except YamlProblems as problems:
        return problems.problems[0]
    except (YAMLError, ValueError):
        pass
    return None


def _skip(get_event: GetEvent, opened: int) -> Any:
    """Read past the rest of a collection whose start event was just read.

    ``opened`` counts the open collections including it. Returns the start mark
    of its first item (None if empty): a block list is located there.
    """
    first = None
    level = opened
    while True:
        event = get_event()
        kind = event.__class__
        if kind is MappingEndEvent or kind is SequenceEndEvent:
            level -= 1
            if level < opened:
                return first
            continue
        if level > MAX_DEPTH:
            raise _too_deep(event)
        if first is None:
            first = event.start_mark
        if kind is AliasEvent or event.anchor is not None or event.ctag is not None:
            raise _Rare(level if kind is AliasEvent or kind is ScalarEvent else level + 1)
        if kind is not ScalarEvent:
            level += 1


# --- the loader ---------------------------------------------------------------------------


def load(text: str) -> YamlDocument | None:
    """Parse one YAML document; ``None`` for a stream with no document.

    Raises :class:`YamlProblems` like ``parse_yaml``, or :class:`Fallback`.
    """
    try:
        parser = CParser(text)
    except ValueError:
        # Text libyaml cannot take (lone surrogates): whatever the compose path does with it.
        raise Fallback from None
    # Anchors, tags and aliases start with these characters, and most maps have none of
    # them: then no event needs checking for them.
    marked = "&" in text or "!" in text or "*" in text
    try:
        return _load(parser.get_event, marked)
    except YAMLError as error:
        if len(text) > PURE_ERROR_LIMIT:
            # Composing a long text again only to meet the same error costs seconds.
            raise YamlProblems([_yaml_error(text, error, by_libyaml=True)]) from None
        # libyaml refused the text: the compose path reports the pure parser's message. The
        # events before the error were depth-checked, and its composer stops at the same error.
        raise Fallback from None


def _load(get_event: GetEvent, marked: bool) -> YamlDocument | None:
    get_event()  # the stream start
    event = get_event()
    if event.__class__ is StreamEndEvent:
        return None
    if event.version is not None or event.tags is not None:
        _rare(get_event, 0)
    values: dict[YamlPath, Position] = {}
    keys: dict[YamlPath, Position] = {}
    problems: list[Problem] = []
    try:
        root = _read(get_event, marked, values, keys, problems)
    except _Rare as rare:
        _rare(get_event, rare.opened)
    except _TooMany as too_many:
        if _drain(get_event, too_many.opened):
            raise Fallback from None
        message = f"document expands to more than {MAX_VALUES} values (YAML aliases?)"
        raise YamlProblems([Problem(1, 1, codes.TOO_COMPLEX, message)]) from None
    get_event()  # the document end
    if get_event().__class__ is not StreamEndEvent:
        # Another document follows: the compose path reports it.
        _rare(get_event, 0)
    if problems:
        raise YamlProblems(problems)
    return YamlDocument(root, SourceMap(values, keys))


def _read(
    get_event: GetEvent,
    marked: bool,
    values: dict[YamlPath, Position],
    keys: dict[YamlPath, Position],
    problems: list[Problem],
) -> Any:
    """The document's root value; fills in ``values``, ``keys`` and ``problems``.

    Raises :class:`_Rare` or :class:`_TooMany` with the number of collections
    still open, for :func:`_drain` to go on from there. ``marked``: the text may
    hold anchors or tags.
    """
    # The hot loop: every name it uses is a local, a key's path is built once for the
    # key and its value, and tags are read from `ctag` (`tag` is a property wrapping it).
    scalar_event = ScalarEvent
    mapping_start = MappingStartEvent
    sequence_start = SequenceStartEvent
    mapping_end = MappingEndEvent
    sequence_end = SequenceEndEvent
    alias_event = AliasEvent
    by_first = _BY_FIRST
    anywhere = _ANYWHERE
    text_keys = _TEXT_KEYS
    plain_values = _PLAIN_VALUES
    missing = _MISSING
    memo_max = _MEMO_MAX
    max_depth = MAX_DEPTH
    max_values = MAX_VALUES
    skip_node = _skip_node

    event = get_event()
    kind = event.__class__
    mark = event.start_mark
    values[()] = (mark.line + 1, mark.column + 1)
    if kind is alias_event or event.anchor is not None or event.ctag is not None:
        raise _Rare(0 if kind is alias_event or kind is scalar_event else 1)
    if kind is scalar_event:
        try:
            return _plain(event.value, values[()], (), problems) if event.style == "" else event.value
        except _Unsupported:
            raise _Rare(0) from None

    root: Any = {} if kind is mapping_start else []
    container: Any = root  # the innermost open list or dict
    path: YamlPath = ()
    is_map = kind is mapping_start
    # A block list is located at its first item, not read yet when the list starts.
    pending = False
    # The collections outside `container`: (container, path, is_map, pending).
    stack: list[tuple[Any, YamlPath, bool, bool]] = []
    opened = 1
    count = 1
    name: Any = None
    try:
        while True:
            event = get_event()
            kind = event.__class__
            if is_map:
                if kind is scalar_event:
                    if marked and (event.anchor is not None or event.ctag is not None):
                        raise _Rare(opened)
                    mark = event.start_mark
                    position = (mark.line + 1, mark.column + 1)
                    name = event.value
                    if name not in text_keys and event.style == "":
                        if by_first.get(name[:1], anywhere):
                            convert = _first_match(name)
                            if convert is _unsupported:
                                raise _Rare(opened)  # a merge key
                            if convert is not None:
                                problems.append(_not_text(position, repr(name), path))
                                skip_node(get_event, opened)
                                continue
                        if len(text_keys) < memo_max:
                            text_keys.add(name)
                    here = (*path, name)
                    if name in container:
                        problems.append(_duplicate(position, name, keys[here][0], here))
                        skip_node(get_event, opened)
                        continue
                    keys[here] = position
                    event = get_event()  # the key's value
                    kind = event.__class__
                elif kind is mapping_end:
                    opened -= 1
                    if not stack:
                        return root
                    container, path, is_map, pending = stack.pop()
                    continue
                else:
                    if kind is alias_event:
                        raise _Rare(opened)
                    if event.anchor is not None or event.ctag is not None:
                        raise _Rare(opened + 1)
                    mark = event.start_mark
                    first = _skip(get_event, opened + 1)
                    if kind is sequence_start and not event.flow_style and first is not None:
                        mark = first
                    what = "a mapping" if kind is mapping_start else "a list"
                    problems.append(_not_text((mark.line + 1, mark.column + 1), what, path))
                    skip_node(get_event, opened)
                    continue
            elif kind is sequence_end:
                opened -= 1
                if not stack:
                    return root
                container, path, is_map, pending = stack.pop()
                continue
            else:
                here = (*path, len(container))
                if pending:
                    mark = event.start_mark
                    values[path] = (mark.line + 1, mark.column + 1)
                    pending = False

            # `event` is the value at `here`.
            if kind is scalar_event:
                if marked and (event.anchor is not None or event.ctag is not None):
                    raise _Rare(opened)
                count += 1
                if count > max_values:
                    raise _TooMany(opened)
                mark = event.start_mark
                position = (mark.line + 1, mark.column + 1)
                values[here] = position
                value = event.value
                if event.style == "" and by_first.get(value[:1], anywhere):
                    known = plain_values.get(value, missing)
                    value = _plain(value, position, here, problems) if known is missing else known
                if is_map:
                    container[name] = value
                else:
                    container.append(value)
            elif kind is mapping_start or kind is sequence_start:
                if marked and (event.anchor is not None or event.ctag is not None):
                    raise _Rare(opened + 1)
                count += 1
                if count > max_values:
                    raise _TooMany(opened + 1)
                new: Any = {} if kind is mapping_start else []
                if is_map:
                    container[name] = new
                else:
                    container.append(new)
                stack.append((container, path, is_map, pending))
                opened += 1
                container = new
                path = here
                is_map = kind is mapping_start
                pending = not is_map and not event.flow_style
                if not pending:
                    mark = event.start_mark
                    values[here] = (mark.line + 1, mark.column + 1)
                if opened > max_depth:
                    # Depth is checked here, not on every node: only a node inside this
                    # collection can be too deep, and the first one read is checked.
                    event = get_event()
                    kind = event.__class__
                    if kind is not mapping_end and kind is not sequence_end:
                        raise _too_deep(event)
                    opened -= 1
                    container, path, is_map, pending = stack.pop()
            else:
                raise _Rare(opened)  # an alias
    except _Unsupported:
        raise _Rare(opened) from None


def _first_match(text: str) -> Convert | None:
    """The converter of the first implicit resolver that matches a plain scalar; None for text."""
    for match, convert in _BY_FIRST.get(text[:1], _ANYWHERE):
        if match(text) is not None:
            return convert
    return None


def _plain(text: str, position: Position, here: YamlPath, problems: list[Problem]) -> Any:
    """A plain scalar's value; a problem (and None) when it does not convert."""
    convert = _first_match(text)
    if convert is None:
        return text
    try:
        value = convert(text)
    except (ValueError, OverflowError) as error:  # Overflow: 9999-12-31 23:59:59.9999999
        problems.append(Problem(*position, codes.INVALID_VALUE, f"cannot read {text!r}: {error}", here))
        return None
    if value.__class__ is float and math.isinf(value) and "inf" not in text.lower():
        problems.append(Problem(*position, codes.OUT_OF_RANGE, too_large(text), here))  # 1e400
        return None
    if len(_PLAIN_VALUES) < _MEMO_MAX:
        _PLAIN_VALUES[text] = value  # numbers, dates, booleans: all immutable
    return value


def _skip_node(get_event: GetEvent, opened: int) -> None:
    """Read past the next node (the value of a duplicate or non-text key)."""
    # No depth check: its key, at the same depth, passed.
    event = get_event()
    kind = event.__class__
    if kind is AliasEvent or event.anchor is not None or event.ctag is not None:
        raise _Rare(opened if kind is AliasEvent or kind is ScalarEvent else opened + 1)
    if kind is not ScalarEvent:
        _skip(get_event, opened + 1)


def _rare(get_event: GetEvent, opened: int) -> NoReturn:
    """Hand the text to the compose path, once the rest of it is known not to nest too deep."""
    _drain(get_event, opened)
    raise Fallback


def _not_text(position: Position, what: str, path: YamlPath) -> Problem:
    return Problem(*position, codes.WRONG_TYPE, f"key {what} is not text; write keys as plain words", path)


def _duplicate(position: Position, key: str, first_line: int, path: YamlPath) -> Problem:
    message = f"duplicate key {key!r} (first defined on line {first_line})"
    return Problem(*position, codes.DUPLICATE_KEY, message, path)
