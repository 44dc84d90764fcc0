"""The one code table: every code unique, documented in the README and described to SARIF."""

from __future__ import annotations

from cjmkit import codes
from cjmkit.diagnostics import Severity
from cjmkit.reporters.sarif import rule_descriptors
from conftest import ROOT


def test_every_code_and_name_is_unique() -> None:
    assert len({code.code for code in codes.ALL}) == len(codes.ALL)
    assert len({code.name for code in codes.ALL}) == len(codes.ALL)


def test_the_table_holds_every_family() -> None:
    letters = {code.code[0] for code in codes.ALL}
    assert letters == set(codes.FAMILIES) == {"V", "M", "C", "I"}


def test_every_code_is_in_the_readme_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- BEGIN generated: codes -->", 1)[1].split("<!-- END generated: codes -->")[0]
    for code in codes.ALL:
        assert f"| {code.code} | `{code.name}` |" in table


def test_every_code_is_a_sarif_rule_at_its_severity() -> None:
    descriptors = {d["id"]: d for d in rule_descriptors()}
    level = {Severity.ERROR: "error", Severity.WARNING: "warning"}
    for code in codes.ALL:
        assert descriptors[code.code]["name"] == code.name
        assert descriptors[code.code]["defaultConfiguration"]["level"] == level[code.severity]
    assert descriptors["M101"]["defaultConfiguration"]["level"] == "warning"
