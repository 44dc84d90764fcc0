"""Regenerate the screenshots in docs/screenshots/ that the README shows.

For every example journey (and the B2B workspace index): the HTML page in headless
Chromium at 1440 px and at 390 px (a phone), full page, and the first page of its PDF
(WeasyPrint, rasterised by poppler's pdftoppm at 60 dpi). Needs Chromium at
/usr/bin/chromium, Playwright, WeasyPrint and pdftoppm (`apt-get install poppler-utils`).

    .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys
import tempfile

from playwright.sync_api import sync_playwright

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
WIDTHS = (1440, 390)
PHONE_HEIGHT = 1600


def poster_page(pdf: pathlib.Path) -> int:
    """The number of the PDF's largest page: the poster page with the whole grid."""
    from pypdf import PdfReader

    pages = PdfReader(str(pdf)).pages
    areas = [float(page.mediabox.width) * float(page.mediabox.height) for page in pages]
    return areas.index(max(areas)) + 1


def main() -> int:
    if shutil.which("pdftoppm") is None:
        print("pdftoppm is missing: apt-get install poppler-utils", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        rendered = pathlib.Path(folder)
        subprocess.run(
            [sys.executable, "-m", "cjmkit", "render", str(ROOT / "examples"), "--to", "html,pdf",
             "--out", str(rendered)],
            check=True,
        )  # fmt: skip
        pages = sorted(rendered.glob("*.html"))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for page_file in pages:
                for width in WIDTHS:
                    page = browser.new_page(viewport={"width": width, "height": PHONE_HEIGHT})
                    page.goto(page_file.as_uri())
                    # The desktop page whole; the phone page's first screens (its full length
                    # is some 10,000 px of the same stacked cards).
                    page.screenshot(path=str(OUT / f"{page_file.stem}-{width}.png"), full_page=width > 1000)
                    page.close()
            browser.close()
        for pdf in sorted(rendered.glob("*.pdf")):
            first, grid = 1, poster_page(pdf)
            for number, suffix, dpi in ((first, "pdf", "60"), (grid, "pdf-grid", "40")):
                target = OUT / f"{pdf.stem}-{suffix}"
                subprocess.run(
                    ["pdftoppm", "-png", "-r", dpi, "-f", str(number), "-l", str(number), "-singlefile",
                     str(pdf), str(target)],
                    check=True,
                )  # fmt: skip
    for image in sorted(OUT.glob("*.png")):
        print(image.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
