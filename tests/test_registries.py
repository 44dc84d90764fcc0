"""Each kind of output has one registry, and the command's choices and help come from it."""

from __future__ import annotations

import pytest

from cjmkit.errors import UsageError
from cjmkit.interop import FILE_FORMATS
from cjmkit.registry import Registry
from cjmkit.reporters import REPORTERS
from cjmkit.semdiff import DIFF_FORMATS
from conftest import run_cjm


@pytest.mark.parametrize(
    ("command", "registry"),
    [
        (["validate"], REPORTERS),
        (["lint"], REPORTERS),
        (["diff"], DIFF_FORMATS),
        (["convert"], FILE_FORMATS),
    ],
)
def test_help_lists_every_registered_name_with_its_summary(
    command: list[str], registry: Registry[object]
) -> None:
    shown = " ".join(run_cjm(*command, "--help").stdout.split())
    for name in registry:
        assert f"{name}: {' '.join(registry.entry(name).summary.split())}" in shown


def test_unknown_names_get_a_hint_and_duplicates_are_refused() -> None:
    with pytest.raises(
        UsageError, match=r"unknown output format 'jsn' \(did you mean 'json'\?\); choose from"
    ):
        REPORTERS["jsn"]
    with pytest.raises(ValueError, match="registered twice"):
        REPORTERS.register("json", "again", REPORTERS["json"])


def test_lazy_entries_load_their_implementation() -> None:
    for name in DIFF_FORMATS:
        assert callable(DIFF_FORMATS[name])
