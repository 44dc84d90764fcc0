"""Load files on every core: each worker parses, validates and checks whole files alone.

A worker sends back what the command needs, not the whole document: for ``cjm validate``
the text (for excerpts), the diagnostics and the compact ``References`` the cross-file step
reads; the model and source positions only when the caller analyses the maps.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pathlib
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

from cjmkit.loading.document import Document, load_document
from cjmkit.loading.yaml_source import SourceMap
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


def load_checked(task: Task) -> Document:
    """One file read, parsed, validated against its model and checked on its own."""
    path, display = task
    document = load_document(path, display)
    check_file(document)
    return document


def _load_compact(task: Task) -> Document:
    document = load_checked(task)
    if document.kind == "journey":
        document.data = None
        document.model = None
        document.source_map = SourceMap()
    return document


def _start_worker() -> None:
    gc.disable()  # a worker lives for one batch of files; see collector_paused


def load_all(tasks: Sequence[Task], *, jobs: int, keep_models: bool) -> list[Document]:
    """Every file of ``tasks`` loaded and checked, in order; on ``jobs`` processes when worth it.

    Without ``keep_models``, journey documents come back without data, model and source
    positions (workspace files keep theirs: the settings check reads them).
    """
    with collector_paused():
        if jobs <= 1 or len(tasks) < 2 * MIN_FILES_PER_JOB:
            return [load_checked(task) for task in tasks]
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        worker = load_checked if keep_models else _load_compact
        chunk = max(1, min(64, len(tasks) // (jobs * 4)))
        with ProcessPoolExecutor(
            max_workers=min(jobs, len(tasks) // MIN_FILES_PER_JOB),
            mp_context=multiprocessing.get_context(method),
            initializer=_start_worker,
        ) as pool:
            return list(pool.map(worker, tasks, chunksize=chunk))
