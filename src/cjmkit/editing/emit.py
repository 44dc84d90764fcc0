"""Writing plain values as YAML text the way cjm writes maps: block style, 2-space indent,
lists of mappings as ``- key: ...``, text quoted whenever a plain scalar could be misread by any
YAML parser. Deterministic and fast; used for new files and for text spliced into existing ones.
"""

from __future__ import annotations

import datetime
import math
from typing import Any

#: ``<<`` is the merge key of YAML 1.1, which a safe loader reads as a tag, not as text.
_YAML11_WORDS = ("yes", "no", "y", "n", "on", "off", "true", "false", "null", "~", "<<")
_FLOW_INDICATORS = ",[]{}"


def plain_is_safe(text: str, *, flow: bool = False) -> bool:
    """Whether ``text`` reads back as the same string in every YAML 1.1 and 1.2 parser when unquoted
    (inside ``[...]`` or ``{...}`` when ``flow``)."""
    return bool(
        text
        and text == text.strip()
        and text[0] not in "-?:,[]{}#&*!|>'\"%@`+.~=0123456789"
        and text.lower() not in _YAML11_WORDS
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
        and all(char.isprintable() for char in text)
        and not (flow and any(char in _FLOW_INDICATORS for char in text))
    )


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _printable(char: str) -> bool:
    """Characters YAML allows raw in a double-quoted scalar; line-break look-alikes and BOM are escaped."""
    code = ord(char)
    if char in "\x85\u2028\u2029\ufeff":
        return False
    return 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code >= 0x10000


def double_quoted(text: str) -> str:
    escaped: list[str] = []
    for char in text:
        if char in _ESCAPES:
            escaped.append(_ESCAPES[char])
        elif _printable(char) and (char.isprintable() or char == " "):
            # format characters (bidi overrides, zero-width) are written escaped: a reviewer
            # reading the file sees them
            escaped.append(char)
        else:
            code = ord(char)  # above U+FFFF: an unassigned or format character, eight digits
            escaped.append(
                f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
            )
    return '"' + "".join(escaped) + '"'


def scalar(value: Any, *, flow: bool = False) -> str:
    """One value as a YAML scalar that reads back as exactly that value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("a map holds no infinite or NaN number")
        return repr(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return value if plain_is_safe(value, flow=flow) else double_quoted(value)
    raise TypeError(f"no YAML form for {type(value).__name__}")


def literal(text: str, indent: int) -> list[str] | None:
    """A text of several lines as a literal block: ``|-`` (to follow its key or dash), then its
    lines at ``indent`` spaces; None when one cannot hold it exactly (a line that starts with a
    space or ends with one, a character that is not printable, a final line break)."""
    if "\n" not in text or not text or text[0] in " \n" or text.endswith("\n"):
        return None
    lines = text.split("\n")
    if any(line != line.rstrip() or not line.isprintable() for line in lines):
        return None
    return ["|-", *(" " * indent + line if line else "" for line in lines)]


def _value_lines(head: str, value: Any, indent: int) -> list[str]:
    """A scalar or empty collection after ``head`` (``key: `` or ``- ``), a text of several
    lines as a literal block below it."""
    if isinstance(value, str) and (text := literal(value, indent)):
        return [head + text[0], *text[1:]]
    return [head + _inline(value)]


def flow(value: Any) -> str:
    """A value in flow style, on one line: ``{id: a, names: [x, "y, z"]}``."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(k, flow=True)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(item) for item in value) + "]"
    return scalar(value, flow=True)


def block(value: Any, indent: int) -> list[str]:
    """The lines of a mapping or list in block style, at ``indent`` spaces (no line breaks)."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict | list) and item:
                inner = block(item, indent + 2)
                lines.append(f"{pad}- {inner[0][indent + 2 :]}")
                lines += inner[1:]
            else:
                lines += _value_lines(f"{pad}- ", item, indent + 2)
        return lines
    for key, item in value.items():
        if isinstance(item, dict | list) and item:
            lines.append(f"{pad}{scalar(key)}:")
            lines += block(item, indent + 2)
        else:
            lines += _value_lines(f"{pad}{scalar(key)}: ", item, indent + 2)
    return lines


def _inline(value: Any) -> str:
    """A value on its key's or dash's line in block context: a scalar, or an empty ``[]``/``{}``."""
    return flow(value) if isinstance(value, dict | list) else scalar(value)


def comment_text(text: str) -> str:
    """Text that stays on one comment line."""
    return "".join(char if char.isprintable() else " " for char in " ".join(text.split()))


def dump_yaml(document: dict[str, Any], comments: list[str]) -> str:
    """A whole file: the comments on top, then the document in block style."""
    lines = [f"# {comment_text(line)}".rstrip() for line in comments]
    lines += block(document, 0)
    return "\n".join(lines) + "\n"


__all__ = [
    "block",
    "comment_text",
    "double_quoted",
    "dump_yaml",
    "flow",
    "literal",
    "plain_is_safe",
    "scalar",
]
