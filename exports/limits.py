"""The size limits every reader shares (a module of its own, so that a caller checks a file's
size before anything that reads it is imported)."""

MB = 1024 * 1024
#: The largest file any reader accepts: reports and ledgers alike.
MAX_FILE_BYTES = 20 * MB
