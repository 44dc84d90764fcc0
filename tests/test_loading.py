"""The YAML loader: values, positions, and the fast (libyaml) and pure parsers agreeing."""

from __future__ import annotations

import time

import pytest
from ruamel.yaml import YAML

from cjmkit.loading.yaml_source import YamlProblems, _Builder, decode, parse_yaml
from conftest import EXAMPLES, example_files


def test_folded_and_literal_scalars_keep_their_text() -> None:
    document = parse_yaml("a: >-\n  one\n  two\nb: |\n  x\n  y\n")
    assert document is not None
    assert document.data == {"a": "one two", "b": "x\ny\n"}


def test_every_duplicate_key_is_reported() -> None:
    with pytest.raises(YamlProblems) as raised:
        parse_yaml("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n")
    assert [(p.line, p.column, p.code.code, p.path) for p in raised.value.problems] == [
        (4, 3, "V002", ("b", "c")),
        (5, 1, "V002", ("a",)),
    ]


def test_merge_keys_and_aliases_resolve() -> None:
    document = parse_yaml("base: &b {x: 1, y: 2}\nitem:\n  <<: *b\n  y: 3\n")
    assert document is not None
    assert document.data["item"] == {"x": 1, "y": 3}


def test_byte_order_mark_is_accepted() -> None:
    assert decode(b"\xef\xbb\xbfcjm: 1\n") == "cjm: 1\n"


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    start = time.perf_counter()
    with pytest.raises(YamlProblems) as raised:
        parse_yaml("\n".join(lines) + "\n")
    assert raised.value.problems[0].code.name == "too-complex"
    assert time.perf_counter() - start < 5


def test_unsupported_tags_are_errors_not_objects() -> None:
    with pytest.raises(YamlProblems) as raised:
        parse_yaml("a: !!python/object:os.system echo\nb: !!binary aGk=\n")
    assert [p.code.name for p in raised.value.problems] == ["wrong-type", "wrong-type"]


@pytest.mark.parametrize("path", example_files(), ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_fast_and_pure_parsers_give_the_same_values_and_positions(path: object) -> None:
    text = path.read_text(encoding="utf-8")  # type: ignore[attr-defined]
    built = []
    for parser in (YAML(typ="safe", pure=False), YAML(typ="safe", pure=True)):
        builder = _Builder()
        data = builder.build(parser.compose(text), (), 0)
        built.append((data, builder.source_map.values, builder.source_map.keys))
    assert built[0] == built[1]
