"""Advisory locks that keep two cjm commands from editing the same maps at once.

`cjm fmt` and `cjm metrics import` read a map, change it in memory and write it back.
Two such runs overlapping on one file would each write their own version and one
would lose the other's change. So both hold :func:`editing` over every file they may
write, from before the first read to after the last write.

The lock is an ``fcntl.flock`` on each file's *folder* (the folder of the file a
symbolic link names), not on the file nor on a lock file beside it:

- a lock on the map itself would sit on the inode the atomic rename replaces, so the
  next waiter would lock a file that is no longer the map;
- a lock file beside each map would leave litter in the user's repository;
- a folder keeps its inode across renames, can be opened read-only even when it is
  not writable, and a lock on it is released by the kernel when the process ends,
  however it ends.

Folders are locked in one global order (device, inode) so that two runs over
overlapping sets of folders cannot deadlock. The lock is advisory: it orders cjm runs
among themselves; other programs are caught by the writer's check that the file is
still the one that was read (:class:`cjmkit.output.Snapshot`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pathlib
import time
from collections.abc import Iterable, Iterator

from cjmkit.errors import CjmError

#: How long to wait for another cjm run editing the same folder before giving up.
WAIT_SECONDS = 120.0


class LockTimeout(CjmError):
    """Another cjm run kept the maps' folder locked for too long."""


@contextlib.contextmanager
def editing(paths: Iterable[pathlib.Path], wait: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold an exclusive lock on the folder of each of ``paths`` for the duration of the block."""
    handles: dict[tuple[int, int], tuple[int, pathlib.Path]] = {}
    try:
        for path in paths:
            folder = pathlib.Path(os.path.realpath(path)).parent
            try:
                handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
            except OSError:
                continue  # a missing folder holds no map to protect; the read reports the problem
            status = os.fstat(handle)
            key = (status.st_dev, status.st_ino)
            if key in handles:
                os.close(handle)
            else:
                handles[key] = (handle, folder)
        for key in sorted(handles):
            handle, folder = handles[key]
            _lock(handle, folder, wait)
        yield
    finally:
        for handle, _ in handles.values():
            os.close(handle)  # closing the last descriptor releases the lock


def _lock(handle: int, folder: pathlib.Path, wait: float) -> None:
    deadline = time.monotonic() + wait
    delay = 0.005
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockTimeout(
                    f"another cjm command has been editing maps in {folder} for {wait:.0f} s; try again later"
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.1)
        except OSError:
            return  # a file system without flock: edits still refuse files changed since they were read
