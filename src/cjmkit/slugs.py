"""Ids made from names: an ASCII slug of any text (Cyrillic transliterated), for converted maps
and output file names."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

#: The longest slug made from a name; longer ones are cut at a hyphen.
MAX_SLUG = 48

#: ICAO 9303 transliteration (Russian and Ukrainian passports) plus Latin letters NFKD cannot split.
TRANSLITERATION = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia", "і": "i",
    "ї": "i", "є": "ie", "ґ": "g", "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l",
    "đ": "d", "ð": "d", "þ": "th", "ı": "i",
}  # fmt: skip


def slugify(text: str) -> str | None:
    """An ASCII slug of ``text``, or None when it holds letters with no ASCII spelling (CJK ...)."""
    spelled: list[str] = []
    for char in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(char):
            continue
        lower = char.lower()
        if lower in TRANSLITERATION:
            spelled.append(TRANSLITERATION[lower])
        elif char.isascii():
            spelled.append(lower if char.isalnum() else "-")
        elif char.isalnum():
            return None
        else:  # emoji, punctuation and symbols separate words
            spelled.append("-")
    slug = re.sub(r"-+", "-", "".join(spelled)).strip("-")
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG]
        slug = (slug.rsplit("-", 1)[0] if "-" in slug else slug).strip("-")
    return slug or None


class Ids:
    """Ids unique within one kind: a repeated candidate gets -2, -3 ... (in linear time overall).
    ``taken`` are ids the kind already has (a map being added to)."""

    def __init__(self, taken: Iterable[str] = (), fallback: str = "item") -> None:
        self.taken: set[str] = set(taken)
        self.next: dict[str, int] = {}
        #: What an id made of a name with no ASCII spelling is called: ``stage-3``.
        self.fallback = fallback

    def claim(self, candidate: str) -> str:
        number = self.next.get(candidate, 1)
        identifier = candidate if number == 1 else f"{candidate}-{number}"
        while identifier in self.taken:
            number += 1
            identifier = f"{candidate}-{number}"
        self.next[candidate] = number + 1
        self.taken.add(identifier)
        return identifier

    def for_name(self, name: str | None) -> str:
        """An id made of a name: its slug, else ``<fallback>-N`` (N: the ids taken so far, plus one)."""
        return self.claim((slugify(name) if name else None) or f"{self.fallback}-{len(self.taken) + 1}")
