"""Load files on every core: each worker parses, validates and checks whole files alone.

A worker sends back what the command needs, not the whole document: for ``cjm validate``
the text (for excerpts), the diagnostics and the compact ``References`` the cross-file step
reads; the data and source positions only when the caller analyses the maps (see ``Keep``).
"""

from __future__ import annotations

import contextlib
import enum
import functools
import gc
import multiprocessing
import os
import pathlib
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

from cjmkit.loading.document import Document, load_document
from cjmkit.loading.yaml_source import PackedSourceMap, SourceMap
from cjmkit.models import Journey, Workspace
from cjmkit.project.checks import check_file

#: Below this many files per worker, starting processes costs more than it saves.
MIN_FILES_PER_JOB = 16

Task = tuple[pathlib.Path, str]


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Loading builds many small objects and no cycles: the cyclic collector would only walk
    every object built so far again and again (40 % of a 300-map validate).

    What was loaded is then frozen (moved out of the collector's sight), or the first
    collection after loading would walk all of it once more (0.8 s at 1,000 maps). A
    long-running caller that drops a project should ``gc.unfreeze()`` to let it go.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


class Keep(enum.Enum):
    """What of a loaded journey the command needs after the validation pass."""

    #: Text, diagnostics and references: all ``cjm validate`` reports.
    FINDINGS = "findings"
    #: Also the model and the source positions: what analysis and rendering read.
    MODELS = "models"
    #: Also the parsed data: what in-place edits compare against.
    ALL = "all"


def load_checked(task: Task) -> Document:
    """One file read, parsed, validated against its model and checked on its own."""
    path, display = task
    document = load_document(path, display)
    check_file(document)
    return document


def keep_only(document: Document, keep: Keep) -> Document:
    """Let go of what the caller does not need (workspace files are kept whole: the
    settings check reads their data, and there is one per workspace)."""
    if document.kind == "workspace" or keep is Keep.ALL:
        return document
    document.data = None
    if keep is Keep.FINDINGS:
        document.model = None
        document.source_map = SourceMap()
    elif isinstance(document.source_map, SourceMap):
        document.source_map = PackedSourceMap(document.source_map)
    return document


def _load_in_worker(task: Task, keep: Keep) -> tuple[Document, bool]:
    """The document, and whether its model validated. The model itself is rebuilt from the
    data by the caller: pickling pydantic objects costs more than validating again."""
    document = load_checked(task)
    valid = document.model is not None
    if keep is not Keep.FINDINGS and document.kind == "journey":
        document.model = None
        if keep is Keep.MODELS and isinstance(document.source_map, SourceMap):
            document.source_map = PackedSourceMap(document.source_map)  # a third to pickle
        return document, valid
    return keep_only(document, keep), valid


def _rebuild(document: Document, valid: bool, keep: Keep) -> Document:
    if valid and document.model is None and document.data is not None:
        model = Journey if document.kind == "journey" else Workspace
        document.model = model.model_validate(document.data)
    return keep_only(document, keep)


def _start_worker() -> None:
    gc.disable()  # a worker lives for one batch of files; see collector_paused


def load_all(tasks: Sequence[Task], *, jobs: int, keep: Keep) -> list[Document]:
    """Every file of ``tasks`` loaded and checked, in order; on ``jobs`` processes when worth it."""
    with collector_paused():
        if jobs <= 1 or len(tasks) < 2 * MIN_FILES_PER_JOB:
            return [keep_only(load_checked(task), keep) for task in tasks]
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        chunk = max(1, min(64, len(tasks) // (jobs * 4)))
        with ProcessPoolExecutor(
            max_workers=min(jobs, len(tasks) // MIN_FILES_PER_JOB),
            mp_context=multiprocessing.get_context(method),
            initializer=_start_worker,
        ) as pool:
            loaded = pool.map(functools.partial(_load_in_worker, keep=keep), tasks, chunksize=chunk)
            return [_rebuild(document, valid, keep) for document, valid in loaded]
