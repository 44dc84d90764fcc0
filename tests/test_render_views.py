"""What templates get: frozen views of plain values, never the map's models; labels for every locale."""

from __future__ import annotations

import dataclasses
import pathlib
import re
from collections.abc import Iterator, Mapping
from typing import Any

import pydantic
import pytest

from cjmkit.analysis import analyse, selected_rules
from cjmkit.locales import LOCALES
from cjmkit.models.base import PHASE_ORDER
from cjmkit.project import load_project
from cjmkit.renderers import context
from cjmkit.renderers.context import Brand, JourneyView, journey_view
from cjmkit.renderers.i18n import PHASES, Locale
from conftest import EXAMPLES, FIXTURES

RENDERERS = pathlib.Path(context.__file__).parent
#: Every view class: the dataclasses that context.py defines.
VIEW_CLASSES = [
    value
    for value in vars(context).values()
    if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == context.__name__
]


def views() -> list[JourneyView]:
    project = load_project([EXAMPLES, FIXTURES / "hostile" / "journey.yaml"], whole_workspaces=True)
    analysis = analyse(project, selected_rules([], []))
    return [
        journey_view(document, project.workspace_for(document), analysis, Brand())
        for document in project.journeys
        if document.journey is not None and not document.diagnostics
    ]


@pytest.fixture(scope="module")
def all_views() -> list[JourneyView]:
    found = views()
    assert len(found) == 8  # seven examples (one a future map) and the hostile map
    return found


def reachable(value: Any, path: str = "view") -> Iterator[tuple[str, Any]]:
    """Every object reachable from ``value`` through fields, attributes, mappings and sequences."""
    seen: set[int] = set()
    stack = [(path, value)]
    while stack:
        path, value = stack.pop()
        if id(value) in seen or isinstance(value, (str, bytes, int, float, type(None))):
            continue
        seen.add(id(value))
        yield path, value
        if dataclasses.is_dataclass(value):
            stack += [(f"{path}.{f.name}", getattr(value, f.name)) for f in dataclasses.fields(value)]
        elif isinstance(value, Mapping):
            stack += [(f"{path}[{key!r}]", item) for key, item in value.items()]
        elif isinstance(value, (list, tuple, set, frozenset)):
            stack += [(f"{path}[{i}]", item) for i, item in enumerate(value)]
        elif hasattr(value, "__dict__"):
            stack += [(f"{path}.{name}", item) for name, item in vars(value).items()]


def test_views_hold_no_pydantic_model(all_views: list[JourneyView]) -> None:
    for view in all_views:
        models = [path for path, value in reachable(view) if isinstance(value, pydantic.BaseModel)]
        assert models == [], view.id


def test_every_view_class_is_frozen_and_keeps_sequences_as_tuples(all_views: list[JourneyView]) -> None:
    assert {"JourneyView", "StageView", "PersonaView", "SegmentView", "EmotionCurve"} <= {
        cls.__name__ for cls in VIEW_CLASSES
    }
    for cls in VIEW_CLASSES:
        assert cls.__dataclass_params__.frozen, cls.__name__  # type: ignore[attr-defined]
    for view in all_views:
        for path, value in reachable(view):
            if type(value) in VIEW_CLASSES:
                for field in dataclasses.fields(value):
                    assert not isinstance(getattr(value, field.name), (list, dict)), f"{path}.{field.name}"


def test_assigning_to_a_view_raises(all_views: list[JourneyView]) -> None:
    view = next(v for v in all_views if v.persona and v.segment)
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.title = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.stages[0].name = "changed"  # type: ignore[misc]
    assert view.persona is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.persona.name = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        view.labels["stage"] = "changed"  # type: ignore[index]
    with pytest.raises(TypeError):
        view.export["journey"] = {}  # type: ignore[index]


def test_no_template_or_renderer_reads_the_raw_model() -> None:
    sources = [*RENDERERS.glob("templates/*.j2"), RENDERERS / "dot.py", RENDERERS / "data.py"]
    assert len(sources) >= 6
    for source in sources:
        text = source.read_text(encoding="utf-8")
        assert not re.search(r"\b(view|v)\.journey\b", text), source.name


def test_every_locale_has_every_label_and_phase() -> None:
    """Labels are English msgids; every other locale translates each (the catalogue test checks
    the catalogue, this one what a view gets)."""
    assert list(PHASES) == list(PHASE_ORDER)
    english = Locale("en")
    for code in LOCALES:
        locale = Locale(code)
        assert set(locale.labels) == set(english.labels) and all(locale.labels.values()), code
        if code != "en":
            same = [
                k for k, v in locale.labels.items() if v == english.labels[k] and k not in ("kpis", "kpi")
            ]
            assert same == [], code
            assert all(locale.phases[p] != english.phases[p] for p in PHASE_ORDER), code
