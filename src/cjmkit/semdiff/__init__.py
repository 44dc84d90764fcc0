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

from cjmkit.semdiff.changes import Change, compare_journeys, compare_workspaces
from cjmkit.semdiff.compare import Comparison, FileDiff, compare_findings, diff_paths, diff_revision

__all__ = [
    "Change",
    "Comparison",
    "FileDiff",
    "compare_findings",
    "compare_journeys",
    "compare_workspaces",
    "diff_paths",
    "diff_revision",
]
