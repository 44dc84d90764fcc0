"""`patch_text` (splicing changed values into a map's text) and the YAML writer it uses (emit).

Unit tests on small texts assert the whole resulting text, so a stray byte fails them. A
Hypothesis property runs random edits of the example maps (as written, with a comment before
every list item and after every number, and with CRLF line breaks): each edit reads back as the
new values, leaves the lines outside the edited elements and every comment outside removed
elements alone, and patching back reads as the old values.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, event, example, given, settings
from hypothesis import strategies as st
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cjmkit.editing import compose
from cjmkit.editing.emit import block, dump_yaml, flow, scalar
from cjmkit.editing.fmt import comment_texts
from cjmkit.editing.metrics.splicing import UnsupportedLayout
from cjmkit.editing.patching import patch_text
from cjmkit.loading.yaml_source import parse_yaml
from conftest import EXAMPLES


def read(text: str) -> Any:
    document = parse_yaml(text)
    assert document is not None
    return document.data


def same(left: Any, right: Any) -> bool:
    """Equal values of equal types (``1``, ``1.0`` and ``True`` differ), in any key order."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(same(left[key], right[key]) for key in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(same(a, b) for a, b in zip(left, right, strict=True))
    return bool(left == right)


def patched_to(text: str, new: Any) -> str:
    """``text`` patched to read as ``new``, checked (with types) here too."""
    result = patch_text(text, read(text), new)
    assert same(read(result), new)
    return result


def patched(text: str, change: Callable[[Any], object]) -> str:
    """``text`` patched to read as its values after ``change`` edits them."""
    new = copy.deepcopy(read(text))
    change(new)
    return patched_to(text, new)


def put(target: dict[str, Any], key: str, value: Any, after: str | None) -> dict[str, Any]:
    """``target`` with ``key`` inserted after the key ``after`` (first when None)."""
    items = list(target.items())
    at = 0 if after is None else [k for k, _ in items].index(after) + 1
    return dict([*items[:at], (key, value), *items[at:]])


# --- scalars changed where they stand ---------------------------------------------------------


def test_plain_scalar_keeps_its_comment_and_neighbours() -> None:
    text = "a: 1\nname: Old name  # shown on the card\nb: 2\n"
    result = patched(text, lambda d: d.update(name="New name"))
    assert result == "a: 1\nname: New name  # shown on the card\nb: 2\n"


def test_quoted_scalars_are_rewritten() -> None:
    text = "one: 'It''s old'\ntwo: \"old\"  # c\n"
    result = patched(text, lambda d: d.update(one="new", two='"hi", she said'))
    assert result == 'one: new\ntwo: "\\"hi\\", she said"  # c\n'


def test_literal_block_scalar_is_replaced_up_to_its_last_line() -> None:
    text = "text: |\n  one\n  two\n\nnext: 1\n"
    assert patched(text, lambda d: d.update(text="flat")) == "text: flat\n\nnext: 1\n"


def test_text_of_several_lines_becomes_a_literal_block() -> None:
    text = "note: >-\n  one\n  two\nnext: 1\nitems:\n  - x\n  - y\nlist: [a]\n"
    result = patched(text, lambda d: d.update(note="a\n\nb", items=["x", "y1\ny2"], extra="p\nq"))
    assert result == (
        "note: |-\n  a\n\n  b\nnext: 1\nitems:\n  - x\n  - |-\n    y1\n    y2\n"
        "list: [a]\nextra: |-\n  p\n  q\n"
    )


@pytest.mark.parametrize(
    ("text", "key", "value", "expected"),
    [
        ("note: old  # keep\n", "note", "a\nb", 'note: "a\\nb"  # keep\n'),  # a comment after it
        ("note: old\n", "note", " a\nb", 'note: " a\\nb"\n'),  # would need an indentation indicator
        ("note: old\n", "note", "a\nb\n", 'note: "a\\nb\\n"\n'),  # a final line break
        ("note: old\n", "note", "a \nb", 'note: "a \\nb"\n'),  # a trailing space
        ("list: [old]\n", "list", ["a\nb"], 'list: ["a\\nb"]\n'),  # in flow style
    ],
)
def test_text_a_literal_block_cannot_hold_is_quoted(text: str, key: str, value: Any, expected: str) -> None:
    assert patched(text, lambda d: d.update({key: value})) == expected


def test_numbers_keep_their_comment() -> None:
    text = "kpi:\n  target: 0.4  # a benchmark\n  actual: 3\n  n: 7\n"
    result = patched(text, lambda d: d["kpi"].update(target=0.45, actual=1.5, n=-12))
    assert result == "kpi:\n  target: 0.45  # a benchmark\n  actual: 1.5\n  n: -12\n"


def test_text_becomes_a_number_and_back() -> None:
    text = "a: x\nb: 5\nc: text\n"
    assert patched(text, lambda d: d.update(a=5, b="x", c=None)) == "a: 5\nb: x\nc: null\n"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("a: b", '"a: b"'),
        ("yes", '"yes"'),
        ("No", '"No"'),
        ("null", '"null"'),
        ("~", '"~"'),
        ("<<", '"<<"'),
        ("", '""'),
        ("12", '"12"'),
        ("1.5", '"1.5"'),
        ("2026-05-01", '"2026-05-01"'),
        ("#tag", '"#tag"'),
        ("x #y", '"x #y"'),
        ("- item", '"- item"'),
        ("ends:", '"ends:"'),
        (" lead", '" lead"'),
        ("tab\there", '"tab\\there"'),
        ("[x]", '"[x]"'),
        ("a, b", "a, b"),
        ("Привет, мир", "Привет, мир"),
        ("it's fine", "it's fine"),
    ],
)
def test_text_that_needs_quoting(value: str, written: str) -> None:
    text = "name: old  # c\nitems:\n  - old\n"
    result = patched(text, lambda d: d.update(name=value, items=[value]))
    assert result == f"name: {written}  # c\nitems:\n  - {written}\n"


def test_empty_value_gets_a_scalar_and_keeps_its_comment() -> None:
    text = "a:\nb:  # later\nc: 1\n"
    assert patched(text, lambda d: d.update(a="x", b=2)) == "a: x\nb: 2  # later\nc: 1\n"


# --- keys added and removed -------------------------------------------------------------------


def test_key_added_after_the_key_it_follows() -> None:
    text = "a: 1\n# about c\nc: 3\n"
    result = patched_to(text, put(read(text), "b", 2, after="a"))
    assert result == "a: 1\nb: 2\n# about c\nc: 3\n"


def test_key_added_first_and_last() -> None:
    text = "a: 1\nc: 3\n"
    result = patched_to(text, {**put(read(text), "z", 0, after=None), "end": "x"})
    assert result == "z: 0\na: 1\nc: 3\nend: x\n"


def test_key_added_in_a_nested_mapping_at_its_indentation() -> None:
    text = "persona:\n    id: maya\n    name: Maya\nother: 1\n"
    result = patched(text, lambda d: d["persona"].update(goal="A home"))
    assert result == "persona:\n    id: maya\n    name: Maya\n    goal: A home\nother: 1\n"


def test_key_added_in_a_list_item() -> None:
    text = "stages:\n  - id: a\n    name: A\n  - id: b\n    name: B\n"
    result = patched(text, lambda d: d["stages"][0].update(emotion=1))
    assert result == "stages:\n  - id: a\n    name: A\n    emotion: 1\n  - id: b\n    name: B\n"


def test_key_before_the_first_key_of_a_list_item_goes_after_it() -> None:
    text = "stages:\n  - id: a\n    name: A\n"
    result = patched_to(text, {"stages": [{"phase": "p", **read(text)["stages"][0]}]})
    assert result == "stages:\n  - id: a\n    phase: p\n    name: A\n"


def test_key_added_with_a_list_of_mappings() -> None:
    text = "stages:\n  - id: a\n    name: A\n  - id: b\n"
    touchpoints = [{"id": "t", "name": "T", "tags": ["x", "y, z"]}, {"id": "u", "name": "U"}]
    result = patched(text, lambda d: d["stages"][0].update(touchpoints=touchpoints))
    assert result == (
        "stages:\n  - id: a\n    name: A\n    touchpoints:\n      - id: t\n        name: T\n"
        "        tags:\n          - x\n          - y, z\n      - id: u\n        name: U\n  - id: b\n"
    )


def test_key_removed_with_its_lines_but_not_the_comment_above() -> None:
    text = "a: 1\n# about b\nb:\n  x: 1\n  # inside b\n  y: |\n    text\nc: 3\n"
    assert patched(text, lambda d: d.pop("b")) == "a: 1\n# about b\nc: 3\n"


def test_nested_key_removed() -> None:
    text = "stage:\n  id: s\n  note: >-\n    long\n    text\n  emotion: 1  # c\n"
    assert patched(text, lambda d: d["stage"].pop("note")) == "stage:\n  id: s\n  emotion: 1  # c\n"


def test_last_key_removed_without_final_line_break() -> None:
    assert patched("a: 1\nb: 2", lambda d: d.pop("b")) == "a: 1\n"


def test_mapping_emptied() -> None:
    text = "motivations:  # two kinds\n  rational:\n    - Save\nnext: 1\n"
    assert patched(text, lambda d: d.update(motivations={})) == "motivations: {}  # two kinds\nnext: 1\n"


# --- list items -------------------------------------------------------------------------------

ACTIONS = "actions:\n  - one\n  - two\nnext: 1\n"


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (["new", "one", "two"], "actions:\n  - new\n  - one\n  - two\nnext: 1\n"),
        (["one", "new", "two"], "actions:\n  - one\n  - new\n  - two\nnext: 1\n"),
        (["one", "two", "new"], "actions:\n  - one\n  - two\n  - new\nnext: 1\n"),
        (["one", "two", "x", "z"], "actions:\n  - one\n  - two\n  - x\n  - z\nnext: 1\n"),
        (["one", "two", "y"], 'actions:\n  - one\n  - two\n  - "y"\nnext: 1\n'),
        (["two"], "actions:\n  - two\nnext: 1\n"),
        (["one"], "actions:\n  - one\nnext: 1\n"),
        (["one", "2"], 'actions:\n  - one\n  - "2"\nnext: 1\n'),
        ([], "actions: []\nnext: 1\n"),
    ],
)
def test_scalar_list_items(items: list[str], expected: str) -> None:
    assert patched(ACTIONS, lambda d: d.update(actions=items)) == expected


def test_list_at_the_key_indentation() -> None:
    text = "actions:\n- one\n- two\n"
    assert patched(text, lambda d: d["actions"].insert(1, "new")) == "actions:\n- one\n- new\n- two\n"


def test_list_emptied_keeps_the_comment_on_its_key() -> None:
    text = "actions:  # what she does\n  # first\n  - one\n  - two  # second\nnext: 1\n"
    assert patched(text, lambda d: d.update(actions=[])) == "actions: []  # what she does\nnext: 1\n"


TOUCHPOINTS = """\
touchpoints:
  - id: a
    # about a
    name: A  # the name
  # after a
  - id: b
    name: B
"""


def test_item_removed_with_its_comments_but_not_the_one_after_it() -> None:
    result = patched(TOUCHPOINTS, lambda d: d["touchpoints"].pop(0))
    assert result == "touchpoints:\n  # after a\n  - id: b\n    name: B\n"


def test_last_item_removed_keeps_the_comment_above_it() -> None:
    result = patched(TOUCHPOINTS, lambda d: d["touchpoints"].pop(1))
    assert result == "touchpoints:\n  - id: a\n    # about a\n    name: A  # the name\n  # after a\n"


def test_items_matched_by_id_are_edited_in_place() -> None:
    def change(d: Any) -> None:
        d["touchpoints"][0]["name"] = "A2"
        d["touchpoints"].insert(0, {"id": "new", "name": "New"})

    result = patched(TOUCHPOINTS, change)
    assert result == (
        "touchpoints:\n  - id: new\n    name: New\n  - id: a\n    # about a\n    name: A2  # the name\n"
        "  # after a\n  - id: b\n    name: B\n"
    )


def test_item_with_a_new_id_replaces_the_old_one() -> None:
    # The new item goes right after the item it follows; the comment above the old one stays.
    result = patched(TOUCHPOINTS, lambda d: d["touchpoints"].__setitem__(1, {"id": "c", "name": "C"}))
    assert result == (
        "touchpoints:\n  - id: a\n    # about a\n    name: A  # the name\n  - id: c\n    name: C\n"
        "  # after a\n"
    )


SPACED = "stages:\n  - id: a\n\n  - id: b\n\n  - id: c\n# end\n"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda s: s.insert(0, {"id": "x"}),
            "stages:\n  - id: x\n\n  - id: a\n\n  - id: b\n\n  - id: c\n# end\n",
        ),
        (
            lambda s: s.insert(1, {"id": "x"}),
            "stages:\n  - id: a\n\n  - id: x\n\n  - id: b\n\n  - id: c\n# end\n",
        ),
        (
            lambda s: s.append({"id": "x"}),
            "stages:\n  - id: a\n\n  - id: b\n\n  - id: c\n\n  - id: x\n# end\n",
        ),
        (lambda s: s.pop(1), "stages:\n  - id: a\n\n  - id: c\n# end\n"),
        (lambda s: s.pop(2), "stages:\n  - id: a\n\n  - id: b\n# end\n"),
        (lambda s: s.pop(0), "stages:\n  - id: b\n\n  - id: c\n# end\n"),
    ],
)
def test_items_set_apart_by_blank_lines(change: Callable[[list[Any]], Any], expected: str) -> None:
    assert patched(SPACED, lambda d: change(d["stages"])) == expected


def test_new_list_under_a_key_that_had_none() -> None:
    text = "stage:\n  id: s\n  actions:\n  thoughts:  # later\n  emotion: 1\n"
    result = patched(text, lambda d: d["stage"].update(actions=["one"], thoughts=["t"], pains=["p"]))
    assert result == (
        "stage:\n  id: s\n  actions:\n    - one\n  thoughts:  # later\n    - t\n"
        "  emotion: 1\n  pains:\n    - p\n"
    )


def test_scalar_becomes_a_mapping() -> None:
    text = "funnel: null  # none yet\nnext: 1\n"
    result = patched(text, lambda d: d.update(funnel={"visits": 10}))
    assert result == "funnel:  # none yet\n  visits: 10\nnext: 1\n"


def test_insertions_at_one_place_go_inner_first() -> None:
    # The end of the last source is the end of the evidence, of stage a and of the stages.
    text = "stages:\n  - id: a\n    evidence:\n      sources:\n        - x\nlast: 1\n"

    def change(d: Any) -> None:
        d["stages"][0]["evidence"]["sources"].append("y")
        d["stages"][0]["evidence"]["level"] = "data"
        d["stages"][0]["note"] = "text"
        d["stages"].append({"id": "b"})

    assert patched(text, change) == (
        'stages:\n  - id: a\n    evidence:\n      sources:\n        - x\n        - "y"\n'
        "      level: data\n    note: text\n  - id: b\nlast: 1\n"
    )


# --- flow collections -------------------------------------------------------------------------


def test_flow_list_is_rewritten_in_flow_style() -> None:
    text = "tags: [a, b]  # c\nnext: 1\n"
    result = patched(text, lambda d: d.update(tags=["a", "b, c", "[d]", "yes", 1]))
    assert result == 'tags: [a, "b, c", "[d]", "yes", 1]  # c\nnext: 1\n'


def test_flow_mapping_is_rewritten_in_flow_style() -> None:
    text = "m: {x: 1, w: 2}\nnext: 1\n"
    result = patched(text, lambda d: d.update(m={"x": 2, "v": "a,b", "l": ["{z}"]}))
    assert result == 'm: {x: 2, v: "a,b", l: ["{z}"]}\nnext: 1\n'
    assert patched(text, lambda d: d["m"].pop("w")) == "m: {x: 1}\nnext: 1\n"


def test_empty_flow_list_gets_items_in_flow_style() -> None:
    assert patched("thoughts: []\nnext: 1\n", lambda d: d.update(thoughts=["a: b"])) == (
        'thoughts: ["a: b"]\nnext: 1\n'
    )


def test_flow_list_in_a_block_list() -> None:
    text = "rows:\n  - [a, b]\n  - c\n"
    assert patched(text, lambda d: d["rows"][0].append("d")) == "rows:\n  - [a, b, d]\n  - c\n"


# --- line breaks, tabs, unicode ---------------------------------------------------------------


def test_crlf_line_breaks_are_kept_and_used_for_new_lines() -> None:
    text = "a: 1\r\nstage:\r\n  id: s\r\n  actions:\r\n    - one\r\n    - two\r\nlast: x\r\n"

    def change(d: Any) -> None:
        d["a"] = 2
        d["stage"]["actions"] = ["one", "new"]
        d["stage"]["kpis"] = [{"id": "k", "target": 0.5}]

    assert patched(text, change) == (
        "a: 2\r\nstage:\r\n  id: s\r\n  actions:\r\n    - one\r\n    - new\r\n"
        "  kpis:\r\n    - id: k\r\n      target: 0.5\r\nlast: x\r\n"
    )


def test_crlf_without_a_final_line_break() -> None:
    assert patched("a: 1\r\nb: 2", lambda d: d.update(c=3)) == "a: 1\r\nb: 2\r\nc: 3"


def test_tabs_in_comments() -> None:
    text = "#\tmap\twith tabs\t\nname: A #\tthe\tname\nitems:\n  # \tfirst\n  - one\n"
    result = patched(text, lambda d: d.update(name="B", items=["one", "two"]))
    assert result == "#\tmap\twith tabs\t\nname: B #\tthe\tname\nitems:\n  # \tfirst\n  - one\n  - two\n"


def test_tab_before_a_comment_is_refused_not_crashed() -> None:
    # The reader takes it; the composer the patch needs for marks does not.
    text = "name: A\t# the name\n"
    with pytest.raises(UnsupportedLayout):
        patch_text(text, read(text), {"name": "B"})


def test_unicode_text_and_offsets() -> None:
    text = "# Карта 🚪\nназвание: Привет 👋  # 😀\nшаги:\n  - 😀 улыбка\n  - два\n"

    def change(d: Any) -> None:
        d["название"] = "Пока 👨\u200d👩\u200d👧"
        d["шаги"][1] = "три: 3"
        d["шаги"].append("четыре 🎉")
        d["ещё"] = "ёж"

    assert patched(text, change) == (
        # zero-width joiners are written escaped, so a reviewer sees them
        '# Карта 🚪\nназвание: "Пока 👨\\u200d👩\\u200d👧"  # 😀\nшаги:\n  - 😀 улыбка\n'
        '  - "три: 3"\n  - четыре 🎉\nещё: ёж\n'
    )


def test_unchanged_values_return_the_text_as_is() -> None:
    text = "a: 'x'  # c\nb: [1, 2]\n"
    assert patch_text(text, read(text), read(text)) == text


def test_aliases_are_refused() -> None:
    text = "a: &x 1\nb: *x\n"
    with pytest.raises(UnsupportedLayout):
        patch_text(text, read(text), {"a": 2, "b": 1})


# --- comment preservation ---------------------------------------------------------------------

COMMENTED = """\
# A map
cjm: 1  # version
# stages follow
stages:
  # the first
  - id: a
    # the name
    name: A  # inline
    actions:
      # do
      - one  # first
      - two
    touchpoints:
      - id: t1
        # inside t1
        name: T1
      # after t1
      - id: t2
        name: T2  # t2
  # the second
  - id: b
    name: B
# the end
"""


@pytest.mark.parametrize(
    ("change", "gone"),
    [
        (lambda d: d["stages"][0].update(name="A2"), []),
        (lambda d: d["stages"][0]["actions"].append("three"), []),
        (lambda d: d["stages"][0]["actions"].pop(1), []),
        (lambda d: d["stages"][0].update(actions=[]), ["# do", "# first"]),
        (lambda d: d["stages"][0]["touchpoints"].pop(0), ["# inside t1"]),
        (lambda d: d["stages"][0]["touchpoints"].pop(1), ["# t2"]),
        (lambda d: d["stages"][0]["touchpoints"].insert(1, {"id": "t3", "name": "#3"}), []),
        (lambda d: d["stages"].insert(1, {"id": "c", "name": "C"}), []),
        (lambda d: d["stages"][1].update(emotion=-1), []),
        (lambda d: d["stages"][0].pop("touchpoints"), ["# inside t1", "# after t1", "# t2"]),
    ],
)
def test_comments_outside_removed_elements_are_kept_in_order(
    change: Callable[[Any], Any], gone: list[str]
) -> None:
    kept = [comment for comment in comment_texts(COMMENTED) if comment not in gone]
    assert len(kept) == len(comment_texts(COMMENTED)) - len(gone)
    assert comment_texts(patched(COMMENTED, change)) == kept


# --- random edits of the example maps ---------------------------------------------------------


class Example:
    """An example map's text and values (shown by its name in a failing case)."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        self.data: dict[str, Any] = read(text)
        root = compose(text)
        assert isinstance(root, MappingNode)
        self.root = root

    def __repr__(self) -> str:
        return f"Example({self.name!r})"

    @functools.cached_property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    @functools.cached_property
    def comments(self) -> list[tuple[int, str]]:
        return comments_by_line(self.text)

    def stage_node(self, index: int) -> MappingNode:
        stages = entry(self.root, "stages")
        assert isinstance(stages, SequenceNode)
        node = stages.value[index]
        assert isinstance(node, MappingNode)
        return node

    def stage_line(self, index: int) -> int:
        """0-based line of stage ``index``'s dash; past the last stage, the number of lines."""
        if index >= len(self.data["stages"]):
            return len(self.lines)
        return int(self.stage_node(index).start_mark.line)

    def item_lines(self, node: Node) -> range:
        """The lines of a block list item, from its dash to its last line of content."""
        first = int(node.start_mark.line)
        column = len(self.lines[first]) - len(self.lines[first].lstrip(" "))
        return range(first, last_content_line(self.lines, first, column) + 1)


def entry(node: Node, key: str) -> Node | None:
    assert isinstance(node, MappingNode)
    return next((value for k, value in node.value if isinstance(k, ScalarNode) and k.value == key), None)


def last_content_line(lines: list[str], first: int, column: int) -> int:
    """The last line (not blank, not a comment) of what opens on line ``first`` at ``column``:
    the lines after it that are blank, comments or indented further."""
    last = first
    for number in range(first + 1, len(lines)):
        line = lines[number].rstrip("\r")
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(stripped)
        if indent < column or (indent == column and not stripped.startswith("- ")):
            break
        if indent == column and lines[first][column:].lstrip().startswith("- "):
            break  # the next item of the same list
        last = number
    return last


def with_comments(text: str) -> str:
    """The text with a comment line before every list item and a comment after every plain number."""
    out: list[str] = []
    for number, line in enumerate(text.split("\n")):
        stripped = line.lstrip(" ")
        if stripped.startswith("- "):
            out.append(f"{' ' * (len(line) - len(stripped))}# item before line {number}")
        if re.fullmatch(r" *(- )?[a-z_]+: -?\d+(\.\d+)?", line):
            line += f"  # number on line {number}"
        out.append(line)
    return "\n".join(out)


def journey_texts() -> list[tuple[str, str]]:
    paths = sorted({*EXAMPLES.glob("*/journey*.yaml"), *EXAMPLES.rglob("*.yaml")})
    found: list[tuple[str, str]] = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if "stages" not in read(text):
            continue
        name = str(path.relative_to(EXAMPLES))
        found += [(name, text), (name + " +comments", with_comments(text))]
        found.append((name + " crlf", text.replace("\n", "\r\n")))
    return found


@functools.cache
def examples() -> list[Example]:
    found: list[Example] = []
    for name, text in journey_texts():
        found.append(Example(name, text))
    assert len({sample.name.split(" ")[0] for sample in found}) >= 5
    originals = {sample.name: sample.data for sample in found}
    for sample in found:  # the variants read as their originals
        assert same(sample.data, originals[sample.name.split(" ")[0]]), sample.name
    return found


printable_text = st.one_of(
    st.text(st.characters(exclude_categories=["C", "Zl", "Zp"]), max_size=40).filter(str.isprintable),
    st.sampled_from(
        ["yes", "a: b", "- x", "#1", " x ", "[a, b]", "Привет, мир", "👨\u200d👩\u200d👧", "12", ""]
    ),
)
integers = st.integers(min_value=-(10**9), max_value=10**9)
floats = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)


class Edit:
    """The new values, and what the edits touched in the original text: lines before ``prefix``
    and from ``suffix`` on stay byte for byte; ``gone`` lines may lose their comments (elements
    removed); ``line``, when one number changed and nothing else, is the only line that differs."""

    def __init__(self, new: dict[str, Any], lines: int) -> None:
        self.new = new
        self.prefix = lines
        self.suffix = 0
        self.gone: set[int] = set()
        self.line: int | None = None
        self.done: list[str] = []

    def __repr__(self) -> str:
        gone = sorted(self.gone)
        return f"Edit({', '.join(self.done)}; lines {self.prefix}-{self.suffix} edited, {gone} gone)"


def number_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in number_paths(item, (*path, key))]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in number_paths(item, (*path, index))]
    return [path] if isinstance(value, int | float) and not isinstance(value, bool) else []


def node_at(node: Node, path: tuple[Any, ...]) -> Node:
    for step in path:
        if isinstance(step, int):
            node = node.value[step]
        else:
            found = entry(node, step)
            assert found is not None
            node = found
    return node


def all_ids(value: Any) -> set[str]:
    if isinstance(value, dict):
        own = {value["id"]} if isinstance(value.get("id"), str) else set()
        return own.union(*(all_ids(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(all_ids(item) for item in value))
    return set()


OPERATIONS = [
    "number",
    "text",
    "add action",
    "remove action",
    "add touchpoint",
    "remove touchpoint",
    "add stage",
    "add key",
    "remove key",
    "append to the last list",
]


@st.composite
def random_edits(draw: st.DrawFn, sample: Example) -> Edit:
    """New values with 1-3 random edits of ``sample``'s stages, and what they touch in its text."""
    new = copy.deepcopy(sample.data)
    stages: list[dict[str, Any]] = new["stages"]
    count = len(stages)
    lines = len(sample.lines)
    edit = Edit(new, lines)
    fresh = (f"new-{n}" for n in range(1000) if f"new-{n}" not in all_ids(new))
    operations = sorted(
        draw(st.lists(st.sampled_from(OPERATIONS), min_size=1, max_size=3)),
        key=lambda name: name != "number",  # numbers first: their paths are into the original
    )
    one_number = operations == ["number"]
    emptied: dict[tuple[int, str], Node] = {}
    removed_keys: set[tuple[int, str]] = set()  # not added back: that would edit them in place

    def window(first: int, last: int) -> None:
        edit.prefix = min(edit.prefix, sample.stage_line(first))
        edit.suffix = max(edit.suffix, sample.stage_line(last + 1))

    for operation in operations:
        event(operation)
        index = draw(st.integers(min_value=0, max_value=count - 1))
        edit.done.append(f"{operation} (stage {index})")
        stage = next(s for s in stages if s["id"] == sample.data["stages"][index]["id"])
        stage_node = sample.stage_node(index)
        if operation == "number":
            path = draw(st.sampled_from(number_paths(sample.data)))
            target: Any = new
            for step in path[:-1]:
                target = target[step]
            # Of the same type: patch_text compares with ==, so 3 and 3.0 (or 1 and True) are equal to it.
            value = draw(integers if isinstance(target[path[-1]], int) else floats)
            if same(value, target[path[-1]]):
                continue
            target[path[-1]] = value
            line = int(node_at(sample.root, path).start_mark.line)
            edit.prefix = min(edit.prefix, line)
            edit.suffix = max(edit.suffix, line + 1)
            if one_number:
                edit.line = line
        elif operation == "text":
            stage[draw(st.sampled_from(["name", "customer_goal"]))] = draw(printable_text)
            window(index, index)
        elif operation == "add action" and (index, "actions") not in removed_keys:
            actions = stage.setdefault("actions", [])
            actions.insert(draw(st.integers(min_value=0, max_value=len(actions))), draw(printable_text))
            window(index, index)
        elif operation == "remove action" and stage.get("actions"):
            stage["actions"].pop(draw(st.integers(min_value=0, max_value=len(stage["actions"]) - 1)))
            emptied[(index, "actions")] = stage_node
            window(index, index)
        elif operation == "add touchpoint" and (index, "touchpoints") not in removed_keys:
            touchpoints = stage.setdefault("touchpoints", [])
            channels = [c["id"] for c in new.get("channels", [])] or ["email"]
            touchpoint = {
                "id": next(fresh),
                "name": draw(printable_text),
                "channel": draw(st.sampled_from(channels)),
            }
            if draw(st.booleans()):
                touchpoint["emotion"] = draw(st.integers(min_value=-2, max_value=2))
            touchpoints.insert(draw(st.integers(min_value=0, max_value=len(touchpoints))), touchpoint)
            window(index, index)
        elif operation == "remove touchpoint" and stage.get("touchpoints"):
            removed = stage["touchpoints"].pop(draw(st.integers(0, len(stage["touchpoints"]) - 1)))
            items = entry(stage_node, "touchpoints")
            for item in items.value if isinstance(items, SequenceNode) else []:
                if entry(item, "id").value == removed["id"]:  # type: ignore[union-attr]
                    edit.gone.update(sample.item_lines(item))
            emptied[(index, "touchpoints")] = stage_node
            window(index, index)
        elif operation == "add stage":
            at = draw(st.integers(min_value=0, max_value=len(stages)))
            neighbour = stages[at - 1] if at > 0 else stages[0]
            original = next(
                (i for i, s in enumerate(sample.data["stages"]) if s["id"] == neighbour["id"]), None
            )
            if original is None:
                continue  # next to a stage added by an earlier edit: placed by the first one
            stages.insert(
                at,
                {
                    "id": next(fresh),
                    "name": draw(printable_text),
                    "actions": draw(st.lists(printable_text, min_size=1, max_size=3)),
                    "touchpoints": [{"id": next(fresh), "name": draw(printable_text), "channel": "email"}],
                    "emotion": draw(st.integers(min_value=-2, max_value=2)),
                },
            )
            window(original, original)
        elif operation == "add key":
            value = draw(st.one_of(printable_text, st.lists(printable_text, min_size=1, max_size=3)))
            stage[draw(st.sampled_from(["note", "notes"]))] = value
            window(index, index)
        elif operation == "remove key":
            names = [k.value for k, _ in stage_node.value[1:] if k.value in stage]  # not the first one
            if names:
                name = draw(st.sampled_from(names))
                del stage[name]
                removed_keys.add((index, name))
                key_node = next(k for k, _ in stage_node.value if k.value == name)
                first = int(key_node.start_mark.line)
                column = int(key_node.start_mark.column)
                edit.gone.update(range(first, last_content_line(sample.lines, first, column) + 1))
                window(index, index)
        elif operation == "append to the last list":
            # The list that ends the stage's text (evidence: sources: in the examples), then
            # maybe a key after all of it: two insertions at one place, the inner one first.
            last: Any = stage
            while isinstance(last, dict) and last:
                last = last[list(last)[-1]]
            if isinstance(last, list) and last:
                if isinstance(last[-1], dict) and "id" in last[-1]:
                    last.append({**copy.deepcopy(last[-1]), "id": next(fresh)})
                else:
                    last.append(draw(printable_text))
                if draw(st.booleans()):
                    stage["note"] = draw(printable_text)
                window(index, index)
    for (index, key), stage_node in emptied.items():
        stage = next(s for s in stages if s["id"] == sample.data["stages"][index]["id"])
        key_node = next((k for k, _ in stage_node.value if k.value == key), None)
        if key_node is not None and stage.get(key) == []:  # the list is written `[]`: all its lines go
            event(f"{key} emptied")
            first = int(key_node.start_mark.line)
            column = int(key_node.start_mark.column)
            edit.gone.update(range(first + 1, last_content_line(sample.lines, first, column) + 1))
    return edit


def comments_by_line(text: str) -> list[tuple[int, str]]:
    """The comments of a text with their 0-based lines (each comment text found on its line)."""
    lines = text.split("\n")
    found: list[tuple[int, str]] = []
    number = 0
    for comment in comment_texts(text):
        while comment not in lines[number]:
            number += 1
        found.append((number, comment))
        number += 1  # one comment a line
    return found


@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],  # no slow "explain"
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
@given(st.data())
def test_random_edits_of_the_examples(data: st.DataObject) -> None:
    sample = data.draw(st.sampled_from(examples()), label="sample")
    edit = data.draw(random_edits(sample), label="edit")
    new = edit.new
    old = sample.data
    text = sample.text

    result = patch_text(text, old, new)  # an ordinary block-style edit: no UnsupportedLayout
    assert same(read(result), new)

    before, after = sample.lines, result.split("\n")
    assert after[: edit.prefix] == before[: edit.prefix]
    kept = len(before) - edit.suffix
    if kept:
        assert after[len(after) - kept :] == before[len(before) - kept :]
    if edit.line is not None:
        assert len(after) == len(before)
        assert [n for n, (a, b) in enumerate(zip(before, after, strict=True)) if a != b] == [edit.line]

    expected = [comment for line, comment in sample.comments if line not in edit.gone]
    event("comments removed" if len(expected) < len(sample.comments) else "no comment removed")
    assert comment_texts(result) == expected

    back = patch_text(result, new, old)
    assert same(read(back), old)
    if not edit.gone:
        assert comment_texts(back) == [comment for _, comment in sample.comments]


def test_example_variants_are_read() -> None:
    names = [sample.name for sample in examples()]
    assert any(name.endswith("+comments") for name in names)
    assert any(name.endswith("crlf") for name in names)
    assert "email-shop/journey.yaml" in names


# --- emit -------------------------------------------------------------------------------------


def reads_back(text: str) -> Any:
    """The values of ``text`` by the fast loader, checked against the reference (compose) path."""
    fast = parse_yaml(text)
    reference = parse_yaml(text, fast=False)
    assert fast is not None and reference is not None
    assert same(fast.data, reference.data)
    return fast.data


emit_settings = settings(max_examples=300, deadline=None, derandomize=True, database=None)


@emit_settings
@given(st.text())
@example("<<")
@example("\ufeffa")
@example("a\u2028b\x85c")
@example("\x00\x1b[2J")
@example("- x")
@example("? x")
@example(": x")
@example("x:")
@example("%YAML")
@example("@x")
@example("`x")
@example("!x")
@example("&x")
@example("*x")
@example("0x1F")
@example("+1")
@example(".inf")
@example("1_000")
@example("1:20")
@example("=")
@example("NULL")
@example("On")
@example("---")
@example("...")
def test_scalar_text_reads_back(value: str) -> None:
    assert same(reads_back(f"k: {scalar(value)}\n"), {"k": value})
    assert same(reads_back(f"{scalar(value)}: 1\n"), {value: 1})
    assert same(reads_back(f"k: [{scalar(value, flow=True)}, x]\n"), {"k": [value, "x"]})
    assert same(reads_back(f"k: {{{scalar(value, flow=True)}: 1}}\n"), {"k": {value: 1}})
    assert "\n" not in scalar(value) and "\r" not in scalar(value)


@emit_settings
@given(
    st.one_of(
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.dates(),
        st.booleans(),
        st.none(),
    )
)
@example(1e16)
@example(-0.0)
@example(5e-324)
@example(1.0)
def test_scalar_values_read_back(value: Any) -> None:
    assert same(reads_back(f"k: {scalar(value)}\n"), {"k": value})


def test_scalar_refuses_what_a_map_cannot_hold() -> None:
    with pytest.raises(ValueError):
        scalar(float("nan"))
    with pytest.raises(TypeError):
        scalar(object())


scalars = st.one_of(
    st.text(),
    st.sampled_from(["a, b", "[x]", "{y: 1}", "a: b", "x,", "]", "}", "<<", "#", "yes"]),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.dates(),
)
nested = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@emit_settings
@given(nested)
def test_flow_reads_back(value: Any) -> None:
    written = flow(value)
    assert "\n" not in written
    assert same(reads_back(f"k: {written}\n"), {"k": value})
    assert same(reads_back(f"- {written}\n"), [value])


@emit_settings
@given(st.dictionaries(st.text(max_size=8), nested, min_size=1, max_size=4), st.lists(st.text(max_size=20)))
def test_block_and_dump_yaml_read_back(document: dict[str, Any], comments: list[str]) -> None:
    assert same(reads_back("\n".join(block(document, 0)) + "\n"), document)
    nested_text = "top:\n" + "\n".join(block(document, 2)) + "\n"
    assert same(reads_back(nested_text), {"top": document})
    dumped = dump_yaml(document, comments)
    assert same(reads_back(dumped), document)
    assert len(comment_texts(dumped)) >= len(comments)


def test_block_layout() -> None:
    document = {"id": "a", "list": ["x", {"k": "v", "l": [1, []]}, []], "map": {"n": {}}, "e": []}
    assert block(document, 0) == [
        "id: a",
        "list:",
        "  - x",
        "  - k: v",
        "    l:",
        "      - 1",
        "      - []",
        "  - []",
        "map:",
        '  "n": {}',
        "e: []",
    ]
    assert dump_yaml({"a": 1}, ["first\nline", "\x1bsecond"]) == "# first line\n#  second\na: 1\n"
