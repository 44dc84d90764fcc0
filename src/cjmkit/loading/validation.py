"""Pydantic validation with every error turned into a located Diagnostic."""

from __future__ import annotations

import difflib
import re
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from cjmkit import codes
from cjmkit.codes import Code
from cjmkit.diagnostics import format_path
from cjmkit.loading.yaml_source import COLON_IN_TEXT, Positions, Problem, YamlPath
from cjmkit.models.base import MAX_MAGNITUDE, SLUG_PATTERN
from cjmkit.models.journey import UNION_TAGS

M = TypeVar("M", bound=BaseModel)

_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}
_BOUNDS = {
    "greater_than_equal": ("ge", ">="),
    "greater_than": ("gt", ">"),
    "less_than_equal": ("le", "<="),
    "less_than": ("lt", "<"),
}


def describe_value(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


def _flatten(annotation: Any) -> list[Any]:
    """Leaf types of an annotation: unwraps Annotated, Optional and unions."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _flatten(typing.get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        return [leaf for arg in typing.get_args(annotation) for leaf in _flatten(arg)]
    return [annotation]


def _is_model(candidate: Any) -> bool:
    return isinstance(candidate, type) and issubclass(candidate, BaseModel)


def models_at(root: type[BaseModel], loc: YamlPath) -> list[type[BaseModel]]:
    """The model classes that describe the mapping at ``loc``."""
    current: list[Any] = [root]
    for part in loc:
        following: list[Any] = []
        for leaf in (leaf for annotation in current for leaf in _flatten(annotation)):
            origin = typing.get_origin(leaf)
            if isinstance(part, str) and _is_model(leaf) and part in leaf.model_fields:
                following.append(leaf.model_fields[part].annotation)
            elif isinstance(part, int) and origin is list:
                following.append(typing.get_args(leaf)[0])
            elif isinstance(part, str) and origin is dict:
                following.append(typing.get_args(leaf)[1])
        current = following
    return [leaf for annotation in current for leaf in _flatten(annotation) if _is_model(leaf)]


def did_you_mean(word: str, choices: list[str]) -> str:
    match = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not match:
        lowered = {choice.lower(): choice for choice in choices}
        if word.lower() in lowered:
            match = [lowered[word.lower()]]
    return f" (did you mean {match[0]!r}?)" if match else ""


def _clean_loc(loc: tuple[Any, ...]) -> YamlPath:
    cleaned: list[str | int] = []
    for index, part in enumerate(loc):
        if index and loc[index - 1] == "persona" and part in UNION_TAGS:
            continue
        cleaned.append(part)
    return tuple(cleaned)


def _slug_hint(value: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
    return f" (e.g. {slug!r})" if slug else ""


def _beyond_bound(kind: str, value: Any, ctx: dict[str, Any]) -> bool:
    """Whether the error is a number beyond ±MAX_MAGNITUDE, the bound of every number of
    the format (a float field reports an integer too large for a float as a type error)."""
    if kind == "float_type":
        return type(value) is int and abs(value) > MAX_MAGNITUDE
    if kind in ("less_than_equal", "greater_than_equal"):
        limit = ctx.get("le", ctx.get("ge"))
        return isinstance(limit, int | float) and abs(limit) == MAX_MAGNITUDE
    return False


def _too_large(field: str, value: Any) -> str:
    written = str(value)
    if len(written) > 24:
        written = f"a number of {len(written.lstrip('-'))} digits"
    return (
        f"{field or 'value'} is too large: numbers in a map are at most 10^15"
        f" (1,000,000,000,000,000) either side of 0, got {written}"
    )


def _read_as_mapping(value: Any) -> bool:
    """Whether ``value`` is how YAML reads an unquoted text holding ': ' ("Note: this is
    it" is the mapping {"Note": "this is it"}): one text key, and a value that is neither
    empty nor a list or mapping."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    [(key, item)] = value.items()
    return isinstance(key, str) and item is not None and not isinstance(item, dict | list)


def _translate(root: type[BaseModel], error: Any, source_map: Positions) -> Problem:
    kind: str = error["type"]
    loc = _clean_loc(error["loc"])
    value = error.get("input")
    ctx = error.get("ctx") or {}
    field = str(loc[-1]) if loc and isinstance(loc[-1], str) else ""
    where = source_map.value(loc)
    if loc and loc[-1] == "[key]":  # a mapping key of the wrong kind: point at the key itself
        loc = loc[:-1]
        field = f"a key of {loc[-2]}" if len(loc) > 1 else "a key"
        where = source_map.key(loc)
    code: Code = codes.INVALID_VALUE
    message = error["msg"]

    if kind == "extra_forbidden":
        allowed = sorted({name for model in models_at(root, loc[:-1]) for name in model.model_fields})
        hint = did_you_mean(field, allowed)
        if not hint and allowed:
            hint = f" (allowed here: {', '.join(allowed)})"
        code, message, where = (
            codes.UNKNOWN_KEY,
            f"unknown key {field!r}{hint}",
            source_map.key(loc),
        )
    elif kind == "missing":
        code, message = codes.MISSING_KEY, f"missing required key {field!r}"
        where = source_map.value(loc[:-1])
    elif _beyond_bound(kind, value, ctx):
        code, message = codes.OUT_OF_RANGE, _too_large(field, value)
    elif kind in _EXPECTED:
        code = codes.WRONG_TYPE
        message = f"expected {_EXPECTED[kind]}, got {describe_value(value)}"
        if kind == "string_type" and isinstance(value, int | float | bool):
            message += "; put it in quotes to use it as text"
        if kind == "string_type" and _read_as_mapping(value):
            message = COLON_IN_TEXT
        if kind == "int_from_float":
            message = f"expected a whole number, got {value}"
    elif kind == "string_pattern_mismatch":
        if ctx.get("pattern") == SLUG_PATTERN:
            code = codes.INVALID_ID
            message = (
                f"{value!r} is not a valid id: use lowercase letters, digits and hyphens"
                f"{_slug_hint(str(value))}"
            )
        elif field == "currency":
            message = f"{value!r} is not a currency code: use three capital letters, e.g. 'EUR'"
    elif kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        hint = did_you_mean(str(value), choices) if isinstance(value, str) else ""
        message = (
            f"{value!r} is not allowed for {field or 'this value'}: use one of {', '.join(choices)}{hint}"
        )
        if not isinstance(value, str):
            message = f"expected one of {', '.join(choices)}, got {describe_value(value)}"
    elif kind in _BOUNDS:
        key, symbol = _BOUNDS[kind]
        code = codes.OUT_OF_RANGE
        message = f"{field or 'value'} must be {symbol} {ctx.get(key)}, got {value}"
        if field == "emotion":
            message = f"emotion must be a whole number from -2 to 2, got {value}"
    elif kind == "finite_number":
        code = codes.OUT_OF_RANGE
        message = f"{field or 'value'} must be a finite number, got {value}"
    elif kind == "too_short":
        if isinstance(value, str):
            message = f"{field or 'text'} must not be empty"
        else:
            code = codes.OUT_OF_RANGE
            message = f"{field or 'list'} needs at least {ctx.get('min_length', 1)} item(s)"
    elif kind.startswith("date"):
        message = f"{value!r} is not a date: write it as YYYY-MM-DD"
    return Problem(where[0], where[1], code, message, loc)


def validate_model(model: type[M], data: Any, source_map: Positions) -> tuple[M | None, list[Problem]]:
    """Validate ``data`` against ``model``; every error located in the source."""
    try:
        return model.model_validate(data), []
    except ValidationError as error:
        problems = [_translate(model, item, source_map) for item in error.errors(include_url=False)]
        return None, problems


__all__ = ["describe_value", "did_you_mean", "format_path", "models_at", "validate_model"]
