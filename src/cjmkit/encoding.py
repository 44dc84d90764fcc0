"""How map files are stored: UTF-8, with or without a byte order mark, kept as found."""

from __future__ import annotations

#: The UTF-8 byte order mark: allowed at the start of a map, kept when a file is edited in place.
BOM = b"\xef\xbb\xbf"


def split_bom(raw: bytes) -> tuple[bytes, bool]:
    """The bytes without a leading BOM, and whether there was one."""
    if raw.startswith(BOM):
        return raw[len(BOM) :], True
    return raw, False


def table_delimiter(text: str) -> str:
    """A CSV's delimiter: ``;`` when its first line holds more ``;`` than ``,`` (spreadsheets in
    Russian and most European locales), else ``,``."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if header.count(";") > header.count(",") else ","


def decode_table(raw: bytes) -> str:
    """A CSV or other text exported by a spreadsheet: UTF-8 (BOM or not), else Windows-1251
    (what Excel in a Russian locale saves as "CSV (semicolon delimited)")."""
    body, _ = split_bom(raw)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        # Bytes Windows-1251 leaves undefined (0x98) only occur in a file that is no text at
        # all; they read as U+FFFD and the reader then says what it expected.
        return body.decode("cp1251", errors="replace")
