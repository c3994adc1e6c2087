"""sharetui's errors: each carries a one-line message for the user; CliError also the exit code to leave with.
StoreError lives here (not in the store package) so the UI can catch it without importing the store."""

from __future__ import annotations

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """A failure reported as one line on stderr with a non-zero exit code."""

    def __init__(self, message: str, code: int = EXIT_FAIL) -> None:
        super().__init__(message)
        self.code = code


class StoreError(Exception):
    """The cache cannot be used; the message is one line meant for the user."""
