"""A new user's first command, as the README writes it, in a fresh clone."""

from __future__ import annotations

import pathlib
import shutil
import subprocess

from conftest import ROOT


def test_readme_demo_command_in_a_fresh_clone(tmp_path: pathlib.Path) -> None:
    assert shutil.which("git"), "git is needed to clone"
    clone = tmp_path / "cjmkit"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    process = subprocess.run(["./scripts/demo.sh"], cwd=clone, capture_output=True, text=True, timeout=900)
    assert process.returncode == 0, process.stdout + process.stderr
    assert "files valid." in process.stdout
    assert (clone / ".venv" / "bin" / "cjm").exists()
    assert (clone / "build" / "cjm" / "index.html").is_file()
    assert (clone / "build" / "cjm" / "doors-homeowners.md").is_file()
