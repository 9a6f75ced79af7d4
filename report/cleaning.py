"""Text from outside made safe to store, write into XML and use in a file name.

Called at the edges where text enters (chat, console, imported documents) and again where it
leaves (the DOCX writer), so that a character XML cannot hold never makes a report impossible to
export, whatever an older version of the program stored.
"""

from __future__ import annotations

import re

#: What XML 1.0 cannot hold (C0 controls but tab and line breaks, lone surrogates, U+FFFE and
#: U+FFFF), plus DEL and the C1 controls, which nobody types on purpose.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
#: Characters a file name may not contain on Windows, macOS or Linux.
_NOT_IN_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f-\x9f]')
#: Characters an organisation name may not contain: path separators and control characters.
_NOT_IN_NAME = re.compile("[\\\\/\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
MAX_FILENAME_BYTES = 240
FALLBACK_FILENAME = "报告"


def clean_text(text: str) -> str:
    """``text`` without the characters XML cannot hold (see ``_UNWRITABLE``); line ends are kept
    and ``\\r\\n`` becomes ``\\n``."""
    return _UNWRITABLE.sub("", text.replace("\r\n", "\n"))


def has_forbidden_name_characters(name: str) -> bool:
    """True when an organisation name contains a path separator or a control character."""
    return bool(_NOT_IN_NAME.search(name))


_SUFFIXES = ("人民政府", "办事处")
# An administrative area at the front of a name: 江西省, 赣州市, 赣州经开区, 信丰县 ...
_AREA_PREFIX = re.compile(r"^.{2,7}?(?:自治区|自治州|省|市|州|盟|县|区|旗)")
_MIN_SHORT = 2


def default_short_name(name: str) -> str:
    """A shortening of an official name for lists and messages.

    Drops a trailing 人民政府 / 办事处 and the administrative areas in front, as long as at
    least two characters remain: ``赣州经开区蟠龙镇人民政府`` -> ``蟠龙镇``,
    ``信丰县教育体育局`` -> ``教育体育局``, ``信丰县人民政府`` -> ``信丰县``.
    """
    short = name.strip()
    for suffix in _SUFFIXES:
        if short.endswith(suffix) and len(short) - len(suffix) >= _MIN_SHORT:
            short = short[: -len(suffix)]
            break
    while (match := _AREA_PREFIX.match(short)) and len(short) - match.end() >= _MIN_SHORT:
        short = short[match.end() :]
    return short


def safe_filename(name: str) -> str:
    """A file name that stays in its folder on every system: separators and reserved characters
    become ``_``, no leading dot or trailing dot/space, at most ``MAX_FILENAME_BYTES`` bytes of
    UTF-8 (the extension kept)."""
    name = _NOT_IN_FILENAME.sub("_", clean_text(name)).strip().lstrip(".").rstrip(". ")
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 8:
        stem, extension = name, ""
    room = MAX_FILENAME_BYTES - len(extension.encode()) - (1 if extension else 0)
    stem = stem.encode()[:room].decode(errors="ignore").rstrip(". ") or FALLBACK_FILENAME
    return f"{stem}.{extension}" if extension else stem
