"""Keep the catalogues in step with the code (a maintainer's tool: ``scripts/update_catalogues.py``).

The msgids are found by Babel's extractor in the Python sources: the arguments of
:func:`cjmkit.i18n.msg`, :func:`~cjmkit.i18n.nmsg` (singular and plural) and
:func:`~cjmkit.i18n.N_`. Each msgid goes to the catalogue of the area its first use is in
(``AREAS``), so rules, deliverables, diagrams and command output are translated in their
own files.
"""

from __future__ import annotations

import io
import pathlib
from collections.abc import Iterator
from dataclasses import dataclass

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from cjmkit.i18n import CATALOGUES, DOMAIN

SOURCE = pathlib.Path(__file__).resolve().parent.parent
KEYWORDS = {"msg": (1,), "nmsg": (1, 2), "N_": None}
#: Source folder or file (relative to the package) -> catalogue file name; first match wins.
AREAS = (
    ("renderers/dot.py", "diagram.po"),
    ("renderers/", "render.po"),
    ("analysis/", "analysis.po"),
    ("", "cli.po"),
)
LANGUAGES = ("ru",)


@dataclass(frozen=True)
class Found:
    msgid: str | tuple[str, str]
    area: str
    where: str


def area_of(path: str) -> str:
    return next(area for prefix, area in AREAS if path.startswith(prefix))


def found() -> Iterator[Found]:
    """Every msgid of the sources, with its area, in source order."""
    method_map = [("**.py", "python")]
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(SOURCE), method_map, keywords=KEYWORDS
    ):
        if isinstance(message, tuple | list):
            message = tuple(part for part in message if part) if len(message) > 1 else message[0]
            if isinstance(message, tuple) and len(message) == 1:
                message = message[0]
        yield Found(message, area_of(filename), f"{filename}:{lineno}")  # type: ignore[arg-type]


def read(path: pathlib.Path, language: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=language, domain=DOMAIN, project="cjmkit")
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def updated(language: str) -> dict[str, bytes]:
    """The catalogue files of ``language`` as they should be: every msgid of the code in its
    area's file, translations kept, msgids the code no longer uses dropped."""
    folder = CATALOGUES / language
    wanted: dict[str, list[Found]] = {}
    seen: set[object] = set()
    for item in found():
        if item.msgid not in seen:
            seen.add(item.msgid)
            wanted.setdefault(item.area, []).append(item)
    known: dict[object, object] = {}
    for path in sorted(folder.glob("*.po")):
        for message in read(path, language):
            if message.id:
                known[message.id] = message
    files = {}
    for area in sorted({area for _, area in AREAS}):
        catalog = Catalog(locale=language, domain=DOMAIN, project="cjmkit", fuzzy=False)
        for item in wanted.get(area, []):
            old = known.get(item.msgid)
            catalog.add(item.msgid, getattr(old, "string", "") or "", flags=getattr(old, "flags", ()))
        if not len(catalog) and not (folder / area).exists():
            continue
        out = io.BytesIO()
        write_po(out, catalog, width=100, no_location=True, omit_header=True, sort_output=False)
        files[area] = out.getvalue()
    return files


def untranslated(language: str) -> list[str]:
    """Msgids of the code without a (non-fuzzy) translation in ``language``."""
    from cjmkit.i18n import translations

    messages = translations.__wrapped__(language)
    missing = []
    for item in found():
        singular = item.msgid[0] if isinstance(item.msgid, tuple) else item.msgid
        if messages.gettext(singular) == singular and not _same_in_both(singular):
            missing.append(f"{item.where}: {singular!r}")
    return missing


def _same_in_both(text: str) -> bool:
    """Texts that read the same in every language (a code, a unit symbol)."""
    return not any(character.isalpha() for character in text) or text in SAME


#: Msgids whose translation is the msgid itself.
SAME = frozenset({"KPI", "JTBD", "CSV"})
