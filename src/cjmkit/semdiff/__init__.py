"""`cjm diff`: what changed between two versions of journey maps, for reviewers.

Two sides are compared: two files, two folders, or the working tree and a git
revision. Journeys are paired by journey id (a journey whose file was renamed
is one journey, with a "moved" file entry), workspace files by their path
relative to the compared folder (or to the repository root). Each side is
validated first; if either has errors, they are reported and nothing is
compared. Then:

- changes: stages, touchpoints, objections, barriers, KPIs, channels,
  segments and personas added, removed, changed (one entry per field) or moved,
  matched by id (see `cjmkit.semdiff.changes` for what "moved" means);
- findings: every lint rule runs on both sides; a finding is the same on both
  sides when its (code, journey, stage, subject) is, so moved lines and values
  quoted in messages do not make a finding "new". A removed journey's findings
  are all resolved; an added journey's are all new.

Order (deterministic): workspace files, then journeys, each sorted by file
name (a removed one by its old name). Within a file, changes follow the NEW
document (canonical key order, list order); a removed element is listed where
it stood in OLD, right after the nearest element that preceded it there and
still exists. Findings follow their file's line order: new ones in NEW,
resolved ones in OLD.

JSON (``--format json``), stable:

    {"old": "label", "new": "label", "differences": bool,
     "errors": [validation error records, as `cjm validate --format json`],
     "summary": {"journeys", "workspaces", "changes", "new_findings", "resolved_findings"},
     "workspaces": [{"file", "old_file", "status", "changes", "findings"}],
     "journeys": [{"journey", "file", "old_file", "status", "changes",
                   "findings": {"new": [finding records, as `cjm lint --format json`],
                                "resolved": [...]}}]}

Only files with differences are listed; ``status`` is ``added``, ``removed``
or ``changed``. A change is
``{"kind", "id", "stage", "change", "field", "old", "new", "summary"}``:

- ``kind``: journey, workspace, stage, touchpoint, objection, barrier, kpi,
  channel, segment or persona; ``id`` its id (null for the workspace itself);
  ``stage``: the stage it belongs to (a stage's own id; null elsewhere);
- ``change`` ``added``: ``field`` null, ``new`` the element as written;
  ``removed``: ``old`` the element as written;
- ``changed``: ``field`` the key (as in the file), ``old``/``new`` its values
  (null when absent);
- ``moved``: ``field`` ``position`` (``old``/``new`` 1-based positions in the
  list), ``stage`` (a touchpoint, objection, barrier or KPI now under another
  stage: ``old``/``new`` stage ids) or ``file`` (old/new file names);
- ``summary``: one line for people, texts shortened, e.g.
  ``KPI ctr actual 0.032 → 0.041 (target 0.05)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from cjmkit.registry import Registry

if TYPE_CHECKING:
    from cjmkit.semdiff.compare import Comparison

DiffWriter = Callable[["Comparison", TextIO], None]

#: ``cjm diff --format`` choices. Imported by ``cjm --help``: the writers load on first use, and
#: this package's modules are imported by name (``cjmkit.semdiff.compare``), never from here.
DIFF_FORMATS: Registry[DiffWriter] = Registry("diff format")
DIFF_FORMATS.register("text", "for people, in a terminal", "cjmkit.semdiff.report:report_text")
DIFF_FORMATS.register("md", "Markdown for a pull-request comment", "cjmkit.semdiff.report:report_md")
DIFF_FORMATS.register("json", "a stable machine-readable document", "cjmkit.semdiff.report:report_json")
