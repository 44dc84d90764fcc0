"""The gettext catalogues: in step with the code, complete, and safe to format."""

from __future__ import annotations

import string

import pytest
from babel.messages.pofile import read_po

from cjmkit.i18n import CATALOGUES, Translator, msg
from cjmkit.i18n.extract import LANGUAGES, untranslated, updated

FIELDS = string.Formatter()


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in FIELDS.parse(text) if name is not None}


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogues_are_in_step_with_the_code(language: str) -> None:
    for name, content in updated(language).items():
        path = CATALOGUES / language / name
        assert path.exists() and path.read_bytes() == content, (
            f"{path} is stale: run .venv/bin/python scripts/update_catalogues.py"
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    assert untranslated(language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_named_fields(language: str) -> None:
    """A translation with another field than its msgid would raise at render time."""
    for path in sorted((CATALOGUES / language).glob("*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        for message in catalog:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            expected = fields(ids[0]) | (fields(ids[1]) if len(ids) > 1 else set())
            for translated in strings:
                assert fields(translated) <= expected, (path.name, message.id, translated)
                # No attribute or item access: a translation reaches only the named values.
                assert not any("." in name or "[" in name for name in fields(translated)), translated


def test_numbers_money_dates_and_durations_follow_the_locale() -> None:
    import datetime

    ru, en = Translator("ru"), Translator("en")
    assert ru.number(1234567.891) == "1\u00a0234\u00a0567,89"
    assert en.number(1234567.891) == "1,234,567.89"
    assert ru.percent(0.006) == "0,6\u00a0%" and en.percent(0.006) == "0.6%"
    assert ru.money(45000, "RUB") == "45\u00a0000\u00a0₽" and en.money(14508, "GBP") == "£14,508"
    assert ru.date(datetime.date(2026, 5, 26)) == "26 мая 2026\u202fг."
    assert ru.duration(5400) == "1 ч 30 мин" and en.duration(5400) == "1 hr 30 min"
    assert ru.duration(6.4) == "6,4 с"
    assert ru.quantity(0.17, "ratio") == "17\u00a0%" and ru.quantity(45, "percent") == "45\u00a0%"


def test_extreme_figures_are_formatted_whole() -> None:
    # A KPI actual 10^26 times its target: a percent beyond the 28 digits of the default
    # decimal context, which Babel rounds in (found by tests/test_fuzz.py).
    en = Translator("en")
    assert en.percent(-1e26) == "-" + "10,000,000,000,000,000,000,000,000,000%"
    assert en.number(1e30) == "1,000,000,000,000,000,000,000,000,000,000"
    assert en.money(1e20, "GBP") == "£100,000,000,000,000,000,000"


def test_a_message_is_translated_when_shown() -> None:
    message = msg("Persona")
    assert message.render(Translator("ru")) == "Персона" and str(message) == "Persona"
