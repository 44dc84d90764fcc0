"""PDF through WeasyPrint, an optional extra: `pip install 'cjmkit[pdf]'`."""

from __future__ import annotations

from cjmkit.errors import CjmError

MISSING = (
    "PDF output needs WeasyPrint, which is not installed. Install it with "
    "`pip install 'cjmkit[pdf]'` (in this checkout: `.venv/bin/pip install -e '.[pdf]'`)."
)


class WeasyPrintMissing(CjmError):
    pass


def available() -> bool:
    import importlib.util

    return importlib.util.find_spec("weasyprint") is not None


def html_to_pdf(document: str) -> bytes:
    try:
        import weasyprint  # type: ignore[import-untyped]
    except ImportError as error:
        raise WeasyPrintMissing(MISSING) from error
    pdf: bytes = weasyprint.HTML(string=document).write_pdf()
    return pdf
