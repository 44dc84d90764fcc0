"""The template filters: the escaping of ``cjmkit.escaping`` under the names templates use."""

from cjmkit.escaping import md, mermaid

FILTERS = {"md": md, "mermaid": mermaid}

__all__ = ["FILTERS"]
