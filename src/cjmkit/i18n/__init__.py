"""Everything cjmkit writes for people, in their language: gettext catalogues and CLDR formats.

- **Messages** are English msgids in the code, marked with :func:`msg` (a message with named
  arguments, translated when it is shown) or :func:`N_` (a label). Their translations are
  gettext catalogues, ``catalogues/<language>/*.po`` (one file per area, so the areas are
  translated and reviewed apart), read with Babel and served by the standard library's
  ``gettext`` (plural forms included). English needs no catalogue: the msgid is the text.
- **Numbers, percents, money, dates and durations** are formatted by Babel from CLDR data:
  ``45 000 ₽``, ``0,6 %``, ``26 мая 2026 г.``, ``1 ч 30 мин``.

``scripts/update_catalogues.py`` adds new msgids to the catalogues; a test fails while a
msgid has no translation. This module imports nothing heavy: Babel is imported when a
catalogue is first read or a number first formatted.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import functools
import gettext
import io
import pathlib
import re
from dataclasses import dataclass
from typing import Any

from cjmkit.locales import LOCALES
from cjmkit.terminal import visible

CATALOGUES = pathlib.Path(__file__).resolve().parent / "catalogues"
#: The gettext domain: every catalogue file belongs to it, whatever its file name.
DOMAIN = "cjmkit"


def N_(message: str) -> str:
    """Mark a label for extraction; it is translated where it is shown."""
    return message


@functools.cache
def translations(code: str) -> gettext.NullTranslations:
    """The language's catalogues, merged (the first file of a msgid wins), or none for English."""
    files = sorted((CATALOGUES / code).glob("*.po")) if code != "en" else []
    if not files:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    merged: gettext.NullTranslations | None = None
    for path in files:
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=code, domain=DOMAIN)
        compiled = io.BytesIO()
        write_mo(compiled, catalog)  # fuzzy entries are left out, as msgfmt does
        compiled.seek(0)
        part = gettext.GNUTranslations(compiled)
        if merged is None:
            merged = part
        else:
            merged.add_fallback(part)
    assert merged is not None
    return merged


def _wide_decimals() -> contextlib.AbstractContextManager[decimal.Context]:
    """Room for every digit of a float: Babel rounds in the current decimal context, whose 28
    digits a ratio of extreme figures (a KPI actual 10^26 times its target) exceeds."""
    return decimal.localcontext(prec=400)


#: KPI units shown as a duration: the value is in seconds.
_DURATION_PARTS = (("duration-hour", 3600), ("duration-minute", 60))


class Translator:
    """Messages and formats of one language; an unknown code falls back to English."""

    def __init__(self, code: str | None) -> None:
        self.code = code if code in LOCALES else "en"
        self._messages = translations(self.code)

    def gettext(self, message: str) -> str:
        return self._messages.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self._messages.ngettext(singular, plural, count)

    # --- numbers --------------------------------------------------------------------------

    def number(self, value: float, digits: int = 2, *, fixed: bool = False) -> str:
        """``1 234,57`` / ``1,234.57``: at most ``digits`` decimals, no trailing zeros (exactly
        ``digits`` when ``fixed``: a score reads ``2,00``)."""
        from babel.numbers import format_decimal

        pattern = "#,##0" + ("." + ("0" if fixed else "#") * digits if digits > 0 else "")
        with _wide_decimals():
            text = format_decimal(round(value, digits) + 0.0, format=pattern, locale=self.code)
        return "0" if text in ("-0", "\u22120") else text

    def percent(self, ratio: float, digits: int = 1) -> str:
        """``0,6 %`` / ``0.6%``: the locale's percent pattern with up to ``digits`` decimals."""
        from babel.numbers import format_percent

        with _wide_decimals():
            return format_percent(
                round(ratio, digits + 2) + 0.0, format=_percent_pattern(self.code, digits), locale=self.code
            )

    def money(self, value: float, currency: str) -> str:
        """``45 000 ₽`` / ``RUB 45,000``: whole units, the locale's currency pattern."""
        from babel.numbers import format_currency

        with _wide_decimals():
            text = format_currency(
                round(value) + 0.0, currency, format=_money_pattern(self.code), currency_digits=False,
                locale=self.code,
            )  # fmt: skip
        return _currency_spacing(text)

    def date(self, value: datetime.date) -> str:
        """``26 мая 2026 г.`` / ``May 26, 2026``."""
        from babel.dates import format_date

        return format_date(value, format="long", locale=self.code)

    def duration(self, seconds: float) -> str:
        """``1 ч 30 мин`` / ``1 hr 30 min``; under a minute, seconds with one decimal (``6,4 с``)."""
        from babel.units import format_unit

        if abs(seconds) < 60:
            return format_unit(round(seconds, 1) + 0.0, "duration-second", length="short", locale=self.code)
        parts = []
        rest = round(abs(seconds))
        for unit, size in _DURATION_PARTS:
            whole, rest = divmod(rest, size)
            if whole:
                parts.append(format_unit(whole, unit, length="short", locale=self.code))
        if rest:
            parts.append(format_unit(rest, "duration-second", length="short", locale=self.code))
        return ("\u2212" if seconds < 0 else "") + " ".join(parts)

    def quantity(self, value: float, unit: str | None, currency: str | None = None) -> str:
        """A KPI value with its unit, as KPI cards show it."""
        if unit == "ratio":
            return self.percent(value)
        if unit == "percent":
            return self.percent(value / 100)
        if unit == "currency" and currency:
            return self.money(value, currency) if abs(value) >= 100 else _money_cents(self, value, currency)
        if unit == "seconds":
            return self.duration(value)
        return self.number(value)

    def quote(self, text: str) -> str:
        """A name inside a sentence, on one line, at most 80 characters: «…» in Russian,
        '…' in English (as the command-line output always had it)."""
        flat = visible(" ".join(text.split()))
        if len(flat) > 80:
            flat = flat[:77] + "..."
        return f"«{flat}»" if self.code == "ru" else f"'{flat}'"


def _money_cents(translator: Translator, value: float, currency: str) -> str:
    from babel.numbers import format_currency

    return _currency_spacing(format_currency(value, currency, locale=translator.code))


_LETTER_THEN_DIGIT = re.compile(r"(?<=[A-Za-z])(?=[\d\u2212-])|(?<=\d)(?=[A-Za-z])")


def _currency_spacing(text: str) -> str:
    """CLDR's currency spacing, which Babel leaves out: a currency written as letters (RUB, a
    code with no symbol in the locale) is kept apart from the digits: ``RUB 45,000``."""
    return _LETTER_THEN_DIGIT.sub("\u00a0", text)


@functools.cache
def _percent_pattern(code: str, digits: int) -> str:
    from babel import Locale

    pattern = str(Locale.parse(code).percent_formats[None].pattern)
    decimals = "." + "#" * digits if digits > 0 else ""
    return re.sub(r"0(?=[^0#]*%)", "0" + decimals, pattern, count=1)


@functools.cache
def _money_pattern(code: str) -> str:
    from babel import Locale

    pattern = str(Locale.parse(code).currency_formats["standard"].pattern).split(";")[0]
    return re.sub(r"\.0+", "", pattern)


@functools.cache
def translator(code: str | None) -> Translator:
    return Translator(code)


ENGLISH = Translator("en")


# --- messages with named arguments ----------------------------------------------------------


@dataclass(frozen=True)
class Percent:
    """A share shown as a percent: ``Percent(0.3)`` is ``30 %`` in Russian."""

    ratio: float
    digits: int = 1


@dataclass(frozen=True)
class Money:
    value: float
    currency: str


@dataclass(frozen=True)
class Quantity:
    """A KPI value with its unit."""

    value: float
    unit: str | None
    currency: str | None = None


@dataclass(frozen=True)
class Name:
    """A human name from a map inside a sentence: quoted the language's way, on one line."""

    text: str


@dataclass(frozen=True)
class Term:
    """A word the sentence needs in the reader's language (a phase, a field): an English msgid
    marked with N_ where it is written."""

    text: str


@dataclass(frozen=True)
class Join:
    """Several arguments, comma-separated."""

    parts: tuple[Argument, ...]


@dataclass(frozen=True)
class Fixed:
    """A number with exactly ``digits`` decimals: a score reads 0.50."""

    value: float
    digits: int = 2


@dataclass(frozen=True)
class Signed:
    """An emotion or change with its sign: +2, −1, 0."""

    value: int


Argument = str | int | float | Percent | Money | Quantity | Name | Term | Join | Signed | Fixed


def format_argument(value: Any, translator: Translator) -> str:
    if isinstance(value, Name):
        return translator.quote(value.text)
    if isinstance(value, Term):
        return translator.gettext(value.text)
    if isinstance(value, Join):
        return ", ".join(format_argument(part, translator) for part in value.parts)
    if isinstance(value, Fixed):
        return translator.number(value.value, value.digits, fixed=True)
    if isinstance(value, Signed):
        return f"+{value.value}" if value.value > 0 else str(value.value)
    if isinstance(value, Percent):
        return translator.percent(value.ratio, value.digits)
    if isinstance(value, Money):
        return translator.money(value.value, value.currency)
    if isinstance(value, Quantity):
        return translator.quantity(value.value, value.unit, value.currency)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return translator.number(value, 0)
    if isinstance(value, float):
        return translator.number(value)
    return str(value)


@dataclass(frozen=True)
class Message:
    """A sentence with named arguments, translated only when shown: the English msgid (with
    ``{name}`` fields), an optional plural msgid and the argument that picks the form."""

    text: str
    arguments: tuple[tuple[str, Argument], ...] = ()
    plural: str | None = None
    count: str | None = None
    #: Several sentences shown as one, "; "-separated (see :func:`sentences`); ``text`` unused.
    parts: tuple[Message, ...] = ()

    def render(self, translator: Translator = ENGLISH) -> str:
        if self.parts:
            return "; ".join(part.render(translator) for part in self.parts)
        values = dict(self.arguments)
        if self.plural is not None and self.count is not None:
            number = values[self.count]
            template = translator.ngettext(
                self.text, self.plural, int(number) if isinstance(number, int | float) else 0
            )
        else:
            template = translator.gettext(self.text)
        return template.format(**{key: format_argument(value, translator) for key, value in values.items()})

    def __str__(self) -> str:
        return self.render()


def msg(text: str, /, **arguments: Argument) -> Message:
    """A message; ``text`` is the English msgid with ``{name}`` fields for the arguments."""
    return Message(text, tuple(arguments.items()))


def sentences(*parts: Message) -> Message:
    """Several messages shown as one, each translated on its own."""
    return Message("", parts=parts)


def nmsg(singular: str, plural: str, by: str, /, **arguments: Argument) -> Message:
    """A message with plural forms, chosen by the (whole-number) argument named ``by``."""
    return Message(singular, tuple(arguments.items()), plural, by)


__all__ = [
    "ENGLISH",
    "N_",
    "Message",
    "Money",
    "Name",
    "Percent",
    "Quantity",
    "Translator",
    "msg",
    "nmsg",
    "translations",
    "translator",
]  # fmt: skip
