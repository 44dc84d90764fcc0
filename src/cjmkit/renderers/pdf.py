"""PDF through WeasyPrint, an optional extra: `pip install 'cjmkit[pdf]'`."""

from __future__ import annotations

from cjmkit.renderers import WEASYPRINT


def html_to_pdf(document: str) -> bytes:
    try:
        import weasyprint  # type: ignore[import-untyped]
    except ImportError as error:
        raise WEASYPRINT.missing(["pdf"]) from error
    pdf: bytes = weasyprint.HTML(string=document).write_pdf()
    return pdf
