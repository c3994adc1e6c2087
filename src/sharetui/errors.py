"""sharetui's errors: one base, each a one-line message for the user and the exit code to leave with.
StoreError lives here (not in the store package) so the UI can catch it without importing the store."""

from __future__ import annotations

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class SharetuiError(Exception):
    """A failure reported as one line (stderr, the status line) with the exit code a command ends with."""

    exit_code = EXIT_FAIL

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class CliError(SharetuiError):
    """A command's own failure (usage errors carry EXIT_USAGE)."""


class StoreError(SharetuiError):
    """The cache cannot be used."""
