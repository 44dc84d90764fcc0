"""Escaping for the text formats that Jinja's autoescape does not cover."""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Literal

from cjmkit.terminal import visible

#: Runs of whitespace except the non-breaking spaces that keep numbers and units together.
_BREAKS = re.compile(r"[^\S\u00a0\u202f]+")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def md(text: object) -> str:
    """Map text as inert GitHub-flavoured Markdown inline text, safe inside a table cell.

    HTML is shown as text (entities), Markdown punctuation is backslash-escaped, and
    line breaks become spaces so a cell never breaks its row.
    """
    if text is None:
        return ""
    flat = visible(_BREAKS.sub(" ", str(text)).strip())
    flat = html.escape(flat, quote=False)
    return _MD_SPECIAL.sub(r"\\\1", flat)


_MERMAID_DROP = re.compile(r"[:;#`%{}\[\]<>\"\\|]")
#: Task text Mermaid would lex as a keyword (its lexer is case-insensitive and tries keywords first).
MERMAID_KEYWORD = re.compile(r"(journey|title\s|section\s|acc(title|descr))", re.IGNORECASE)
#: Written before task text that starts with a Mermaid keyword, so Mermaid reads it as a task.
KEYWORD_GUARD = "· "


def mermaid(text: object, role: Literal["text", "task", "actor"] = "text") -> str:
    """Map text for one line of a Mermaid `journey`: the one escaping of `render --to md` and
    `cjm convert --to mermaid`.

    Control characters and line breaks become spaces, characters Mermaid reads as syntax
    (``:`` ``;`` ``#`` ``%`` brackets ...) are dropped, and empty text becomes ``-``. A
    ``task`` that would start with a keyword (``section Evil``, ``title X``) gets
    KEYWORD_GUARD before it; an ``actor`` loses its commas (Mermaid splits actors at them).
    """
    raw = str(text or "")
    if role == "actor":
        raw = raw.replace(",", " ")
    raw = "".join(" " if unicodedata.category(char) == "Cc" else char for char in raw)
    safe = " ".join(_MERMAID_DROP.sub(" ", raw).split()) or "-"
    if role == "task" and MERMAID_KEYWORD.match(safe):
        return KEYWORD_GUARD + safe
    return safe


FILTERS = {"md": md, "mermaid": mermaid}
