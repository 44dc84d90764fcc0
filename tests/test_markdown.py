"""Markdown report: escaping per place in a line (checked with a CommonMark/GFM parser), the
layout of the header, and the Mermaid `journey` block (actors, clipped labels)."""

from __future__ import annotations

import html.parser
import pathlib
import re

import pytest
from markdown_it import MarkdownIt

from cjmkit.escaping import clip, md, mermaid
from conftest import EXAMPLES, run_cjm

# Every place the report writes map text, with what GFM needs escaped there.
# (text, text (inside a line), block (paragraph / list item start), cell, heading)
CASES = [
    ("Уходит с сайта-каталога, конверсия 0.17", *["Уходит с сайта-каталога, конверсия 0.17"] * 4),
    ("a | b", "a | b", "a | b", "a \\| b", "a | b"),
    ("2 * 3 и *важно*", *["2 \\* 3 и \\*важно\\*"] * 4),
    ("snake_case_name и _курсив_", *["snake_case_name и \\_курсив\\_"] * 4),
    ("# Заголовок", "# Заголовок", "\\# Заголовок", "# Заголовок", "# Заголовок"),
    ("- пункт", "- пункт", "\\- пункт", "- пункт", "- пункт"),
    ("+ пункт", "+ пункт", "\\+ пункт", "+ пункт", "+ пункт"),
    ("1. пункт", "1. пункт", "1\\. пункт", "1. пункт", "1. пункт"),
    ("---", "---", "\\---", "---", "---"),
    ("> цитата", "> цитата", "\\> цитата", "> цитата", "> цитата"),
    ("-5% к плану", "-5% к плану", "-5% к плану", "-5% к плану", "-5% к плану"),
    ("Итог #", "Итог #", "Итог #", "Итог #", "Итог \\#"),
    ("<script>alert(1)</script>", *["&lt;script>alert(1)&lt;/script>"] * 4),
    ("2 < 3 > 1", *["2 < 3 > 1"] * 4),
    ("[x](javascript:alert(1))", *["\\[x\\]\\(javascript:alert(1))"] * 4),
    ("![img](http://evil/x.png)", *["!\\[img\\]\\(http://evil/x.png)"] * 4),
    ("`code` и ~~зачёркнуто~~", *["\\`code\\` и \\~\\~зачёркнуто\\~\\~"] * 4),
    ("C:\\Users и \\*", *["C:\\Users и \\\\\\*"] * 4),
    ("&copy; & Co", *["\\&copy; & Co"] * 4),
]
PLACES = ("text", "block", "cell", "heading")


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_md_escapes_only_what_each_place_needs(case: tuple[str, ...]) -> None:
    text, *expected = case
    assert [md(text, place) for place in PLACES] == expected  # type: ignore[arg-type]


class _Reader(html.parser.HTMLParser):
    """The text and the tags of rendered HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


GFM = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def rendered(markdown: str) -> tuple[str, list[str]]:
    reader = _Reader()
    reader.feed(GFM.render(markdown))
    return "".join(reader.text).strip(), reader.tags


def cells(markdown: str) -> list[str]:
    """The body cells of the one table in ``markdown``, as text."""
    html_text = GFM.render(markdown)
    body = html_text.split("<tbody>")[1]
    found = []
    for chunk in body.split("<td>")[1:]:
        reader = _Reader()
        reader.feed(chunk.split("</td>")[0])
        found.append("".join(reader.text))
    return found


@pytest.mark.parametrize("text", [c[0] for c in CASES])
@pytest.mark.parametrize("place", ["any", *PLACES])
def test_a_gfm_parser_shows_the_same_text_in_every_place(text: str, place: str) -> None:
    """Each escaped text, where the report puts it, reads back as the text: no tag, link or split."""
    escaped = md(text, place)  # type: ignore[arg-type]
    if place in ("any", "block"):
        assert rendered(escaped + "\n") == (text, ["p"])
        assert rendered(f"- {escaped}\n") == (text, ["ul", "li"])
    if place in ("any", "text"):
        assert rendered(f"**Owner:** {escaped}\n") == (f"Owner: {text}", ["p", "strong"])
    if place in ("any", "heading"):
        assert rendered(f"## Persona: {escaped}\n") == (f"Persona: {text}", ["h2"])
        assert rendered(f"# {escaped}\n") == (text, ["h1"])
    if place in ("any", "cell"):
        table = f"| a | b |\n|---|---|\n| {escaped} | after |\n| **{escaped}** | x |\n"
        assert cells(table) == [text, "after", text, "x"]


def test_md_flattens_line_breaks_and_none() -> None:
    assert md("one\ntwo\r\n  three", "cell") == "one two three"
    assert md(None) == ""


def map_yaml(channel: str, touchpoint: str, stage: str = "Look around") -> str:
    return (
        "cjm: 1\nid: small\ntitle: Small map\nlocale: en\nowner: Marketing team\n"
        f'channels:\n  - id: mix\n    name: "{channel}"\n'
        f'stages:\n  - id: look\n    name: "{stage}"\n    emotion: 1\n    touchpoints:\n'
        f'      - id: visit\n        name: "{touchpoint}"\n        channel: mix\n'
    )


def render_md(tmp_path: pathlib.Path, text: str) -> str:
    source = tmp_path / "journey.yaml"
    source.write_text(text, encoding="utf-8")
    result = run_cjm("render", str(source), "--to", "md", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    return (tmp_path / "out" / "small.md").read_text(encoding="utf-8")


def test_segment_description_is_followed_by_a_blank_line_before_owner(tmp_path: pathlib.Path) -> None:
    result = run_cjm(
        "render", str(EXAMPLES / "front-doors"), "--to", "md", "--locale", "en", "--out", str(tmp_path)
    )
    assert result.exit_code == 0
    report = (tmp_path / "doors-homeowners.md").read_text(encoding="utf-8")
    header = report.split("\n## ")[0]
    assert "потом внешний вид.\n\n**" in header  # the segment's description ends its paragraph
    assert not re.search(r"[^\n]\n\*\*", header)  # every "**Label:**" line starts a paragraph
    _, tags = rendered(header)
    labels = header.count("\n**")
    assert labels >= 3  # segment, (owner,) date, economics
    assert tags == ["h1", "p"] + ["p", "strong"] * labels


def test_russian_report_keeps_hyphens_and_decimal_points(tmp_path: pathlib.Path) -> None:
    result = run_cjm("render", str(EXAMPLES / "front-doors"), "--to", "md", "--out", str(tmp_path))
    assert result.exit_code == 0
    report = (tmp_path / "doors-homeowners.md").read_text(encoding="utf-8")
    assert "уходит с сайта-каталога без покупки" in report
    assert "\\-" not in report.split("## ")[1] and "\\." not in report.split("## ")[1]  # persona
    assert "**Сегмент:** Владельцы частных домов — " in report
    assert "потом внешний вид.\n\n**" in report


def mermaid_tasks(report: str) -> list[str]:
    block = report.split("```mermaid\n")[1].split("```")[0]
    return [line.strip() for line in block.splitlines() if line.startswith("      ")]


def test_a_channel_with_commas_is_one_mermaid_actor(tmp_path: pathlib.Path) -> None:
    report = render_md(tmp_path, map_yaml("Email, SMS,  push", "Visit"))
    (task,) = mermaid_tasks(report)
    name, score, actors = task.split(": ")
    assert (name, score) == ("Visit", "4")
    assert actors.split(",") == ["Email / SMS / push"]  # Mermaid splits actors at commas
    assert mermaid("a,,b,", "actor") == "a / b"


def test_long_mermaid_labels_are_clipped_at_a_word_and_kept_whole_in_the_table(
    tmp_path: pathlib.Path,
) -> None:
    long_touchpoint = "Personal catalogue request form on the landing page with reviews"
    long_channel = "Targeted social advertising (retargeting by pixel)"
    long_stage = "Email series about locks, fittings and home alarm systems"
    report = render_md(tmp_path, map_yaml(long_channel, long_touchpoint, long_stage))
    (task,) = mermaid_tasks(report)
    assert task == "Personal catalogue request form on the…: 4: Targeted social advertising…"
    assert "    section Email series about locks, fittings and…\n" in report
    for label in (task.split(": ")[0], task.split(": ")[2]):
        assert len(label) <= 40 and label.endswith("…")
        assert long_touchpoint.startswith(label[:-1]) or long_channel.startswith(label[:-1])
    assert f"| {long_touchpoint} ({long_channel}) |" in report
    assert f"| **{long_stage}** |" in report


def test_clip_cuts_at_a_word_boundary() -> None:
    assert clip("short", 40) == "short"
    assert clip("one two three", 10) == "one two…"
    assert clip("one two, three", 9) == "one two…"  # no dangling comma
    assert clip("Supercalifragilistic", 6) == "Super…"  # a single long word is cut inside
    assert len(clip("word " * 20, 40)) <= 40


def test_weakest_stage_scores_follow_the_locale(tmp_path: pathlib.Path) -> None:
    result = run_cjm("render", str(EXAMPLES / "front-doors"), "--to", "md", "--out", str(tmp_path))
    assert result.exit_code == 0
    report = (tmp_path / "doors-homeowners.md").read_text(encoding="utf-8")
    weakest = report.split("## Самые слабые этапы")[1].split("\n## ")[0]
    rows = [line for line in weakest.splitlines() if line.startswith("| 1 ")]
    assert rows and "," in rows[0].split(" | ")[2] and "." not in rows[0].split(" | ")[2], rows
