"""The HTML deliverables on a phone (390 px) and on wide screens (1440 and 1920 px), in Chromium.

On a phone the page never scrolls sideways (only the grid scrolls, inside its own box), the persona's
blocks stack at full width and the grid's lane column is narrow. On a wide screen the grid fills the
content width, however few stages the map has.
"""

from __future__ import annotations

import pathlib
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import EXAMPLES
from test_html import HTML_NAMES, render

THREE_STAGES = """\
cjm: 1
id: three-stages
title: Three stages
persona:
  id: buyer
  name: Buyer
  goals: [Find a good price quickly]
  needs: [Clear delivery dates]
  pains: [Hidden fees at checkout]
stages:
  - id: look
    name: Look around
    actions: [Compare offers]
    emotion: 0
  - id: buy
    name: Buy
    actions: [Pay by card]
    emotion: 1
  - id: use
    name: Use
    actions: [Unpack and set up]
    emotion: 2
"""


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("screens")
    render([EXAMPLES], out, "html")
    return out


@pytest.fixture
def screen(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def open_page(path: pathlib.Path, width: int) -> Any:
        context = browser.new_context(viewport={"width": width, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.goto(path.resolve().as_uri(), wait_until="load")
        return page

    yield open_page
    for context in contexts:
        context.close()


def page_overflow(page: Any) -> int:
    """How many px the page is wider than the viewport (0 when nothing sticks out)."""
    return int(page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth"))


@pytest.mark.parametrize("name", HTML_NAMES)
def test_journey_page_on_a_phone(rendered: pathlib.Path, screen: Any, name: str) -> None:
    page = screen(rendered / f"{name}.html", 390)
    assert page_overflow(page) <= 0
    # The persona's goals, needs and pains are stacked, each at the card's full width.
    blocks = page.locator(".needs > div")
    assert blocks.count() == 3
    for block in blocks.all():
        box = block.bounding_box()
        assert box is not None and box["width"] > 300, box
    # The lane labels take a narrow column; the grid scrolls inside its own box.
    lane = page.locator("table.grid thead th.lane").bounding_box()
    assert lane is not None and lane["width"] <= 110, lane
    scroller = page.evaluate(
        "() => { const s = document.querySelector('.scroll'); return [s.scrollWidth, s.clientWidth]; }"
    )
    assert scroller[0] > scroller[1]
    # No word of the persona or of a lane label is cut (breaking after a hyphen or dash is fine).
    cut = page.evaluate(
        """() => {
            const cut = [];
            for (const root of document.querySelectorAll('.persona, table.grid th.lane')) {
                const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    const range = document.createRange();
                    for (const match of node.data.matchAll(/[^\\s\\-\u2010-\u2014\\/]+/g)) {
                        range.setStart(node, match.index);
                        range.setEnd(node, match.index + match[0].length);
                        if (range.getClientRects().length > 1) cut.push(match[0]);
                    }
                }
            }
            return cut;
        }"""
    )
    assert cut == []


def test_index_page_on_a_phone(rendered: pathlib.Path, screen: Any) -> None:
    page = screen(rendered / "index.html", 390)
    assert page_overflow(page) <= 0
    assert page.get_by_role("link").count() == len(HTML_NAMES)


@pytest.mark.parametrize("width", [1440, 1920])
def test_grid_fills_a_wide_screen(tmp_path: pathlib.Path, screen: Any, width: int) -> None:
    source = tmp_path / "three.yaml"
    source.write_text(THREE_STAGES, encoding="utf-8")
    render([source], tmp_path / "out", "html")
    page = screen(next((tmp_path / "out").glob("*.html")), width)
    assert page_overflow(page) <= 0
    content, grid = page.evaluate(
        """() => {
            const main = document.querySelector('main.page');
            const style = getComputedStyle(main);
            const content = main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
            return [content, document.querySelector('table.grid').getBoundingClientRect().width];
        }"""
    )
    assert grid >= 0.9 * content, (grid, content)
    # The emotion curve still sits over the stage columns.
    columns = page.locator("table.grid thead th.stage")
    markers = page.locator("svg.curve circle")
    assert columns.count() == markers.count() == 3
    for index in range(3):
        dot, column = markers.nth(index).bounding_box(), columns.nth(index).bounding_box()
        assert dot is not None and column is not None
        assert abs((dot["x"] + dot["width"] / 2) - (column["x"] + column["width"] / 2)) < 2.5, index


@pytest.mark.parametrize("name", HTML_NAMES)
def test_journey_page_on_wide_screens(rendered: pathlib.Path, screen: Any, name: str) -> None:
    for width in (1440, 1920):
        page = screen(rendered / f"{name}.html", width)
        assert page_overflow(page) <= 0, width
