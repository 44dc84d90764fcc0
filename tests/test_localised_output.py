"""A Russian map's deliverables speak Russian: no English sentence written by the tool.

The check: every run of three or more Latin words in the visible text of the HTML page
(read by Chromium), the Markdown report and the PDF must also occur in the map's own
files (a channel called "Google Ads search", a KPI "CTR ..."): what the map says may be
English, what the tool adds may not. Two-word runs are too common in Russian business text
("Email-рассылка", "Facebook Ads") to tell apart, so the check starts at three words.
"""

from __future__ import annotations

import io
import pathlib
import re
from typing import Any

import pytest
from typer.testing import CliRunner

from cjmkit.cli import app
from conftest import EXAMPLES

RUSSIAN = EXAMPLES / "front-doors"
#: Three or more Latin words in a row (letters, digits inside words, hyphens, apostrophes).
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*(?:[ \u00a0]+[A-Za-z][A-Za-z0-9'’-]*){2,}")


def map_text() -> str:
    return " ".join(" ".join(path.read_text(encoding="utf-8").split()) for path in RUSSIAN.glob("*.yaml"))


def english_runs(text: str, allowed: str) -> list[str]:
    flat = " ".join(text.replace("\u00a0", " ").split())
    allowed_flat = allowed.replace("\u00a0", " ")
    return sorted({run for run in LATIN_RUN.findall(flat) if run not in allowed_flat})


def tool_phrases() -> set[str]:
    """The English the tool can write: every msgid of the code, cut at its {fields}, each
    piece of at least four letters (shorter ones, like "KPI" or "of", are not telling)."""
    from cjmkit.i18n.extract import found

    phrases = set()
    for item in found():
        for text in item.msgid if isinstance(item.msgid, tuple) else (item.msgid,):
            for piece in re.split(r"\{[^}]*\}|[():;,.!?`*]", text):
                piece = " ".join(piece.split()).strip(" -→>+'")
                if sum(character.isalpha() for character in piece) >= 4 and piece.isascii():
                    phrases.add(piece)
    return phrases


def tool_english(text: str, allowed: str) -> list[str]:
    """Tool phrases found as whole words in ``text`` that the map itself does not contain."""
    flat = " ".join(text.replace("\u00a0", " ").split())
    allowed_flat = " ".join(allowed.replace("\u00a0", " ").split()).lower()
    return sorted(
        phrase
        for phrase in tool_phrases()
        if phrase.lower() not in allowed_flat and re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", flat)
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("ru")
    result = CliRunner().invoke(
        app, ["render", str(RUSSIAN), "--to", "html,md,pdf", "--out", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return out


def test_the_html_page_has_no_english_from_the_tool(rendered: pathlib.Path, browser: Any) -> None:
    page = browser.new_page()
    page.goto((rendered / "doors-homeowners.html").as_uri())
    visible = page.inner_text("body")
    titles = " ".join(
        page.eval_on_selector_all(
            "[title], [aria-label]",
            "els => els.map(e => e.title + ' ' + (e.getAttribute('aria-label') || ''))",
        )
    )
    page.close()
    assert "Точки роста" in visible  # the page really is the Russian one
    assert english_runs(visible + " " + titles, map_text()) == []
    assert tool_english(visible + " " + titles, map_text()) == []


def test_the_markdown_report_has_no_english_from_the_tool(rendered: pathlib.Path) -> None:
    report = (rendered / "doors-homeowners.md").read_text(encoding="utf-8")
    prose = re.sub(r"```mermaid.*?```", " ", report, flags=re.S)  # Mermaid keywords are syntax
    prose = prose.replace("\\", "")
    assert "Точки роста" in prose
    assert english_runs(prose, map_text()) == []
    assert tool_english(prose, map_text()) == []


def test_the_pdf_has_no_english_from_the_tool(rendered: pathlib.Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO((rendered / "doors-homeowners.pdf").read_bytes()))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    # PDF text extraction may split words at line ends; join hyphenated breaks first.
    text = re.sub(r"-\s+", "-", text)
    assert "Точки роста" in text
    assert english_runs(text, map_text()) == []
    assert tool_english(text, map_text()) == []


def test_the_check_finds_english_sentences() -> None:
    """The check itself: a tool sentence is caught, map text and single words are not."""
    allowed = "Контекстная реклама Google Ads search campaign"
    assert english_runs("Score 1.5: only 4.5% advance past stage", allowed) == ["advance past stage"]
    assert english_runs("Кампания Google Ads search campaign и CTR", allowed) == []
    assert english_runs("KPI below target at stage", allowed) == ["KPI below target at stage"]
    assert tool_english("Самые слабые этапы: Weakest stages", allowed) == ["Weakest stages", "stages"]
    assert tool_english("Этапы: Persona", allowed) == ["Persona"]
    assert tool_english("Кампания Google Ads search campaign", allowed) == []


TEMPLATES = pathlib.Path(__file__).resolve().parent.parent / "src" / "cjmkit" / "renderers" / "templates"
#: Words a template may write as they are: Mermaid's syntax in the Markdown report.
SYNTAX = {"journey", "title", "section", "mermaid"}


@pytest.mark.parametrize(
    "template",
    sorted(p.name for p in TEMPLATES.glob("*.j2") if "css" not in p.name and p.name != "_styles.html.j2"),
)
def test_templates_write_no_text_of_their_own(template: str) -> None:
    """Every word a template shows comes from the labels (translated) or the map: a word
    typed into the markup would reach a Russian deliverable in English."""
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    for pattern in (r"\{#.*?#\}", r"\{%.*?%\}", r"\{\{.*?\}\}", r"<style.*?</style>", r"<script.*?</script>"):
        text = re.sub(pattern, " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>|&[a-z]+;", " ", text)
    words = set(re.findall(r"[A-Za-z]{2,}", text)) - SYNTAX
    assert words == set()
