"""Exceptions the library raises; the CLI turns them into a message and exit code 2."""


class CjmError(Exception):
    """A problem that stops a command: bad usage, unreadable input folder, I/O."""


class UsageError(CjmError):
    """The command was called wrongly (missing path, nothing to check ...)."""
