"""What kind of office writes a report, read from its full name.

Sample wording differs by kind: a township writes 我镇 and 政务公开栏, a district government 我区
and 门户网站, a bureau 我局. The kind and the office's word for itself are read from the
full name (``赣州经济技术开发区蟠龙镇人民政府``, ``某市某区人民政府``, ``某区教育局``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class OfficeKind(StrEnum):
    TOWNSHIP = "township"  # 镇、乡、街道
    GOVERNMENT = "government"  # 县、区、市人民政府 (and their 办公室)
    DEPARTMENT = "department"  # 局、委、办、中心 …


@dataclass(frozen=True)
class Office:
    kind: OfficeKind
    #: How the office calls itself in running text: 我镇, 我街道, 我区, 我局, 本单位.
    self_name: str


# Suffixes after which a department name ends, with the word it calls itself by.
_DEPARTMENT_WORDS = (
    ("委员会", "我委"),
    ("办公室", "我办"),
    ("管委会", "我委"),
    ("中心", "我中心"),
    ("局", "我局"),
    ("委", "我委"),
    ("办", "我办"),
    ("厅", "我厅"),
    ("院", "我院"),
    ("所", "我所"),
    ("站", "我站"),
    ("队", "我队"),
)
_TOWNSHIP = re.compile(r"(镇|乡|街道)(?:人民政府|办事处|党工委)?$")
_GOVERNMENT = re.compile(r"(县|区|市|旗|州|盟)人民政府$")


def classify_office(full_name: str) -> Office:
    """The kind of office a full name denotes, and its word for itself (本单位 if unsure)."""
    name = "".join(full_name.split())
    if match := _TOWNSHIP.search(name):
        return Office(OfficeKind.TOWNSHIP, "我" + match.group(1))
    if match := _GOVERNMENT.search(name):
        return Office(OfficeKind.GOVERNMENT, "我" + match.group(1))
    for suffix, word in _DEPARTMENT_WORDS:
        if name.endswith(suffix):
            return Office(OfficeKind.DEPARTMENT, word)
    return Office(OfficeKind.DEPARTMENT, "本单位")
