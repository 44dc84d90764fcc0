"""Live mode of the HTML deliverable (`cjm serve`): source links and findings on the cards.

Off by default: a plain `cjm render` has none of it (its byte-identical goldens are in test_render).
"""

from __future__ import annotations

import html
import pathlib
import re
import shutil
from typing import Any

import pytest

from cjmkit.analysis import AnalysisResult
from cjmkit.analysis.engine import analyse, selected_rules
from cjmkit.cli.common import load_maps
from cjmkit.errors import CjmError
from cjmkit.project import Project
from cjmkit.renderers.context import DEFAULT_EDITOR, Brand, check_editor, editor_href
from cjmkit.renderers.pipeline import RenderResult, render_project
from conftest import EXAMPLES, FIXTURES, run_cjm
from test_a11y import html_validate
from test_html import visit

__all__ = ["visit"]  # the page fixture of test_html, used here too (browser is in conftest)

EMAIL_SHOP = EXAMPLES / "email-shop" / "journey.yaml"
LINK = re.compile(
    r'<a class="src" href="vscode://file(/[^"]*):(\d+):(\d+)" title="Open in editor">'
    r'<span aria-hidden="true">&#8599;</span><span class="visually-hidden">Open in editor: ([^<]*)</span></a>'
)
BADGE = re.compile(
    r'<span class="live-badge sev-(error|warning|info)" role="img" aria-label="([^"]*)" title="[^"]*">'
    r'(\d+)</span><a class="src" href="[^"]*:(\d+):(\d+)"'
)


def load(*paths: pathlib.Path) -> tuple[Project, AnalysisResult]:
    project = load_maps(list(paths), only_maps=False, whole_workspaces=True)
    return project, analyse(project, selected_rules([], []))


def render_live(*paths: pathlib.Path, out: pathlib.Path, **options: Any) -> RenderResult:
    project, analysis = load(*paths)
    options.setdefault("editor", DEFAULT_EDITOR)
    return render_project(project, analysis, ["html"], out, lambda _: Brand(), **options)


def positions(text: str) -> dict[str, tuple[int, int]]:
    """Line and column of each `- id: <id>` item of a YAML file, by id (each id once in the file)."""
    found: dict[str, tuple[int, int]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.fullmatch(r"(\s*- )id: ([\w-]+)\s*", line)
        if match:
            assert match.group(2) not in found, f"{match.group(2)} twice: the test needs unique ids"
            found[match.group(2)] = (number, len(match.group(1)) + 1)
    return found


@pytest.fixture(scope="module")
def email_shop(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("live")
    result = render_live(EMAIL_SHOP, out=out)
    assert result.written == [out / "email-shop-lifecycle.html"] and not result.failed
    return (out / "email-shop-lifecycle.html").read_text(encoding="utf-8")


def test_every_card_links_to_its_line_and_column(email_shop: str) -> None:
    project, _ = load(EMAIL_SHOP)
    (document,) = project.journeys
    assert document.journey is not None
    where = positions(EMAIL_SHOP.read_text(encoding="utf-8"))
    expected: list[tuple[str, int, int, str]] = []
    for stage in document.journey.stages:
        cards = [(stage.id, stage.name)]
        cards += [(tp.id, tp.name) for tp in stage.touchpoints]
        cards += [(o.id, o.text) for o in stage.objections] + [(b.id, b.text) for b in stage.barriers]
        cards += [(k.id, k.name) for k in stage.kpis]
        expected += [(str(EMAIL_SHOP.resolve()), *where[card], name) for card, name in cards]
    links = [
        (path, int(line), int(column), html.unescape(name))
        for path, line, column, name in LINK.findall(email_shop)
    ]
    assert sorted(links) == sorted(expected)
    # 5 stages, 24 touchpoints, 7 objections, 7 barriers, 13 KPIs: one link each, none elsewhere.
    assert len(links) == 56 == email_shop.count('class="src"') == email_shop.count("vscode:")
    # The touchpoint `cart-email-1` is the YAML's `- id: cart-email-1` item at line 190, column 9.
    assert where["cart-email-1"] == (190, 9)
    assert 'journey.yaml:190:9" title="Open in editor"' in email_shop


def test_findings_sit_on_the_cards_they_concern(email_shop: str) -> None:
    project, analysis = load(EMAIL_SHOP)
    (document,) = project.journeys
    assert document.journey is not None
    where = positions(EMAIL_SHOP.read_text(encoding="utf-8"))
    expected: dict[tuple[int, int], list[str]] = {}
    for finding in analysis.for_journey(document.display).findings:
        assert finding.stage is not None, finding  # every finding of this map concerns a stage
        card = finding.subject if finding.subject in where else finding.stage
        expected.setdefault(where[card], []).append(finding.message)
    badges = {(int(line), int(column)): (severity, label, int(count))
              for severity, label, count, line, column in BADGE.findall(email_shop)}  # fmt: skip
    assert set(badges) == set(expected)
    assert sum(count for _, _, count in badges.values()) == 12  # `cjm lint`: 7 warnings, 5 notes
    for place, messages in expected.items():
        _, label, count = badges[place]
        assert count == len(messages)
        assert html.unescape(label) == "Findings: " + "; ".join(messages)
    # The cart-recovery KPI misses its target by 25 %: a warning on that KPI's card, not the stage's.
    assert badges[where["cart-recovery-rate"]][0] == "warning"
    assert "Abandoned carts recovered by the chain" in badges[where["cart-recovery-rate"]][1]


def test_a_card_with_several_findings_counts_them_and_shows_the_worst(tmp_path: pathlib.Path) -> None:
    source = FIXTURES / "hostile" / "journey.yaml"
    render_live(source, out=tmp_path, audience="team")
    (page,) = (path.read_text(encoding="utf-8") for path in tmp_path.glob("*.html"))
    _, analysis = load(source)
    where = positions(source.read_text(encoding="utf-8"))
    # A finding about the stage itself, or about nothing shown as a card, goes on the stage header.
    on_stage = [
        f for f in analysis.findings if f.stage == "two" and (f.subject == "two" or f.subject not in where)
    ]
    assert len(on_stage) >= 2
    badges = {(int(line), int(column)): (severity, html.unescape(label), int(count))
              for severity, label, count, line, column in BADGE.findall(page)}  # fmt: skip
    worst = max((f.severity for f in on_stage), key=lambda severity: severity.rank).value
    severity, label, count = badges[where["two"]]
    assert (severity, count) == (worst, len(on_stage))
    assert label == "Findings: " + "; ".join(f.message for f in on_stage)


def test_the_switch_shows_and_hides_the_badges(tmp_path: pathlib.Path, visit: Any) -> None:
    render_live(EMAIL_SHOP, out=tmp_path)
    path = tmp_path / "email-shop-lifecycle.html"
    page_text = path.read_text(encoding="utf-8")
    assert page_text.count('type="checkbox"') == 1
    assert (
        '<input type="checkbox" id="live-findings" checked><label for="live-findings">Show findings</label>'
        in page_text
    )
    assert "<script" not in page_text
    page = visit(path)
    badges = page.page.locator(".live-badge")
    assert badges.count() == 12 and badges.first.is_visible()
    page.page.get_by_label("Show findings").uncheck()
    assert all(not badges.nth(i).is_visible() for i in range(badges.count()))
    assert page.page.locator("a.src").first.is_visible()  # the links stay
    page.page.get_by_label("Show findings").check()
    assert badges.first.is_visible()
    assert page.errors == [] and page.foreign_requests() == []


def test_a_normal_render_has_no_live_mode(tmp_path: pathlib.Path) -> None:
    result = run_cjm("render", str(EXAMPLES), "--to", "html", "--out", str(tmp_path))
    assert result.exit_code == 0, result.stdout
    pages = sorted(tmp_path.glob("*.html"))
    assert len(pages) == 8
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for mark in ("vscode:", 'class="src"', "live-badge", "live-findings", '<span class="live">', ".live"):
            assert mark not in text, (page.name, mark)


def test_live_mode_changes_only_the_cards_and_the_header(tmp_path: pathlib.Path) -> None:
    """Removing the live markup gives back the deliverable, byte for byte."""
    assert run_cjm("render", str(EMAIL_SHOP), "--to", "html", "--out", str(tmp_path / "plain")).exit_code == 0
    render_live(EMAIL_SHOP, out=tmp_path / "live")
    plain = (tmp_path / "plain" / "email-shop-lifecycle.html").read_text(encoding="utf-8")
    live = (tmp_path / "live" / "email-shop-lifecycle.html").read_text(encoding="utf-8")
    live = re.sub(r'<span class="live">.*?</a></span>', "", live)
    live = re.sub(r'\n    <p class="live-switch">.*?</p>', "", live)
    # The live styles: from their comment to the print rule that ends them.
    live = re.sub(
        r"\n/\* Live mode .*?\n@media print \{ \.live, \.live-switch \{ display: none; \} \}",
        "",
        live,
        flags=re.S,
    )
    assert live == plain


@pytest.mark.parametrize(
    "template",
    ["javascript:alert(1)//{path}", "JavaScript:alert(1)//{path}", " vscode://file/{path}", "{path}",
     "data:text/html,{path}", "vbscript:{path}", "//evil.example/{path}", "vscode://file/no-path"],
)  # fmt: skip
def test_a_hostile_or_broken_editor_template_is_refused(tmp_path: pathlib.Path, template: str) -> None:
    with pytest.raises(CjmError) as refused:
        render_live(EMAIL_SHOP, out=tmp_path, editor=template)
    assert refused.value.exit_code == 2
    assert "editor link" in str(refused.value)
    assert not tmp_path.exists() or not any(tmp_path.iterdir())  # refused before anything is written


@pytest.mark.parametrize(
    "template",
    ["vscode://file/{path}:{line}:{column}", "cursor://file/{path}:{line}", "idea://open?file={path}&line={line}",
     "subl://open?url=file://{path}&line={line}", "file://{path}", "https://example.com/edit?f={path}#L{line}",
     "VSCODE://file/{path}"],
)  # fmt: skip
def test_editor_schemes_that_are_accepted(template: str) -> None:
    assert check_editor(template) == template


def test_a_path_with_spaces_and_quotes_is_percent_encoded(tmp_path: pathlib.Path) -> None:
    folder = tmp_path / """my "maps" & 'notes' #1 100% <b>"""
    folder.mkdir()
    shutil.copy(EMAIL_SHOP, folder / "journey.yaml")
    render_live(folder / "journey.yaml", out=tmp_path / "out")
    page = (tmp_path / "out" / "email-shop-lifecycle.html").read_text(encoding="utf-8")
    encoded = "/my%20%22maps%22%20%26%20%27notes%27%20%231%20100%25%20%3Cb%3E/journey.yaml"
    links = LINK.findall(page)
    assert len(links) == 56 and all(path.endswith(encoded) for path, *_ in links)
    assert "<b>/" not in page and '"maps"' not in page and "'notes'" not in page


def test_editor_href_names_the_file_for_every_kind_of_template() -> None:
    path = pathlib.Path("/srv/client maps/journey.yaml")
    assert editor_href(DEFAULT_EDITOR, path, 7, 5) == "vscode://file/srv/client%20maps/journey.yaml:7:5"
    assert editor_href("file://{path}", path, 7, 5) == "file:///srv/client%20maps/journey.yaml"
    assert editor_href("file:///{path}", path, 7, 5) == "file:///srv/client%20maps/journey.yaml"
    assert (
        editor_href("cursor://file{path}:{line}", path, 7, 5)
        == "cursor://file/srv/client%20maps/journey.yaml:7"
    )
    assert editor_href("idea://open?file={path}&line={line}", path, 7, 5) == (
        "idea://open?file=/srv/client%20maps/journey.yaml&line=7"
    )
    # Only the three placeholders are filled: no format fields, no attribute lookups.
    assert editor_href("vscode://file/{path}:{line}:{0}{path.__class__}", path, 1, 2) == (
        "vscode://file/srv/client%20maps/journey.yaml:1:{0}{path.__class__}"
    )


def test_write_index_false_writes_the_maps_but_no_index(tmp_path: pathlib.Path) -> None:
    without = render_live(EXAMPLES, out=tmp_path / "without", write_index=False)
    assert not (tmp_path / "without" / "index.html").exists()
    assert len(without.written) == 7 and all(path.suffix == ".html" for path in without.written)
    with_index = render_live(EXAMPLES, out=tmp_path / "with", editor=None)
    assert (tmp_path / "with" / "index.html").exists() and len(with_index.written) == 8


def test_russian_map_labels_and_findings_in_russian(tmp_path: pathlib.Path) -> None:
    render_live(EXAMPLES / "front-doors" / "homeowners.yaml", out=tmp_path)
    page = (tmp_path / "doors-homeowners.html").read_text(encoding="utf-8")
    assert '<label for="live-findings">Показывать замечания</label>' in page
    assert '<span class="visually-hidden">Открыть в редакторе: ' in page
    labels = [label for _, label, *_ in BADGE.findall(page)]
    assert labels and all(label.startswith("Замечания: ") for label in labels)
    assert all(re.search("[а-яА-Я]", label.removeprefix("Замечания: ")) for label in labels)


def test_live_pages_pass_html_validate(tmp_path: pathlib.Path) -> None:
    render_live(EXAMPLES, out=tmp_path / "examples")
    render_live(FIXTURES / "hostile" / "journey.yaml", out=tmp_path / "hostile", audience="team")
    pages = sorted(tmp_path.glob("*/*.html"))
    assert len(pages) == 9 and all(
        "live-badge" in p.read_text(encoding="utf-8") for p in pages if p.stem != "index"
    )
    assert html_validate(pages) == {page.stem: [] for page in pages}


def test_the_sandbox_gives_user_templates_the_same_live_page(tmp_path: pathlib.Path) -> None:
    (tmp_path / "templates").mkdir()
    render_live(EXAMPLES, out=tmp_path / "a")
    render_live(EXAMPLES, out=tmp_path / "b", templates=tmp_path / "templates")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
