"""Writing files so that nothing is lost: atomically, in place of what was read, and only over what may be.

Every command that writes a file goes through :func:`write_atomic`:

- the new content goes to a temporary file in the target's folder, is flushed to disk
  (``fsync``) and renamed over the target, so a reader or a crash sees the old file or
  the new one, never part of one;
- the target keeps its permission bits (and, where the user may, its owner and group);
- a symbolic link is followed: its target file is updated and the link stays a link;
- only regular files are replaced: a device, a fifo, a socket or a folder is refused;
- a read-only file (no write permission for this user, or no write bit at all, which
  root would otherwise ignore) is refused, never made writable;
- a file with several hard links is refused: replacing it would cut it off from its other
  names, and rewriting it in place could leave it half-written after a crash or a full
  disk. Both break a promise, so the user decides (``cp`` it to a single-link file);
- with ``original`` (in-place edits), the file must still be the one that was read:
  same size, modification time, inode and content hash; a file changed or deleted since
  is refused (and a deleted one is not re-created).

Refusals and failures raise :class:`WriteError` with a message naming the file.
"""

from __future__ import annotations

import errno
import hashlib
import os
import pathlib
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from cjmkit.errors import CjmError


class WriteError(CjmError):
    """A file could not be written, or writing it would lose something; nothing was written to it."""

    #: Exit 1 from every command (README, exit codes): the files need attention, not the call.
    exit_code = 1


#: Called just before the new content replaces the target; tests use it to change the file meanwhile.
before_replace: Callable[[pathlib.Path], None] | None = None


@dataclass(frozen=True)
class Snapshot:
    """What a file was when it was read: the writer refuses to replace anything else."""

    path: pathlib.Path
    size: int
    mtime_ns: int
    device: int
    inode: int
    digest: str

    @classmethod
    def read(cls, path: pathlib.Path) -> tuple[Snapshot, bytes]:
        """The file as it is now, and its bytes (from one open, so they belong together)."""
        real = pathlib.Path(os.path.realpath(path))
        status, found = _read_again(real, path)
        snapshot = cls(real, status.st_size, status.st_mtime_ns, status.st_dev, status.st_ino, _digest(found))
        return snapshot, found

    @classmethod
    def of(cls, path: pathlib.Path, content: bytes) -> Snapshot:
        """The file as it is now, which must hold ``content`` (the bytes the edit is based on)."""
        snapshot, found = cls.read(path)
        if found != content:
            raise WriteError(
                f"{path} changed since it was read; nothing written to it, run the command again"
            )
        return snapshot

    def check(self, shown: pathlib.Path) -> None:
        """Raise :class:`WriteError` when the file is no longer the one that was read."""
        status, found = _read_again(self.path, shown)
        same = (status.st_size, status.st_mtime_ns, status.st_dev, status.st_ino) == (
            self.size,
            self.mtime_ns,
            self.device,
            self.inode,
        )
        if not same or _digest(found) != self.digest:
            raise WriteError(
                f"{shown} changed since it was read; nothing written to it, run the command again"
            )


def _read_again(path: pathlib.Path, shown: pathlib.Path) -> tuple[os.stat_result, bytes]:
    """The file's status and bytes from one open (so they belong together), or why not."""
    try:
        with open(path, "rb") as stream:
            return os.fstat(stream.fileno()), stream.read()
    except FileNotFoundError:
        raise WriteError(f"{shown} was deleted since it was read; not re-created") from None
    except OSError as error:
        raise WriteError(f"cannot read {shown} again: {_reason(error)}") from None


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _reason(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return "no space left on the device"
    if error.errno == errno.EDQUOT:
        return "disk quota exceeded"
    if error.errno == errno.EROFS:
        return "the file system is read-only"
    return str(error.strerror or error)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a fifo"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def destination(target: pathlib.Path) -> tuple[pathlib.Path, os.stat_result | None]:
    """The file a write to ``target`` changes (symbolic links followed) and its status, if it exists.

    Raises :class:`WriteError` when that file may not be replaced (see the module's docstring).
    """
    real = pathlib.Path(os.path.realpath(target))
    try:
        status = os.lstat(real)
    except FileNotFoundError:
        if target.is_symlink():
            raise WriteError(f"{target} is a symbolic link to a missing file ({real}); not written") from None
        return real, None
    except OSError as error:
        raise WriteError(f"cannot write {target}: {_reason(error)}") from None
    if stat.S_ISLNK(status.st_mode):
        raise WriteError(f"{target} is a symbolic link that loops; not written")
    if not stat.S_ISREG(status.st_mode):
        raise WriteError(f"{target} is {_kind(status.st_mode)}, not a regular file; not written")
    if status.st_mode & 0o222 == 0 or not os.access(real, os.W_OK):
        raise WriteError(f"{target} is read-only; not written (make it writable first if it should change)")
    if status.st_nlink > 1:
        raise WriteError(
            f"{target} has {status.st_nlink} hard links; replacing it would cut it off from the"
            " others and rewriting it in place is not safe; not written (copy it to a file of its own)"
        )
    return real, status


def check_writable(target: pathlib.Path) -> None:
    """Raise :class:`WriteError` now when a later :func:`write_atomic` to ``target`` would be refused."""
    real, status = destination(target)
    folder = real.parent
    if status is None and not folder.exists():
        return  # created by the write; a failure then is reported by it
    if not os.access(folder, os.W_OK | os.X_OK):
        raise WriteError(f"cannot write {target}: its folder {folder} is not writable")


def write_atomic(
    target: pathlib.Path,
    content: str | bytes,
    *,
    original: Snapshot | None = None,
    overwrite: bool = True,
) -> None:
    """Replace ``target`` (or the file its symbolic link names) with ``content``, all or nothing.

    With ``original``, the file must still be the one that snapshot describes. Without
    ``overwrite``, an existing file is refused, also one that appears while writing.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    real, status = destination(target)
    if original is not None and status is None:
        raise WriteError(f"{target} was deleted since it was read; not re-created")
    if not overwrite and (status is not None or target.is_symlink()):
        raise WriteError(f"{target} exists; not replaced")
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
    except OSError as error:
        raise WriteError(f"cannot write {target}: {_reason(error)}; {_untouched(status)}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            if status is None:
                umask = os.umask(0)
                os.umask(umask)
                os.fchmod(stream.fileno(), 0o666 & ~umask)
            else:
                _keep_owner(stream.fileno(), status)
                os.fchmod(stream.fileno(), stat.S_IMODE(status.st_mode))
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if before_replace is not None:
            before_replace(real)
        if original is not None:
            original.check(target)
        elif status is not None:
            _still(real, status, target)
        if overwrite:
            os.replace(temporary, real)
        else:
            _place_new(pathlib.Path(temporary), real, target)
    except BaseException as error:
        pathlib.Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise WriteError(f"cannot write {target}: {_reason(error)}; {_untouched(status)}") from None
        raise
    _sync_folder(real.parent)


def _untouched(status: os.stat_result | None) -> str:
    return "nothing written" if status is None else "the file is unchanged"


def _place_new(temporary: pathlib.Path, real: pathlib.Path, shown: pathlib.Path) -> None:
    """Give the finished temporary file the target's name only if no file has taken it meanwhile."""
    try:
        os.link(temporary, real)  # fails when the name exists: no window for a clobber
    except FileExistsError:
        raise WriteError(f"{shown} appeared while it was being written; not replaced") from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        if real.exists() or real.is_symlink():  # a file system without hard links
            raise WriteError(f"{shown} appeared while it was being written; not replaced") from None
        os.replace(temporary, real)
        return
    temporary.unlink()


def _keep_owner(handle: int, status: os.stat_result) -> None:
    """Give the new file the old one's owner and group where this user may (root; a group one is in)."""
    for uid, gid in ((status.st_uid, status.st_gid), (-1, status.st_gid)):
        try:
            os.fchown(handle, uid, gid)
            return
        except PermissionError:
            continue


def _still(real: pathlib.Path, status: os.stat_result, shown: pathlib.Path) -> None:
    """The file checked before writing is still there as a regular file (not swapped for a link or device)."""
    try:
        now = os.lstat(real)
    except FileNotFoundError:
        return
    if (now.st_dev, now.st_ino) != (status.st_dev, status.st_ino) or not stat.S_ISREG(now.st_mode):
        raise WriteError(f"{shown} was replaced while it was being written; not written")


def _sync_folder(folder: pathlib.Path) -> None:
    """Make the rename itself durable; some file systems cannot sync a folder, which is harmless."""
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
