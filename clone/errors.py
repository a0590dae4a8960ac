"""The one error type users see: the CLI prints it on one line and exits with code 2."""


class CloneError(Exception):
    """A problem with the user's input or setup, explained in one line (no traceback)."""


class ImportFileError(CloneError):
    """An export file that cannot be read, with the file and line it failed on."""

    def __init__(self, file: str, line: int | None, reason: str):
        self.file, self.line, self.reason = file, line, reason
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {reason}")
