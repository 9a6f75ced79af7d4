"""The typography of an official document (党政机关公文格式, GB/T 9704-2012), as data.

Sizes are in points, lengths in millimetres. Chinese type sizes: 二号 = 22 pt, 三号 = 16 pt,
四号 = 14 pt, 五号 = 10.5 pt.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Font:
    east_asian: str
    size: float
    latin: str = "Times New Roman"
    bold: bool = False


@dataclass(frozen=True)
class FontFallback:
    """How a machine without the official font should substitute it (``w:fontTable``)."""

    name: str
    alt_name: str
    family: str  # roman (serif) | swiss (sans) | modern (fixed pitch)
    panose: str


PAGE_WIDTH = 210.0
PAGE_HEIGHT = 297.0
MARGIN_TOP = 37.0
MARGIN_BOTTOM = 35.0
MARGIN_LEFT = 28.0
MARGIN_RIGHT = 26.0
HEADER_DISTANCE = 15.0
#: The page number's dashes sit 7 mm below the type area.
FOOTER_DISTANCE = MARGIN_BOTTOM - 7.0 - 5.0
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT

#: 22 lines of 三号 type fill the type area: (297 - 37 - 35) mm / 22 = 28.95 pt.
BODY_LINE_SPACING = 28.95
FIRST_LINE_INDENT_CHARS = 2
#: The date stands four characters in from the right margin; the organisation is centred over it.
DATE_RIGHT_INDENT_CHARS = 4
#: Odd page numbers stand one character in from the right, even ones from the left.
PAGE_NUMBER_INDENT_CHARS = 1

TITLE = Font("方正小标宋简体", 22)
#: 二号 characters per line of the type area (156 mm / 22 pt).
TITLE_CHARS_PER_LINE = int(TEXT_WIDTH / (22 * 25.4 / 72))
BODY = Font("仿宋_GB2312", 16)
HEADING_1 = Font("黑体", 16)
HEADING_2 = Font("楷体_GB2312", 16)
TABLE = Font("仿宋_GB2312", 10.5)
TABLE_HEADER = Font("黑体", 10.5)
PAGE_NUMBER = Font("宋体", 14, latin="宋体")
DRAFT_MARK = Font("黑体", 16)

#: Line spacing inside table cells (exact, so rows stay compact).
TABLE_LINE_SPACING = 14.0
#: Cell padding left and right.
CELL_PADDING = 1.0

#: Widths of the row-label columns by how many there are; figures share the rest equally.
LABEL_COLUMN_WIDTHS: dict[int, tuple[float, ...]] = {
    0: (),
    1: (40.0,),
    2: (20.0, 44.0),
    3: (12.0, 16.0, 42.0),
}

FALLBACKS: tuple[FontFallback, ...] = (
    FontFallback("方正小标宋简体", "宋体", "roman", "02010600030101010101"),
    FontFallback("仿宋_GB2312", "仿宋", "modern", "02010609030101010101"),
    FontFallback("楷体_GB2312", "楷体", "modern", "02010609030101010101"),
    FontFallback("黑体", "SimHei", "modern", "02010609060101010101"),
    FontFallback("宋体", "SimSun", "auto", "02010600030101010101"),
    FontFallback("Times New Roman", "Liberation Serif", "roman", "02020603050405020304"),
)


def char_width(text: str) -> float:
    """Width in character units: a Chinese character is 1, an ASCII digit or letter is 1/2."""
    return sum(0.5 if ord(c) < 0x2E80 else 1.0 for c in text)


def centred_over(name: str, date_line: str) -> float:
    """Right indent (in characters) that centres ``name`` over the date line."""
    return max(0.0, DATE_RIGHT_INDENT_CHARS + (char_width(date_line) - char_width(name)) / 2)
