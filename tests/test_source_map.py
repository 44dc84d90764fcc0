"""The packed source map that a workspace-wide analysis keeps answers exactly as the full one."""

from __future__ import annotations

import pathlib
import random
import sys

import pytest

from cjmkit.loading.yaml_source import PackedSourceMap, SourceMap, YamlPath, parse_yaml
from test_loading_fast import _text, _yaml_files
from test_mutations import mutate

FILES = [path for path in _yaml_files() if path.suffix in (".yaml", ".yml")]


def probes(source: SourceMap) -> list[YamlPath]:
    """Every path of the document, and paths beside and below them that do not exist."""
    paths = set(source.values) | set(source.keys)
    for path in list(paths):
        paths |= {(*path, "no-such-key"), (*path, 99), (*path, 0, "name"), (*path[:-1], "zzz")}
    paths |= {("stages", -1), ("stages", "0"), ()}
    return sorted(paths, key=repr)


def assert_same(text: str) -> None:
    try:
        parsed = parse_yaml(text)
    except Exception:  # problems: nothing is kept for analysis
        return
    if parsed is None:
        return
    full = parsed.source_map
    packed = PackedSourceMap(full)
    for path in probes(full):
        assert packed.value(path) == full.value(path), path
        assert packed.key(path) == full.key(path), path


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_every_file_answers_the_same(path: pathlib.Path) -> None:
    assert_same(_text(path))


def test_mangled_maps_answer_the_same() -> None:
    rng = random.Random(8)
    for path in FILES[:: max(1, len(FILES) // 12)]:
        text = _text(path)
        for _ in range(10):
            assert_same(mutate(text, rng))


def test_it_is_smaller() -> None:
    text = _text(next(path for path in FILES if path.name == "journey.yaml"))
    parsed = parse_yaml(text)
    assert parsed is not None
    full, packed = parsed.source_map, PackedSourceMap(parsed.source_map)

    def size(value: object, seen: set[int]) -> int:
        if id(value) in seen:
            return 0
        seen.add(id(value))
        total = sys.getsizeof(value)
        if isinstance(value, dict):
            total += sum(size(k, seen) + size(v, seen) for k, v in value.items())
        elif isinstance(value, tuple | list):
            total += sum(size(item, seen) for item in value)
        return total

    full_size = size(full.values, set()) + size(full.keys, set())
    packed_size = size(packed._containers, set()) + sys.getsizeof(packed._positions)
    assert packed_size * 2 < full_size
