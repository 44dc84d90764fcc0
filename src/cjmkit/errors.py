"""Exceptions the library raises; the CLI turns them into a message and their exit code."""


class CjmError(Exception):
    """A problem that stops a command: bad usage, unreadable input folder, I/O."""

    #: The command's exit code: 2 (usage or I/O) unless a subclass says otherwise.
    exit_code = 2


class BadInput(CjmError):
    """The input cannot be used at all (a file over the size cjm reads): exit 1, as for any
    input that is not what it should be."""

    exit_code = 1


class UsageError(CjmError):
    """The command was called wrongly (missing path, nothing to check ...)."""
