"""Printing the HTML deliverable: WeasyPrint (`cjm render --to pdf`) and Chromium's own print.

WeasyPrint puts the whole journey grid on one poster page (A1 landscape) and the rest on A4
landscape. Chromium prints every page at one size, so there the grid may break between lanes but
never inside one. Both print a footer with the map title, date and page number on every page, keep
the grid's text at 8 pt or more and never end a page with a heading.
"""

from __future__ import annotations

import html.parser
import pathlib
import re
import zlib
from collections.abc import Iterator
from typing import Any

import pytest

from cjmkit.renderers.pdf import url_fetcher
from test_html import HTML_NAMES, render

PT = 96 / 72  # CSS px per point


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    from conftest import EXAMPLES

    out = tmp_path_factory.mktemp("print")
    render([EXAMPLES], out, "html")
    return out


class Grid(html.parser.HTMLParser):
    """The lane labels, stage names, headings and footer text of a rendered journey page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.lanes: list[str] = []
        self.stages: list[str] = []
        self.headings: list[str] = []
        self.title = ""
        self._into: list[str] | None = None
        self._tag = ""
        self._buffer = ""
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        cls = dict(attrs).get("class") or ""
        if tag == "th" and "lane" in cls.split() and dict(attrs).get("scope") == "row":
            self._into, self._tag = self.lanes, tag
        elif tag == "span" and cls == "stage-name":
            self._into, self._tag = self.stages, tag
        elif tag in ("h2", "h3") and self._into is None:
            self._into, self._tag = self.headings, tag
        elif tag == "h1":
            self._into, self._tag = [], tag
        else:
            return
        self._buffer = ""

    def handle_endtag(self, tag: str) -> None:
        if self._into is not None and tag == self._tag:
            text = " ".join(self._buffer.split())
            if tag == "h1":
                self.title = text
            elif text:
                self._into.append(text)
            self._into = None

    def handle_data(self, data: str) -> None:
        if self._into is not None:
            self._buffer += data


def squash(text: str) -> str:
    """Text without white space and case (labels may be upper-cased by CSS)."""
    return re.sub(r"\s+", "", text).casefold()


# --- WeasyPrint -----------------------------------------------------------------------------------


def walk(box: Any, found: dict[str, Any], in_margin: bool, in_grid: bool, tags: tuple[str, ...]) -> None:
    """Collect a page's text into `found`: margin boxes apart, the grid's smallest font."""
    name = type(box).__name__
    in_margin = in_margin or name == "MarginBox"
    tag = getattr(box, "element_tag", None) or ""
    element = getattr(box, "element", None)
    if tag == "table" and element is not None and "grid" in (element.get("class") or "").split():
        in_grid = found["grid"] = True
    if name == "TextBox" and box.text.strip():
        if in_margin:
            found["margin"].append(box.text)
        else:
            found["flow"].append(box.text)
            found["last"] = list(tags)
            if in_grid:
                size = box.style["font_size"]
                found["grid_font"] = size if found["grid_font"] is None else min(found["grid_font"], size)
    for child in getattr(box, "children", []):
        walk(child, found, in_margin, in_grid, (*tags, tag))


def weasy_pages(path: pathlib.Path) -> list[dict[str, Any]]:
    """Each page's flow text, margin-box text, smallest grid font (px) and last flow box's tags."""
    import weasyprint  # type: ignore[import-untyped]

    document = weasyprint.HTML(string=path.read_text(encoding="utf-8"), url_fetcher=url_fetcher(weasyprint))
    pages = []
    for page in document.render().pages:
        found: dict[str, Any] = {"flow": [], "margin": [], "grid_font": None, "last": [], "grid": False}
        found["width"] = page.width
        walk(page._page_box, found, False, False, ())
        pages.append(found)
    return pages


@pytest.fixture(scope="module")
def weasy(rendered: pathlib.Path) -> dict[str, list[dict[str, Any]]]:
    return {name: weasy_pages(rendered / f"{name}.html") for name in HTML_NAMES}


@pytest.mark.parametrize("name", HTML_NAMES)
def test_weasyprint_keeps_the_grid_on_one_page(rendered: pathlib.Path, weasy: Any, name: str) -> None:
    grid = Grid((rendered / f"{name}.html").read_text(encoding="utf-8"))
    pages = weasy[name]
    assert 3 <= len(pages) <= 10, len(pages)
    texts = [squash(" ".join(p["flow"])) for p in pages]
    # The grid, every lane with every stage, is on one page: the A1 landscape poster.
    with_grid = [i for i, page in enumerate(pages) if page["grid"]]
    assert len(with_grid) == 1, with_grid
    poster = with_grid[0]
    for label in grid.lanes + grid.stages:
        assert squash(label) in texts[poster], label
    assert abs(pages[poster]["width"] - 841 * 96 / 25.4) < 2
    # The other pages: A3 landscape for more than six stages, A4 landscape for fewer.
    paper = 420 if len(grid.stages) > 6 else 297
    assert all(abs(p["width"] - paper * 96 / 25.4) < 2 for i, p in enumerate(pages) if i != poster)
    assert pages[poster]["grid_font"] >= 8 * PT - 0.01


@pytest.mark.parametrize("name", HTML_NAMES)
def test_weasyprint_footer_and_headings(rendered: pathlib.Path, weasy: Any, name: str) -> None:
    grid = Grid((rendered / f"{name}.html").read_text(encoding="utf-8"))
    pages = weasy[name]
    for number, page in enumerate(pages, 1):
        margin = " ".join(page["margin"])
        assert grid.title in margin, number
        assert f"{number} / {len(pages)}" in margin, number
        last = page["last"]
        assert not any(tag in ("h1", "h2", "h3", "h4") for tag in last), (number, last)


# --- Chromium -------------------------------------------------------------------------------------


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page of a Chromium (Skia) PDF: its fonts map glyph ids through ToUnicode."""
    objects = {int(m[1]): m[2] for m in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", pdf, re.S)}

    def stream(body: bytes) -> bytes:
        m = re.search(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S)
        assert m is not None
        return zlib.decompressobj().decompress(m[1]) if b"FlateDecode" in body[: m.start()] else m[1]

    def cmap(data: bytes) -> dict[int, str]:
        table: dict[int, str] = {}
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
            for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                table[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
            for a, b, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                for i, code in enumerate(range(int(a, 16), int(b, 16) + 1)):
                    table[code] = chr(int(dst, 16) + i)
        return table

    pages = []
    for _, body in sorted(objects.items()):
        if not re.search(rb"/Type\s*/Page\b", body):
            continue
        fonts: dict[bytes, dict[int, str]] = {}
        font_dict = re.search(rb"/Font\s*<<(.*?)>>", body, re.S)
        for name, ref in re.findall(rb"/(\w+)\s+(\d+) 0 R", font_dict[1] if font_dict else b""):
            unicode = re.search(rb"/ToUnicode\s+(\d+) 0 R", objects[int(ref)])
            if unicode:
                fonts[name] = cmap(stream(objects[int(unicode[1])]))
        contents = re.search(rb"/Contents\s+(\d+) 0 R", body)
        assert contents is not None
        text: list[str] = []
        font: dict[int, str] = {}
        for token in re.finditer(
            rb"/(\w+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f]*)>|(ET)", stream(objects[int(contents[1])])
        ):
            if token[1]:
                font = fonts.get(token[1], {})
            elif token[2] is not None:
                text += [font.get(int(token[2][i : i + 4], 16), "") for i in range(0, len(token[2]), 4)]
            else:
                text.append(" ")
        pages.append("".join(text))
    return pages


@pytest.fixture
def printed(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("name", HTML_NAMES)
def test_chromium_print(rendered: pathlib.Path, printed: Any, name: str) -> None:
    path = rendered / f"{name}.html"
    grid = Grid(path.read_text(encoding="utf-8"))
    printed.goto(path.resolve().as_uri())
    pages = [
        squash(text) for text in pdf_pages(printed.pdf(prefer_css_page_size=True, print_background=True))
    ]
    assert 3 <= len(pages) <= 12, len(pages)
    for number, text in enumerate(pages, 1):
        assert squash(grid.title) in text, number
        assert f"{number}/{len(pages)}" in text, number
        for heading in grid.headings:
            assert not text.endswith(squash(heading)), (number, heading)

    # Lanes stay whole: a lane's label and the text of its last stage column are on one page.
    # Lay the page out as on paper: print media on the paper's content width.
    paper_mm = 400 if len(grid.stages) > 6 else 277
    printed.set_viewport_size({"width": round(paper_mm * 96 / 25.4), "height": 900})
    printed.emulate_media(media="print")
    rows = printed.evaluate(
        """() => [...document.querySelectorAll('table.grid tbody tr')].map(row => {
            const cells = [...row.children];
            const last = cells[cells.length - 1];
            const walker = document.createTreeWalker(last, NodeFilter.SHOW_TEXT);
            let first = walker.nextNode();
            const skip = node => node && (!node.data.trim() || node.parentElement.closest('svg'));
            while (skip(first)) first = walker.nextNode();
            return [cells[0].innerText, first ? first.data : ''];
        })"""
    )
    for label, last in rows:
        last_words = squash(last)[:24]
        holders = [i for i, text in enumerate(pages) if squash(label) in text]
        assert holders, label
        if last_words and last_words != "—":
            assert any(last_words in pages[i] for i in holders), (label, last_words)

    # Nothing in the printed grid under 8 pt, the emotion curve's labels included.
    smallest = printed.evaluate(
        """() => {
            const grid = document.querySelector('table.grid');
            const walker = document.createTreeWalker(grid, NodeFilter.SHOW_TEXT);
            let least = Infinity;
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const element = node.parentElement;
                if (!node.data.trim() || element.closest('title')) continue;
                if (element.getClientRects().length === 0) continue;
                let size = parseFloat(getComputedStyle(element).fontSize);
                if (element instanceof SVGElement) size *= element.ownerSVGElement.getScreenCTM().a;
                least = Math.min(least, size);
            }
            return least;
        }"""
    )
    assert smallest >= 8 * PT - 0.05, smallest

    # No word of the grid is cut in the middle (breaking after a hyphen or dash is fine).
    cut = printed.evaluate(
        """() => {
            const cut = [];
            const grid = document.querySelector('table.grid');
            const walker = document.createTreeWalker(grid, NodeFilter.SHOW_TEXT);
            const range = document.createRange();
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                if (node.parentElement.closest('svg, .visually-hidden')) continue;
                for (const match of node.data.matchAll(/[^\\s\\-\u2010-\u2014\\/]+/g)) {
                    range.setStart(node, match.index);
                    range.setEnd(node, match.index + match[0].length);
                    const rects = [...range.getClientRects()].filter(r => r.width > 1);
                    if (new Set(rects.map(r => r.bottom)).size > 1) cut.push(match[0]);
                }
            }
            return cut;
        }"""
    )
    assert cut == []

    # Numbers never wrap: every funnel and KPI figure (one text node each) is on one line.
    wrapped = printed.evaluate(
        """() => {
            const wrapped = [];
            for (const node of document.querySelectorAll('.funnel-nums dd, .kpi-values b')) {
                const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
                for (let text = walker.nextNode(); text; text = walker.nextNode()) {
                    if (!text.data.trim() || text.parentElement.closest('.visually-hidden')) continue;
                    const range = document.createRange();
                    range.selectNodeContents(text);
                    const rects = [...range.getClientRects()].filter(r => r.width > 1);
                    const lines = new Set(rects.map(r => r.bottom));
                    if (lines.size > 1) wrapped.push(text.data);
                }
            }
            return wrapped;
        }"""
    )
    assert wrapped == []
