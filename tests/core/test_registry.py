"""Plug-ins are imported when asked for, not when another id is looked up."""

from __future__ import annotations

import subprocess
import sys


def test_a_plugin_is_imported_only_when_it_is_asked_for() -> None:
    # seen: with a plain `pip install .` (no `es` extra), `govsoc demo` on SQLite failed with
    # "No module named 'sigma.backends.elasticsearch'": looking up the sqlite rule backend
    # imported every plug-in of the group, the Elasticsearch one included.
    code = (
        "import sys\n"
        "from govsoc.rules.backends.base import backends\n"
        "assert 'elasticsearch' in backends.ids() and 'sqlite' in backends.ids()\n"
        "backends.get('sqlite')\n"
        "print('govsoc.rules.backends.lucene' in sys.modules, 'sigma.backends.elasticsearch' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
