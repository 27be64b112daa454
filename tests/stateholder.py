"""Another program holding a state file whole, in a process of its own: an sqlite3 shell in
exclusive locking mode, or a backup tool, in the middle of a write. A build's own writes never
stop a reader (they go to the write-ahead log); this does, for as long as the program likes.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

_HOLDER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA locking_mode=EXCLUSIVE")
db.execute("BEGIN EXCLUSIVE")
db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('held', 'yes')")
print("holding", flush=True)
sys.stdin.readline()
db.execute("ROLLBACK")
db.close()
"""


@contextlib.contextmanager
def held_whole(path: Path) -> Iterator[None]:
    """The state file ``path`` held by another process until the block ends; it changes
    nothing in it, and leaves nothing beside it once it lets go."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
        yield
    finally:
        holder.communicate("\n", timeout=30)
    assert holder.returncode == 0
