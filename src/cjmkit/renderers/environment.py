"""The one Jinja environment factory: sandboxed, strict, autoescaped for HTML.

The built-in templates alone run unsandboxed (three times faster on large maps). With a
user folder (``--templates``), a client's repository supplies code that runs on the
consultant's machine, so every template, built-in ones included, runs in TemplateSandbox:

- it sees plain data only: the view is copied into dicts (Record), tuples, strings,
  numbers, booleans, None and dates, plus the few formatting functions the built-in
  templates call (``view.locale.number``, ``view.curve.level``) wrapped as Function. No
  dataclass, model, class or module is reachable, whatever is added to the views later
  (an unknown type stops the copy);
- attributes are a whitelist: keys of a Record, read-only methods of strings and
  mappings, the loop variable; nothing starting with ``_``; only whitelisted callables run;
- what can blow up time or memory is bounded: ``range``, ``*``, ``**``, ``%`` and the
  width arguments of a few filters; ``lipsum`` is gone;
- templates are read only from inside the folder: a symlink out of it, a FIFO or a
  device stops the run.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import functools
import os
import pathlib
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NoReturn

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.nodes import Concat
from jinja2.runtime import BlockReference, LoopContext, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Cycler, Joiner, Namespace

from cjmkit.loading.bounded import FileTooLarge, NotRegularFile, read_bounded
from cjmkit.renderers import filters

BUILTIN = pathlib.Path(__file__).parent / "templates"

#: Longest loop, repeated string or formatted width a user template may ask for.
MAX_RANGE = 10_000
MAX_TEXT = 1_000_000
MAX_WIDTH = 10_000
MAX_TEMPLATE_BYTES = 1024 * 1024
#: Loop iterations one rendered file may take: nested loops over the stages cannot run for hours.
MAX_ITERATIONS = 1_000_000
#: Characters one rendered file may have (the HTML of a 300-stage map has 1.7 million).
MAX_OUTPUT = 100_000_000

STR_METHODS = frozenset({
    "capitalize", "casefold", "count", "endswith", "find", "isalnum", "isalpha", "isdigit",
    "islower", "isspace", "istitle", "isupper", "lower", "lstrip", "partition", "rfind",
    "rpartition", "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "title", "upper",
})  # fmt: skip
MAPPING_METHODS = frozenset({"get", "items", "keys", "values"})
LOOP_ATTRIBUTES = frozenset({
    "index", "index0", "revindex", "revindex0", "first", "last", "length", "depth", "depth0",
    "previtem", "nextitem", "cycle", "changed",
})  # fmt: skip
DATE_ATTRIBUTES = frozenset({"year", "month", "day", "isoformat", "weekday", "isoweekday"})
CYCLER_ATTRIBUTES = frozenset({"current", "next", "reset"})


class Record(dict[str, Any]):
    """A view object or mapping copied for a user template: keys read as attributes too."""

    __slots__ = ()


class Function:
    """A formatting function a user template may call: plain values in, plain values out."""

    __slots__ = ("_function",)

    def __init__(self, function: Callable[..., Any]) -> None:
        self._function = function

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        for argument in (*args, *kwargs.values()):
            if not isinstance(argument, str | int | float | datetime.date | None):
                raise SecurityError(f"cannot pass a {type(argument).__name__} to a formatting function")
        return plain(self._function(*args, **kwargs))

    def __repr__(self) -> str:
        return "<function>"


def _digits(digits: int) -> int:
    if not isinstance(digits, int) or not 0 <= digits <= 12:
        raise SecurityError("digits: give a whole number from 0 to 12")
    return digits


def _locale_record(locale: Any) -> Record:
    return Record(
        code=locale.code,
        labels=plain(locale.labels),
        phases=plain(locale.phases),
        number=Function(lambda value, digits=2: locale.number(value, _digits(digits))),
        percent=Function(lambda ratio, digits=1: locale.percent(ratio, _digits(digits))),
        money=Function(lambda value, currency="": locale.money(value, str(currency))),
        date=Function(lambda value: locale.date(value)),
        duration=Function(lambda seconds: locale.duration(seconds)),
    )


def _curve_record(curve: Any) -> Record:
    record = _fields(curve)
    record["path"] = curve.path
    record["touchpoint_path"] = curve.touchpoint_path
    record["level"] = Function(lambda emotion: curve.level(float(emotion)))
    return record


def _palette_record(palette: Any) -> Record:
    record = _fields(palette)
    record["nearest"] = Function(lambda value: palette.nearest(float(value)))
    return record


def _fields(value: Any) -> Record:
    return Record({f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)})


def _special() -> dict[type, Callable[[Any], Record]]:
    from cjmkit.renderers.context import EmotionCurve, Palette
    from cjmkit.renderers.i18n import Locale

    return {Locale: _locale_record, EmotionCurve: _curve_record, Palette: _palette_record}


def plain(value: Any) -> Any:
    """``value`` as data a user template may hold: Record, tuple, str, int, float, bool, None, date.

    Anything else is refused rather than passed on: a new kind of object in the views must
    be added here on purpose, with what of it templates may see.
    """
    if value is None or type(value) in (str, int, float, bool, datetime.date):
        return value
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, str):  # str subclasses (Markup) as plain text
        return str(value)
    if isinstance(value, Mapping):
        return Record({str(key): plain(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(plain(item) for item in value)
    convert = _special().get(type(value))
    if convert is not None:
        return convert(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _fields(value)
    raise TypeError(f"a {type(value).__name__} cannot be shown to a user template")


def bounded_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise SecurityError(
            f"range() of {len(numbers)} numbers: templates may loop at most {MAX_RANGE} times"
        )
    return numbers


_PRINTF_SIZE = re.compile(r"%[^a-zA-Z%]*(\*|\d{5,})")


def _check_printf(template: object) -> None:
    if isinstance(template, str) and _PRINTF_SIZE.search(template):
        raise SecurityError(f"format widths are limited to {MAX_WIDTH - 1} and cannot come from arguments")


def _bounded_filter(name: str, filter_function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(filter_function)  # keeps Jinja's pass_environment marker
    def bounded(*args: Any, **kwargs: Any) -> Any:
        for argument in (*args, *kwargs.values()):
            if isinstance(argument, int) and not isinstance(argument, bool) and abs(argument) > MAX_WIDTH:
                raise SecurityError(f"|{name}: sizes are limited to {MAX_WIDTH}")
        return filter_function(*args, **kwargs)

    return bounded


def bounded_text(text: Any) -> Any:
    """A ``~`` concatenation's result, refused past MAX_TEXT: doubling a string in a loop."""
    if len(text) > MAX_TEXT:
        raise SecurityError(f"~ gives more than {MAX_TEXT} characters")
    return text


def _replace_filter(replace: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(replace)  # keeps Jinja's pass_eval_context marker
    def bounded(eval_ctx: Any, value: Any, old: Any, new: Any, count: int | None = None) -> Any:
        text, old_text, new_text = str(value), str(old), str(new)
        hits = text.count(old_text) if old_text else len(text) + 1
        if len(text) + hits * len(new_text) > MAX_TEXT:
            raise SecurityError(f"|replace gives more than {MAX_TEXT} characters")
        return replace(eval_ctx, value, old, new, count)

    return bounded


def _join_filter(join: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(join)
    def bounded(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> Any:
        result = join(eval_ctx, value, d, attribute)
        if len(result) > MAX_TEXT:
            raise SecurityError(f"|join gives more than {MAX_TEXT} characters")
        return result

    return bounded


class _BoundedCodeGenerator(CodeGenerator):
    def visit_Concat(self, node: Concat, frame: Frame) -> None:
        self.write("environment.bounded_text(")
        super().visit_Concat(node, frame)
        self.write(")")


def _format_filter(value: Any, *args: Any, **kwargs: Any) -> str:
    _check_printf(value)
    result: str = jinja2.filters.do_format(value, *args, **kwargs)
    return result


class TemplateSandbox(ImmutableSandboxedEnvironment):
    """The environment of user templates: plain data, whitelisted attributes and calls, bounded sizes."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    code_generator_class = _BoundedCodeGenerator
    bounded_text = staticmethod(bounded_text)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals.clear()
        self.globals.update(range=bounded_range, dict=dict, cycler=Cycler, joiner=Joiner, namespace=Namespace)
        self._callables = frozenset({bounded_range, dict, Cycler, Joiner, Namespace})
        for name in ("center", "indent", "wordwrap", "truncate", "slice", "batch"):
            self.filters[name] = _bounded_filter(name, self.filters[name])
        self.filters["format"] = _format_filter
        self.filters["replace"] = _replace_filter(self.filters["replace"])
        self.filters["join"] = _join_filter(self.filters["join"])
        self.concat = self._bounded_concat  # type: ignore[method-assign]
        self._iterations = 0
        self._exposed: dict[int, tuple[object, object]] = {}

    def _bounded_concat(self, pieces: Iterable[str]) -> str:
        """The rendered text, stopped once it passes MAX_OUTPUT characters (each render starts
        a new count of loop iterations)."""
        self._iterations = 0
        kept, size = [], 0
        for piece in pieces:
            size += len(piece)
            if size > MAX_OUTPUT:
                raise SecurityError(f"the template writes more than {MAX_OUTPUT} characters")
            kept.append(piece)
        return "".join(kept)

    def _generate(
        self, source: nodes.Template, name: str | None, filename: str | None, defer_init: bool = False
    ) -> str:
        # Every `{% for %}` iterates through `counted`, which stops the render after MAX_ITERATIONS.
        for loop in source.find_all(nodes.For):
            counter = nodes.EnvironmentAttribute("counted", lineno=loop.lineno)
            loop.iter = nodes.Call(counter, [loop.iter], [], None, None, lineno=loop.lineno)
        generated: str = super()._generate(source, name, filename, defer_init)
        return generated

    def counted(self, iterable: Iterable[Any]) -> Iterator[Any]:
        for item in iterable:
            self._iterations += 1
            if self._iterations > MAX_ITERATIONS:
                raise SecurityError(f"the template loops more than {MAX_ITERATIONS} times")
            yield item

    def expose(self, value: object) -> object:
        """``value`` as plain data, copied once per object (the index shows every view again)."""
        if isinstance(value, list | tuple):
            return tuple(self.expose(item) for item in value)
        cached = self._exposed.get(id(value))
        if cached is None or cached[0] is not value:
            cached = (value, plain(value))
            self._exposed[id(value)] = cached
        return cached[1]

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if attr.startswith("_"):
            return False
        if isinstance(obj, str):
            return attr in STR_METHODS
        if isinstance(obj, Mapping):
            return attr in MAPPING_METHODS
        if isinstance(obj, LoopContext):
            return attr in LOOP_ATTRIBUTES
        if isinstance(obj, Namespace):
            return True  # the values a template stored in it
        if isinstance(obj, datetime.date):
            return attr in DATE_ATTRIBUTES
        if isinstance(obj, Cycler):
            return attr in CYCLER_ATTRIBUTES
        if isinstance(obj, BlockReference):
            return attr == "super"
        # The macros and variables an imported template exports.
        return isinstance(obj, jinja2.environment.TemplateModule)

    def is_safe_callable(self, obj: Any) -> bool:
        if isinstance(obj, Function | Macro | BlockReference | LoopContext | Joiner):
            return True
        try:
            if obj in self._callables:
                return True
        except TypeError:  # unhashable
            return False
        owner, name = getattr(obj, "__self__", None), getattr(obj, "__name__", "")
        if owner is self:
            return name == "counted"
        if isinstance(owner, str):
            return name in STR_METHODS
        if isinstance(owner, Mapping):
            return name in MAPPING_METHODS
        if isinstance(owner, LoopContext):
            return name in ("cycle", "changed")
        if isinstance(owner, Cycler):
            return name in ("next", "reset")
        if isinstance(owner, datetime.date):
            return name in ("isoformat", "weekday", "isoweekday")
        return False

    def getattr(self, obj: Any, attribute: str) -> Any:
        if attribute.startswith("_"):
            return self.unsafe_undefined(obj, attribute)
        if isinstance(obj, Record):
            if attribute in obj:
                return obj[attribute]
            if attribute in MAPPING_METHODS:
                return getattr(obj, attribute)
            return self.undefined(obj=obj, name=attribute)
        try:
            value = getattr(obj, attribute)
        except AttributeError:
            try:
                return obj[attribute]
            except (TypeError, LookupError):
                return self.undefined(obj=obj, name=attribute)
        if self.is_safe_attribute(obj, attribute, value):
            return value
        return self.unsafe_undefined(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        # Jinja's own getitem hands out str.format for `'{}'['format']` before any check.
        try:
            return obj[argument]
        except (TypeError, LookupError):
            if isinstance(argument, str):
                return self.getattr(obj, argument)
        return self.undefined(obj=obj, name=argument)

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        if (
            operator == "**"
            and isinstance(left, int)
            and isinstance(right, int)
            and abs(left) > 1
            and right * abs(left).bit_length() > 4096
        ):
            raise SecurityError("** gives a number too large for a template")
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if (
                    isinstance(sequence, str | list | tuple)
                    and isinstance(count, int)
                    and len(sequence) * count > MAX_TEXT
                ):
                    raise SecurityError(f"* gives more than {MAX_TEXT} items or characters")
        if (
            operator == "+"
            and isinstance(left, str | list | tuple)
            and isinstance(right, str | list | tuple)
            and len(left) + len(right) > MAX_TEXT
        ):
            raise SecurityError(f"+ gives more than {MAX_TEXT} items or characters")
        if operator == "%":
            _check_printf(left)
        return super().call_binop(context, operator, left, right)

    def handle_exception(self, source: str | None = None) -> NoReturn:
        """Any failure inside a user template is a template error (exit 2), never an internal error."""
        error = sys.exc_info()[1]
        if isinstance(error, Exception) and not isinstance(error, jinja2.TemplateError | RecursionError):
            raise jinja2.TemplateRuntimeError(f"{type(error).__name__}: {error}") from None
        super().handle_exception(source)


class FolderLoader(jinja2.BaseLoader):
    """Templates from one folder: only regular files that are inside it once links are resolved."""

    def __init__(self, folder: pathlib.Path) -> None:
        self.folder = folder
        self.root = folder.resolve()

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = jinja2.loaders.split_template_path(template)
        path = self.folder.joinpath(*pieces)
        if not os.path.lexists(path):
            raise jinja2.TemplateNotFound(template)
        resolved = path.resolve()
        if not resolved.is_relative_to(self.root):
            raise SecurityError(f"template {template} is a link to a file outside {self.folder}; not read")
        try:
            mtime = os.stat(resolved).st_mtime_ns
            data = read_bounded(resolved, MAX_TEMPLATE_BYTES)
        except NotRegularFile:
            raise SecurityError(f"template {template} is not a regular file; not read") from None
        except FileTooLarge:
            raise SecurityError(
                f"template {template} is larger than {MAX_TEMPLATE_BYTES // 1024} KiB"
            ) from None
        except OSError as error:
            raise SecurityError(f"cannot read template {template}: {error.strerror or error}") from None
        try:
            source = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise SecurityError(f"template {template} is not UTF-8: {error.reason}") from None

        def uptodate() -> bool:
            try:
                return os.stat(resolved).st_mtime_ns == mtime
            except OSError:
                return False

        return source, str(path), uptodate


def make_environment(user_templates: pathlib.Path | None = None) -> jinja2.Environment:
    """Templates from ``user_templates`` (if given) override the built-in ones by name.

    With a user folder the environment is a TemplateSandbox (see the module docstring).
    HTML (``*.html.j2``) is autoescaped.
    """
    options: dict[str, Any] = {
        "autoescape": lambda name: bool(name and name.endswith(".html.j2")),
        "undefined": jinja2.StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
    }
    environment: jinja2.Environment
    if user_templates is None:
        # S701: autoescape is in `options` (on for *.html.j2), which bandit cannot see through **.
        environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(BUILTIN)), **options)  # noqa: S701
    else:
        loader = jinja2.ChoiceLoader([FolderLoader(user_templates), jinja2.FileSystemLoader(str(BUILTIN))])
        environment = TemplateSandbox(loader=loader, **options)
    environment.filters.update(filters.FILTERS)
    return environment


def template_values(environment: jinja2.Environment, values: Mapping[str, object]) -> dict[str, object]:
    """What a template receives: the values themselves, or plain copies of them in the sandbox."""
    if isinstance(environment, TemplateSandbox):
        return {name: environment.expose(value) for name, value in values.items()}
    return dict(values)
