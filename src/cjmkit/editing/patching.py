"""Bringing changed values back into a map's text, touching only the bytes of what changed.

:func:`patch_text` takes the text, the plain values it holds and the values it should hold,
and splices the difference in at the marks of ruamel's composer: a changed scalar is rewritten
where it stands, a key or list item that went away loses its lines, a new one is written in
block style at its siblings' indentation, after the sibling it follows. Comments, quoting,
blank lines and line breaks of everything else stay as they were. Lists of mappings are
matched item by item by ``id`` where every item has one, else by content, so an edited
objection is edited in place rather than removed and added.

The result is checked: it must read back as exactly the new values, or
:class:`~cjmkit.editing.metrics.splicing.UnsupportedLayout` is raised and nothing is to be
written. A collection written in flow style (``[a, b]``) that changes is rewritten whole,
in flow style.
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cjmkit.editing import MAPPING_INDENT, SEQUENCE_OFFSET, compose, has_aliases, is_empty_scalar
from cjmkit.editing.emit import block, flow, literal, scalar
from cjmkit.editing.metrics.splicing import MapEditor, Splice, UnsupportedLayout, check_edit

#: Splice ranks: at one offset, insertions come before a removal or replacement that starts there,
#: and an insertion into a deeper collection before one into a collection around it (an item
#: appended to a mapping's last list goes before a key added after that list).
_REPLACE = 1000
#: What may follow a key's value (or colon) on its line: a comment, which stays when the value is replaced.
_COMMENT_AFTER = re.compile(r"[ \t]*#.*")


def _identity(item: Any) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return "id:" + str(item["id"])
    return json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)


def _similar(old: Any, new: Any) -> bool:
    """Whether two list items are the same element edited (kept and patched, not replaced)."""
    if isinstance(old, dict) and isinstance(new, dict):
        return old.get("id") == new.get("id") if "id" in old or "id" in new else True
    if isinstance(old, list) and isinstance(new, list):
        return True
    return not isinstance(old, dict | list) and not isinstance(new, dict | list)


class _Patcher(MapEditor):
    #: How many collections deep the value being patched is.
    depth = 0

    def insertion_rank(self) -> int:
        return _REPLACE - self.depth

    def scalar_text(self, value: Any, node: Node) -> str:
        return scalar(value, flow=self.in_flow(node))

    def in_flow(self, node: Node) -> bool:
        """Whether ``node`` stands inside ``[...]`` or ``{...}``: counted brackets on its line before it."""
        line = self.text[self.starts[node.start_mark.line] : node.start_mark.index]
        depth = sum(line.count(o) - line.count(c) for o, c in ("[]", "{}"))
        return depth > 0

    # --- values ---------------------------------------------------------------------------

    def patch(self, node: Node, old: Any, new: Any, key: Node | None) -> None:
        if old == new:
            return
        self.depth += 1
        try:
            self.patch_value(node, old, new, key)
        finally:
            self.depth -= 1

    def patch_value(self, node: Node, old: Any, new: Any, key: Node | None) -> None:
        if isinstance(old, dict) and isinstance(new, dict) and isinstance(node, MappingNode):
            if node.flow_style:
                self.replace(node, flow(new))
            elif not new:
                self.replace_value(node, new, key)
            else:
                self.patch_mapping(node, old, new)
        elif isinstance(old, list) and isinstance(new, list) and isinstance(node, SequenceNode):
            if node.flow_style or not new:
                self.replace_value(node, new, key)
            else:
                self.patch_sequence(node, old, new)
        else:
            self.replace_value(node, new, key)

    def replace(self, node: Node, text: str) -> None:
        end = node.end_mark.index
        if isinstance(node, ScalarNode) and node.style in ("|", ">"):
            end = self.line_end(self.last_line(node, node.start_mark.line))
        self.splices.append(Splice(node.start_mark.index, _REPLACE, end, text))

    def replace_value(self, node: Node, new: Any, key: Node | None) -> None:
        """A value replaced whole: a scalar where it stands, a collection in block style under its key."""
        if not isinstance(new, dict | list) or not new:
            if is_empty_scalar(node):
                if key is None:
                    raise UnsupportedLayout("an empty list item cannot be edited")
                self.put_value(key, node, " " + flow(new))
            elif (
                isinstance(node, ScalarNode)
                and isinstance(new, str)
                and self.replace_with_literal(node, new, key)
            ):
                pass
            elif isinstance(node, ScalarNode) or getattr(node, "flow_style", False) or self.in_flow(node):
                self.replace(node, flow(new) if isinstance(new, dict | list) else self.scalar_text(new, node))
            elif key is not None:
                self.put_value(key, node, " " + flow(new))
            else:
                raise UnsupportedLayout("a list item changes its kind of value")
            return
        if self.in_flow(node) or getattr(node, "flow_style", False) or key is None:
            self.replace(node, flow(new))
            return
        column = key.start_mark.column + (SEQUENCE_OFFSET if isinstance(new, list) else MAPPING_INDENT)
        newline = self.line_break(key.start_mark.line)
        lines = block(new, column)
        self.put_value(key, node, "".join(newline + line for line in lines), below=True)

    def replace_with_literal(self, node: ScalarNode, new: str, key: Node | None) -> bool:
        """A text of several lines as a literal block (``|-``) where the scalar stands, indented
        under its key or dash; False (nothing done) where one cannot stand there."""
        if key is not None:
            column = key.start_mark.column + MAPPING_INDENT
        elif (dash := self.dash(node)) is not None:
            column = dash[1] + SEQUENCE_OFFSET
        else:
            return False
        lines = literal(new, column)
        if lines is None or self.in_flow(node):
            return False
        last = self.last_line(node, node.start_mark.line)
        end = self.line_end(last) if node.style in ("|", ">") else node.end_mark.index
        if self.text[end : self.line_end(last)].strip():
            return False  # a comment after the value would become part of the text
        newline = self.line_break(last)
        body = "".join(newline + line for line in lines[1:])
        self.splices.append(Splice(node.start_mark.index, _REPLACE, end, lines[0] + body))
        return True

    def put_value(self, key: Node, node: Node, text: str, below: bool = False) -> None:
        """``key``'s value replaced by ``text``: after the colon, or ``below`` the key's line.
        A comment on the key's line stays there."""
        colon = self.text.index(":", key.end_mark.index)
        first = key.start_mark.line
        end = colon + 1 if is_empty_scalar(node) else self.line_end(self.last_line(node, first))
        rest = self.line_end(first)
        after = colon + 1  # where what may follow the value on the key's line starts
        # A scalar on the key's line (the composer places an empty one at the next token).
        if isinstance(node, ScalarNode) and node.style not in ("|", ">") and not is_empty_scalar(node):
            after = max(after, node.end_mark.index) if node.end_mark.line == first else after
        if not _COMMENT_AFTER.fullmatch(self.text[after:rest]):
            self.splices.append(Splice(colon + 1, _REPLACE, end, text))
        elif below:
            if after > colon + 1:
                self.splices.append(Splice(colon + 1, _REPLACE, after, ""))
            self.splices.append(Splice(rest, _REPLACE, max(rest, end), text))
        else:
            self.splices.append(Splice(colon + 1, _REPLACE, after, text))
            if end > rest:
                self.splices.append(Splice(rest, _REPLACE, end, ""))

    # --- mappings -------------------------------------------------------------------------

    def patch_mapping(self, node: MappingNode, old: dict[str, Any], new: dict[str, Any]) -> None:
        entries = {k.value: (k, v) for k, v in node.value if isinstance(k, ScalarNode)}
        for name, (key, value) in entries.items():
            if name not in new:
                self.remove_entry(key, value)
            elif name in old:
                self.patch(value, old[name], new[name], key)
        anchor: str | None = None
        pending: list[str] = []
        for name in new:
            if name in entries:
                if pending:
                    self.add_entries(node, anchor, pending, new, before=name)
                    pending = []
                anchor = name
            else:
                pending.append(name)
        if pending:
            self.add_entries(node, anchor, pending, new, before=None)

    def remove_entry(self, key: Node, value: Node) -> None:
        first = key.start_mark.line
        if self.text[self.starts[first] : key.start_mark.index].strip():
            raise UnsupportedLayout("a key to remove shares its line with other text")
        self.remove_lines(first, self.last_line(value, first))

    def remove_lines(self, first: int, last: int) -> None:
        start = self.starts[first]
        end = self.starts[last + 1] if last + 1 < len(self.starts) else len(self.text)
        self.splices.append(Splice(start, _REPLACE, end, ""))

    def add_entries(
        self, node: MappingNode, anchor: str | None, names: list[str], new: dict[str, Any], before: str | None
    ) -> None:
        """New keys after ``anchor`` (the kept key they follow), else before the key ``before``
        (after it when it stands on a list item's dash line)."""
        first_key = node.value[0][0]
        column = first_key.start_mark.column
        lines = block({name: new[name] for name in names}, column)
        if anchor is None:
            key = next(k for k, _ in node.value if k.value == before)
            line = key.start_mark.line
            if not self.text[self.starts[line] : key.start_mark.index].strip():
                newline = self.line_break(line)
                text = "".join(x + newline for x in lines)
                self.splices.append(Splice(self.starts[line], self.insertion_rank(), self.starts[line], text))
                return
            # The first key shares its line with the item's dash: the new keys go after it instead.
            anchor = before
        key, value = next((k, v) for k, v in node.value if k.value == anchor)
        last = self.last_line(value, key.start_mark.line)
        position = self.line_end(last)
        newline = self.line_break(last)
        text = "".join(newline + line for line in lines)
        self.splices.append(Splice(position, self.insertion_rank(), position, text))

    # --- sequences ------------------------------------------------------------------------

    def patch_sequence(self, node: SequenceNode, old: list[Any], new: list[Any]) -> None:
        items: list[Node] = list(node.value)
        matcher = difflib.SequenceMatcher(
            None, [_identity(x) for x in old], [_identity(x) for x in new], False
        )
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                    self.patch(items[i], old[i], new[j], None)
                continue
            paired = 0
            if tag == "replace":
                while paired < min(i2 - i1, j2 - j1) and _similar(old[i1 + paired], new[j1 + paired]):
                    self.patch(items[i1 + paired], old[i1 + paired], new[j1 + paired], None)
                    paired += 1
            for i in range(i1 + paired, i2):
                self.remove_item(items[i])
            if j1 + paired < j2:
                self.insert_items(node, items, i1 + paired, new[j1 + paired : j2])

    def dash_line(self, item: Node) -> tuple[int, int]:
        dash = self.dash(item)
        if dash is None:
            raise UnsupportedLayout("a list item is laid out in a way this command does not edit")
        return dash

    def remove_item(self, item: Node) -> None:
        line, _ = self.dash_line(item)
        last = self.last_line(item, line)
        # The blank line that set the item apart goes with it: the one above it, or, for an item
        # right under its key, the one below it.
        if line > 0 and not self.lines[line - 1].strip():
            line -= 1
        elif last + 1 < len(self.lines) - 1 and not self.lines[last + 1].strip():
            last += 1
        self.remove_lines(line, last)

    def insert_items(self, node: SequenceNode, items: list[Node], at: int, values: list[Any]) -> None:
        """New items before ``items[at]`` (after the previous item, which keeps its trailing comments)."""
        line, column = self.dash_line(items[0])
        # Items set apart by blank lines get one too.
        spaced = len(items) > 1 and not self.lines[self.dash_line(items[1])[0] - 1].strip()
        blocks = [block([value], column) for value in values]
        if at > 0:
            previous = items[at - 1]
            last = self.last_line(previous, self.dash_line(previous)[0])
            position = self.line_end(last)
            newline = self.line_break(last)
            gap = newline if spaced else ""
            text = "".join(gap + "".join(newline + x for x in lines) for lines in blocks)
            self.splices.append(Splice(position, self.insertion_rank(), position, text))
            return
        newline = self.line_break(line)
        gap = newline if spaced else ""
        text = "".join("".join(x + newline for x in lines) + gap for lines in blocks)
        self.splices.append(Splice(self.starts[line], self.insertion_rank(), self.starts[line], text))


def patch_text(text: str, old: Any, new: Any) -> str:
    """``text`` (which reads as ``old``) edited to read as ``new``; UnsupportedLayout when it cannot."""
    try:
        if has_aliases(text):
            raise UnsupportedLayout("the map uses YAML aliases (*name), which this command does not edit")
        root = compose(text)
    except YAMLError as error:
        # The reader takes a few layouts (a tab after a value) that the composer with marks refuses.
        found = getattr(error, "problem", None) or error
        raise UnsupportedLayout(f"the map is laid out in a way this command cannot edit ({found})") from None
    if root is None:
        raise UnsupportedLayout("the map holds no document")
    patcher = _Patcher(text)
    patcher.patch(root, old, new, None)
    result = patcher.result()
    check_edit(result, new, "the edit would not read back as the new values")
    return result


__all__ = ["patch_text"]
