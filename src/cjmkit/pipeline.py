"""The pipeline every command over maps runs: discover -> load -> validate -> analyse.

``load_maps`` is the one validation pass: each file parsed and validated against the
models, the cross-file checks, and the workspace's `analysis:` settings checked against the
rule catalogue. ``cjm validate`` stops there; lint, render, diff and convert analyse the
same Project, so every command reports the same validation errors.
"""

from __future__ import annotations

import pathlib
from collections.abc import Sequence

from cjmkit.project import Keep, Project, load_project


def load(
    paths: Sequence[pathlib.Path],
    *,
    whole_workspaces: bool = False,
    only_maps: bool = False,
    jobs: int | None = None,
    keep: Keep = Keep.MODELS,
) -> Project:
    """Discover, load and validate the maps under ``paths`` on ``jobs`` processes (default:
    every core), keeping of each journey what ``keep`` says."""
    from cjmkit.analysis.settings import check_settings
    from cjmkit.project.parallel import default_jobs

    project = load_project(
        paths,
        whole_workspaces=whole_workspaces,
        only_maps=only_maps,
        jobs=default_jobs() if jobs is None else jobs,
        keep=keep,
    )
    for document in project.workspaces:
        if document.data is not None:
            check_settings(document)
    return project
