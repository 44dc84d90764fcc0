"""PDF through WeasyPrint, an optional extra: `pip install 'cjmkit[pdf]'`.

The deliverable is self-contained (inline CSS and SVG, the logo as a data: URI), so
WeasyPrint may fetch nothing but ``data:`` URLs. A user template's
``<link rel=attachment href=file:///etc/passwd>``, ``<img src=http://...>`` or
``@import url(file:...)`` is refused: WeasyPrint warns and leaves it out of the PDF.
"""

from __future__ import annotations

from typing import Any

from cjmkit.renderers import WEASYPRINT

ALLOWED_SCHEMES = ("data:",)


def _refuse(url: str) -> None:
    if not url.lower().startswith(ALLOWED_SCHEMES):
        raise ValueError(f"cjm fetches nothing for a PDF but data: URLs; not fetched: {url[:200]}")


def url_fetcher(weasyprint: Any) -> Any:
    """A WeasyPrint URL fetcher that fetches only ``data:`` URLs (no file, no network)."""
    urls = weasyprint.urls
    if hasattr(urls, "URLFetcher"):  # WeasyPrint 68 and later: a class with a fetch method

        class DataOnly(urls.URLFetcher):  # type: ignore[misc, name-defined]
            def fetch(self, url: str, headers: Any = None) -> Any:
                _refuse(url)
                return super().fetch(url, headers)

        return DataOnly()

    def fetch(url: str, *args: Any, **kwargs: Any) -> Any:  # earlier versions: a function
        _refuse(url)
        return urls.default_url_fetcher(url, *args, **kwargs)

    return fetch


def html_to_pdf(document: str) -> bytes:
    try:
        import weasyprint  # type: ignore[import-untyped]
    except ImportError as error:
        raise WEASYPRINT.missing(["pdf"]) from error
    pdf: bytes = weasyprint.HTML(string=document, url_fetcher=url_fetcher(weasyprint)).write_pdf()
    return pdf
