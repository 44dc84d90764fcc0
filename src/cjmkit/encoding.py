"""How map files are stored: UTF-8, with or without a byte order mark, kept as found."""

from __future__ import annotations

#: The UTF-8 byte order mark: allowed at the start of a map, kept when a file is edited in place.
BOM = b"\xef\xbb\xbf"


def split_bom(raw: bytes) -> tuple[bytes, bool]:
    """The bytes without a leading BOM, and whether there was one."""
    if raw.startswith(BOM):
        return raw[len(BOM) :], True
    return raw, False
