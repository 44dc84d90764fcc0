"""Escaping for the text formats that Jinja's autoescape does not cover."""

from __future__ import annotations

import html
import re

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


def mermaid(text: object) -> str:
    """Text for a Mermaid `journey` line: no characters Mermaid treats as syntax."""
    flat = " ".join(str(text or "").split())
    return _MERMAID_DROP.sub(" ", flat).strip() or "-"


FILTERS = {"md": md, "mermaid": mermaid}
