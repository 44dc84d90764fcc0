"""Escaping for every text format cjmkit writes: Markdown by position, Mermaid labels (shared by
the renderers, which register them as template filters, and by convert, diff and compare)."""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from cjmkit.terminal import visible

#: Runs of whitespace except the non-breaking spaces that keep numbers and units together.
_BREAKS = re.compile(r"[^\S\u00a0\u202f]+")

#: Where map text lands in a Markdown line; each place needs different characters escaped.
#: ``text``: inside a line after other text (``**Owner:** …``); ``block``: at the start of a
#: paragraph or a list item; ``cell``: a table cell; ``heading``: the rest of an ATX heading;
#: ``any`` (the default, for templates that do not say): safe in every one of them.
MdPlace = Literal["any", "text", "block", "cell", "heading"]

#: Markup that starts anywhere in a line: code spans, emphasis, strikethrough, links and images
#: (``[`` ``]``), entities, escapes.
_INLINE = re.compile(
    r"[`*~\[\]]"  # code, emphasis, strikethrough, links / images / footnotes
    r"|(?<=\])\("  # and "](" kept from reading as a link in any reader
    r"|(?<![^\W_])_|_(?![^\W_])"  # `_` not inside a word (intraword `_` is never emphasis in GFM)
    r"|&(?=#?[0-9A-Za-z]+;)"  # character references
    r"|\\(?=[!-/:-@\[-`{-~]|$)"  # a backslash that would escape what follows, or end the line
)
#: ``<`` that would open raw HTML, a comment or an autolink.
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
#: Markup that starts a block: ATX heading, blockquote, bullet list or thematic break, ordered list.
_BLOCK_START = re.compile(r"^(?:#{1,6}(?=\s|$)|>|[-+](?=\s|$|-)|(?=\d{1,9}[.)](?:\s|$)))")
_ORDERED = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
#: A closing sequence of an ATX heading: ``#`` characters at the end, after a space or alone.
_HEADING_CLOSE = re.compile(r"(?:^|(?<=\s))#+\s*$")


def md(text: object, place: MdPlace = "any") -> str:
    """Map text as inert GitHub-flavoured Markdown for one ``place`` in a line (see MdPlace).

    Only what Markdown would read as markup there is backslash-escaped, so a GFM reader shows
    the same text: ``сайта-каталога`` and ``0.17`` stay as they are, ``*``, `` ` ``, ``[``, ``]``,
    ``~``, ``_`` outside words, ``<`` before a tag (as ``&lt;``), ``&`` before an entity and a backslash
    before punctuation are escaped everywhere; ``|`` in table cells; a leading ``#``, ``>``,
    ``-``, ``+`` or ``1.`` at the start of a block; trailing ``#`` in a heading. Line breaks
    become spaces, so a paragraph stays one paragraph and a cell never breaks its row.
    """
    if text is None:
        return ""
    flat = visible(_BREAKS.sub(" ", str(text)).strip())
    escaped = _INLINE.sub(lambda m: "\\" + m.group(0), flat)
    # An entity rather than a backslash: Markdown readers that ignore escapes still show no tag.
    escaped = _TAG_START.sub("&lt;", escaped)
    if place in ("any", "cell"):
        escaped = escaped.replace("|", "\\|")
    if place in ("any", "heading"):
        escaped = _HEADING_CLOSE.sub(lambda m: "\\" + m.group(0), escaped)
    if place in ("any", "block"):
        if _ORDERED.match(escaped):
            escaped = _ORDERED.sub(r"\1\\\2", escaped, count=1)
        elif _BLOCK_START.match(escaped):
            escaped = "\\" + escaped
    return escaped


_MERMAID_DROP = re.compile(r"[:;#`%{}\[\]<>\"\\|]")
#: Task text Mermaid would lex as a keyword (its lexer is case-insensitive and tries keywords first).
MERMAID_KEYWORD = re.compile(r"(journey|title\s|section\s|acc(title|descr))", re.IGNORECASE)
#: Written before task text that starts with a Mermaid keyword, so Mermaid reads it as a task.
KEYWORD_GUARD = "· "
#: What an actor's commas become: Mermaid splits a task's actors at commas.
ACTOR_SEPARATOR = " / "
_COMMAS = re.compile(r"\s*(?:,\s*)+")
#: Left off the end of clipped text, before its ellipsis.
_CLIP_TRAILING = " ,.;:—–-/(«\"'"
ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, ending with an ellipsis.

    A first word longer than the limit is cut inside it; punctuation left before the cut goes.
    """
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    cut = head if text[limit - 1].isspace() or " " not in head else head[: head.rindex(" ")]
    return (cut.rstrip(_CLIP_TRAILING) or head.rstrip()) + ELLIPSIS


def mermaid(text: object, role: Literal["text", "task", "actor"] = "text", limit: int | None = None) -> str:
    """Map text for one line of a Mermaid `journey`: the one escaping of `render --to md` and
    `cjm convert --to mermaid`.

    Control characters and line breaks become spaces, characters Mermaid reads as syntax
    (``:`` ``;`` ``#`` ``%`` brackets ...) are dropped, and empty text becomes ``-``. A
    ``task`` that would start with a keyword (``section Evil``, ``title X``) gets
    KEYWORD_GUARD before it; an ``actor``'s commas become ACTOR_SEPARATOR (Mermaid splits
    actors at them). With ``limit``, longer text is clipped at a word boundary with an
    ellipsis (the Markdown report keeps the full text in its table).
    """
    raw = str(text or "")
    if role == "actor":
        raw = _COMMAS.sub(ACTOR_SEPARATOR, raw)
    raw = "".join(" " if unicodedata.category(char) == "Cc" else char for char in raw)
    safe = " ".join(_MERMAID_DROP.sub(" ", raw).split()) or "-"
    if role == "actor":
        safe = " ".join(safe.strip(" /").split()) or "-"
    if limit is not None:
        safe = clip(safe, limit)
    if role == "task" and MERMAID_KEYWORD.match(safe):
        return KEYWORD_GUARD + safe
    return safe
