"""How a file's first bytes tell what it is. Imports nothing: a caller tells which reader a file
needs before any reader is loaded."""

PDF = b"%PDF"
#: An OLE compound file: old Word (.doc), old Excel (.xls), WPS Office's own format.
OLE = b"\xd0\xcf\x11\xe0"
#: Older WPS files.
OLD_WPS = b"\xff\xfe\x57\x50\x53"
#: A zip archive: .docx, .xlsx, .ods.
ZIP = b"PK"
IMAGES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")
#: How files that are certainly not text begin.
BINARY = (ZIP, OLE, PDF, *IMAGES)
