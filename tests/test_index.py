"""The workspace index: the client's name as the title, every segment with its maps, full texts."""

from __future__ import annotations

import html
import pathlib
import re

import pytest
import yaml

from cjmkit.renderers.i18n import Locale
from conftest import EXAMPLES, run_cjm

B2B = EXAMPLES / "b2b-crm"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("index")
    result = run_cjm("render", str(B2B), "--to", "html", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    return (out / "index.html").read_text(encoding="utf-8")


def flat(text: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def test_the_title_is_the_workspace_name(index: str) -> None:
    name = yaml.safe_load((B2B / "cjm.yaml").read_text(encoding="utf-8"))["name"]
    assert f"<h1>{html.escape(name)}</h1>" in index
    assert f"<title>{html.escape(name)}</title>" in index


def test_every_segment_is_listed_with_its_maps_and_marked_as_a_stakeholder(index: str) -> None:
    workspace = yaml.safe_load((B2B / "cjm.yaml").read_text(encoding="utf-8"))
    journeys = [
        yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((B2B / "journeys").glob("*.yaml"))
    ]
    sections = re.findall(r'<section class="maps segment">(.*?)</section>', index, flags=re.S)
    assert len(sections) == len(workspace["segments"])
    for segment, section in zip(workspace["segments"], sections, strict=True):
        assert f"<h2>{html.escape(segment['name'])}</h2>" in section
        assert Locale("en").labels["stakeholder"] in section
        # The whole description, never cut short.
        assert " ".join(segment["description"].split()) in flat(section)
        mine = [j for j in journeys if j["segment"] == segment["id"]]
        assert mine
        for journey in mine:
            assert f'href="{journey["id"]}.html"' in section
            assert html.escape(journey["title"]) in section
            assert " ".join(journey["description"].split()) in flat(section)
    assert "…" not in flat(index) and "..." not in flat(index)


def test_a_segment_without_a_map_says_so_and_other_maps_are_listed(tmp_path: pathlib.Path) -> None:
    maps = tmp_path / "maps"
    (maps / "journeys").mkdir(parents=True)
    text = (B2B / "cjm.yaml").read_text(encoding="utf-8")
    (maps / "cjm.yaml").write_text(text, encoding="utf-8")
    for path in (B2B / "journeys").glob("*.yaml"):
        if "champion" not in path.name:
            (maps / "journeys" / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    result = run_cjm("render", str(maps), "--to", "html", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    champion = re.search(r"<h2>Champion \(Head of Sales\)</h2>(.*?)</section>", page, flags=re.S)
    assert champion is not None
    assert Locale("en").labels["no_map"] in champion.group(1)


def test_a_russian_workspace_index_has_russian_labels(tmp_path: pathlib.Path) -> None:
    result = run_cjm("render", str(EXAMPLES / "front-doors"), "--to", "html", "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    labels = Locale("ru").labels
    assert html.escape(labels["maps"]) in page and html.escape(labels["journey_map"]) in page
    assert 'href="doors-homeowners.html"' in page
