"""The languages cjmkit writes: deliverables, messages and starters (read by `cjm --help` too,
so this module imports nothing)."""

from __future__ import annotations

from typing import Literal, get_args

Locale = Literal["en", "ru"]
#: Every locale, in the order help texts list them.
LOCALES: tuple[str, ...] = get_args(Locale)
