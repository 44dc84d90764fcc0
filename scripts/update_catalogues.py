"""Bring the gettext catalogues in step with the code: new msgids are added (untranslated),
unused ones dropped, translations kept. Then translate the empty msgstr entries.

    .venv/bin/python scripts/update_catalogues.py          # rewrite src/cjmkit/i18n/catalogues
    .venv/bin/python scripts/update_catalogues.py --check  # exit 1 if they are not in step
"""

import sys

from cjmkit.i18n import CATALOGUES
from cjmkit.i18n.extract import LANGUAGES, untranslated, updated

check = "--check" in sys.argv[1:]
stale = []
for language in LANGUAGES:
    for name, content in updated(language).items():
        path = CATALOGUES / language / name
        if not path.exists() or path.read_bytes() != content:
            stale.append(str(path))
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
    for line in untranslated(language):
        print(f"untranslated ({language}): {line}")
for path in stale:
    print(("stale: " if check else "updated: ") + path)
sys.exit(1 if check and stale else 0)
