"""Read a file of at most N bytes, and only if it is a regular file.

Every file cjmkit reads that a user or a repository supplies goes through
:func:`read_bounded`: a FIFO, a device such as ``/dev/zero`` or a socket, also behind
a symlink, is refused without reading it (a FIFO is not even opened for long: it is
opened non-blocking, so no writer is waited for), and no more than ``limit + 1``
bytes are ever read, so a file that grows while it is read cannot exhaust memory.
"""

from __future__ import annotations

import errno
import os
import pathlib
import stat


class NotRegularFile(OSError):
    """The path is a FIFO, a device, a socket or a folder: refused without reading it.

    An ``OSError``, so that handlers of unreadable files report it with its ``strerror``.
    """


class FileTooLarge(Exception):
    """The file holds more than ``limit`` bytes."""

    def __init__(self, limit: int, size: int) -> None:
        super().__init__(f"file is over {limit} bytes")
        self.limit = limit
        #: The size as far as it is known: at least ``limit + 1``.
        self.size = size


def kind_of_file(mode: int) -> str:
    """What a non-regular file is, in the user's words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def not_regular(mode: int) -> NotRegularFile:
    return NotRegularFile(errno.EINVAL, f"not a regular file: it is {kind_of_file(mode)}")


def is_regular(path: pathlib.Path) -> bool:
    """Whether ``path`` (symlinks followed) is a regular file; never opens it."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def read_bounded(path: pathlib.Path, limit: int) -> bytes:
    """The bytes of the regular file at ``path`` (symlinks followed).

    Raises :class:`NotRegularFile` (an ``OSError``) for anything but a regular file,
    ``OSError`` when it cannot be read, and :class:`FileTooLarge` beyond ``limit`` bytes.
    """
    raw, size = _read(path, limit + 1)
    if len(raw) > limit:
        raise FileTooLarge(limit, max(len(raw), size))
    return raw


def read_head(path: pathlib.Path, size: int) -> bytes:
    """The first ``size`` bytes of the regular file at ``path``; raises as :func:`read_bounded`."""
    return _read(path, size)[0]


def _read(path: pathlib.Path, most: int) -> tuple[bytes, int]:
    """At most ``most`` bytes of a regular file, and the size it reported."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise not_regular(mode)
    # Non-blocking: should the path be swapped for a FIFO after the check, opening it
    # does not wait for a writer, and fstat below refuses it.
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(descriptor, "rb", buffering=0) as handle:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise not_regular(status.st_mode)
        chunks: list[bytes] = []
        remaining = most
        while remaining > 0:
            chunk = handle.read(min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    return b"".join(chunks), status.st_size
