"""Reading the figures a clerk types: one value, or a whole table row in one message.

Accepted: ASCII and full-width digits, Chinese numerals (三十五, 一百零二, 两千, 十二点五),
thousands separators (1,234), multipliers (1.2万, 十二点五万), units (个 件 条 项 次 起 家 笔 元 万元,
converted to the cell's own unit), a closing 整 (12.5万元整), 无 / 没有 / 零 as 0. A row may be
separated by any mix of spaces, tabs, ``,`` ``，`` ``、`` ``；``, and may carry its 总计 as one
more figure (accepted when it is the sum). Everything else is refused with a ``FigureError``
whose ``message`` says in Chinese what is expected and gives an example. Nothing here raises any
other exception, whatever the input.

Precision: a cell keeps its unit's decimals (万元: 4, i.e. to the whole 元; 元: 2, to the 分).
An amount typed in another unit is converted exactly; one finer than the cell can hold (12.5元
into a 万元 cell is 0.00125 万元) is refused with the nearest amount it can hold, never rounded
silently.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from report import texts
from report.layout import Column, UnitKind

MAX_INPUT_CHARS = 400

ZERO_WORDS = frozenset({"无", "没有", "零", "〇", "暂无", "没", "/", "—", "－", "-", "--", "——"})
ALL_ZERO_WORDS = ZERO_WORDS | frozenset(
    {"全0", "全是0", "全为0", "全部为0", "都是0", "均为0", "全无", "全部无", "全零", "都没有"}
)
_TOTAL_WORDS = ("总计", "合计", "共计")
#: ``笔``: 平潭综合实验区财政金融局 2020 prints its procurement items as ``2笔``.
_COUNT_SUFFIXES = ("个", "件", "条", "项", "次", "起", "家", "笔")
_NEGATIVE_PREFIXES = ("减少", "减", "负", "-")
_POSITIVE_PREFIXES = ("增加", "增", "+")
_MULTIPLIERS = {"千": Decimal(1000), "万": Decimal(10_000), "亿": Decimal(100_000_000)}
# 万 and 亿 mark an amount written in 元 ("12.5万"); 千 is only a number ("3千").
_YUAN_SCALE = frozenset("万亿")
_CHINESE_NUMERAL_CHARS = frozenset("零〇一二两三四五六七八九十百千万亿点壹贰叁肆伍陆柒捌玖拾佰仟")
_PLAIN = re.compile(r"^\d+(?:\.\d+)?$")
_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_WITH_MULTIPLIER = re.compile(r"^(\d+(?:\.\d+)?)([千万亿])$")
# Spaces, tabs, Chinese separators, and an ASCII comma next to a space ("25, 3"): always a
# separator. A comma between digits ("1,234") may be a thousands separator; see _split_row.
_SEPARATORS = re.compile(r"[\s，、；;|]+|,(?=\s)|(?<=\s),")
_ALL_SEPARATORS = re.compile(r"[\s,，、；;|]+")
_FIGURE_CHARS = re.compile(r"^[\s\d.,，、；;|+\-]*\d[\s\d.,，、；;|+\-]*$")
# Characters NFKC leaves alone that clerks type as a minus sign.
_MINUS_SIGNS = str.maketrans({"−": "-", "–": "-", "﹣": "-"})


class FigureError(ValueError):
    """A figure that could not be accepted; ``message`` is for the clerk."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_figure(text: str, column: Column) -> Decimal:
    """Read one figure for ``column``, in the column's own unit."""
    if len(text) > MAX_INPUT_CHARS:
        raise FigureError(texts.TOO_LONG.format(length=len(text), example=example_value(column)))
    token = _normalise(text).strip().rstrip("。.")
    if not token:
        raise FigureError(texts.EMPTY.format(what=_what(column), example=example_value(column)))
    return _parse_token(token, column)


def parse_row(
    text: str, columns: Sequence[Column], total: Column | None = None
) -> tuple[Decimal, ...]:
    """Read a whole row: one figure per column, separated by spaces, commas, 、 or ；.

    A lone 0 / 无 (or 全0) for a row of several columns means every column is 0. With ``total``
    (the row's computed 总计 column, see ``row_total``), one more figure at the end is read as
    the total: accepted when it is the sum of the others, refused naming both when not.
    """
    if len(columns) == 1:
        _refuse_several(text, columns[0])
        return (parse_figure(text, columns[0]),)
    example = example_row(columns)
    if len(text) > MAX_INPUT_CHARS:
        raise FigureError(texts.TOO_LONG.format(length=len(text), example=example))
    with_total = len(columns) + 1 if total is not None else None
    tokens = _split_row(text, len(columns), with_total)
    if total is not None and len(tokens) > 1:
        # "… 1 0 总计29", "… 1 0 合计：29": the word says which figure is the total.
        last = tokens[-1]
        word = next((w for w in _TOTAL_WORDS if last.startswith(w)), None)
        if word is not None:
            tokens = (
                [*tokens[:-1], last[len(word) :].lstrip(":：")] if last != word else tokens[:-1]
            )
        elif tokens[-2] in _TOTAL_WORDS:
            tokens = [*tokens[:-2], tokens[-1]]
    if len(tokens) == 1 and tokens[0] in ALL_ZERO_WORDS | {"0"}:
        return tuple(Decimal(0) for _ in columns)
    if not tokens:
        raise FigureError(texts.EMPTY.format(what="这一行的数字", example=example))
    names = "、".join(_name(c) for c in columns)
    if len(tokens) not in (len(columns), with_total):
        stray = next((t for t in tokens if not _is_number(t)), None)
        if stray is not None:
            raise FigureError(
                texts.ROW_NOT_A_NUMBER.format(
                    token=_clip(stray), expected=len(columns), names=names, example=example
                )
            )
        template = texts.WRONG_COUNT_TOTAL if total is not None else texts.WRONG_COUNT
        raise FigureError(
            template.format(
                expected=len(columns),
                names=names,
                got=len(tokens),
                example=example,
                total=total.name if total is not None else "",
            )
        )
    if len(tokens) == with_total and total is not None:
        # The total may exceed one column's maximum; each addend is held to its own.
        roomy = replace(total, maximum=sum((c.maximum for c in columns), Decimal(0)))
        values = _parse_tokens(tokens, (*columns, roomy))
    else:
        values = _parse_tokens(tokens, columns)
    if len(values) == len(columns):
        return values
    stated, computed = values[-1], sum(values[:-1], Decimal(0))
    if stated != computed:
        raise FigureError(
            texts.TOTAL_MISMATCH.format(
                got=len(tokens),
                total=_name(total) if total is not None else "",
                count=len(columns),
                names=names,
                computed=format_figure(computed),
                stated=format_figure(stated),
                example=" ".join(format_figure(v) for v in values[:-1]),
            )
        )
    return values[:-1]


def _parse_tokens(tokens: Sequence[str], columns: Sequence[Column]) -> tuple[Decimal, ...]:
    values = []
    for position, (token, column) in enumerate(zip(tokens, columns, strict=True), start=1):
        try:
            values.append(_parse_token(token, column))
        except FigureError as error:
            raise FigureError(
                texts.IN_COLUMN.format(position=position, name=_name(column), message=error.message)
            ) from None
    return tuple(values)


def row_total(columns: Sequence[Column], among: Sequence[Column]) -> Column | None:
    """The column of ``among`` that is the total of exactly ``columns`` (table 3's 总计, a
    table 4 group's 总计), or None: what ``parse_row`` reads a figure beyond the row as."""
    ids = tuple(c.id for c in columns)
    return next((c for c in among if c.total_of and c.total_of == ids), None)


def is_only_figures(text: str) -> bool:
    """Whether a message holds nothing but figures in Arabic digits and separators
    (``1 0 3``, ``25，3，0``): at a narrative part such a message is more likely a table row
    typed at the wrong question than the part's text. ``无`` or a sentence is not."""
    if len(text) > MAX_INPUT_CHARS:
        return False
    normalised = _normalise(text).strip().rstrip("。.")
    return bool(normalised) and _FIGURE_CHARS.match(normalised) is not None


def _is_number(token: str) -> bool:
    """Whether ``token`` reads as a number at all (its range and unit aside)."""
    token = token.strip().rstrip("。.")
    if token in ZERO_WORDS:
        return True
    _, body = _split_sign(token)
    body = _split_unit(body)[0]
    try:
        _number(body)
    except Exception:
        return False
    return True


def _refuse_several(text: str, column: Column) -> None:
    """ "1 0 9" for a one-figure question: say so, rather than "not a number"."""
    if len(text) > MAX_INPUT_CHARS:
        return
    tokens = _split_row(text, 1)
    if len(tokens) < 2:
        return
    for token in tokens:
        try:
            _parse_token(token, column)
        except FigureError:
            return
    raise FigureError(
        texts.ONE_VALUE.format(name=_name(column), got=len(tokens), example=example_value(column))
    )


def example_value(column: Column) -> str:
    """A typical value for the column, as a clerk would type it."""
    if column.unit.kind is UnitKind.MONEY:
        return "12.5" if column.unit.decimals else "180000"
    return "-2" if column.signed else "3"


def example_row(columns: Sequence[Column]) -> str:
    """A typical row for these columns (the first figure non-zero, the rest 0)."""
    return " ".join(example_value(c) if i == 0 else "0" for i, c in enumerate(columns))


def canonical(value: Decimal) -> Decimal:
    """The value without trailing zeros or exponent (``12.50`` -> ``12.5``, ``1E+1`` -> ``10``)."""
    if value == value.to_integral_value():
        return Decimal(int(value))
    return value.normalize()


def format_figure(value: Decimal) -> str:
    """A figure as it is printed in a table cell (``180000``, ``12.5``, ``-2``)."""
    return f"{canonical(value):f}"


# ---------------------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    # Full-width commas separate values in a row; keep them distinct from ASCII "," which can
    # also be a thousands separator, by turning them into spaces before NFKC folds them.
    text = text.replace("，", " ").replace("、", " ")
    return unicodedata.normalize("NFKC", text).translate(_MINUS_SIGNS)


def _split_row(text: str, expected: int, with_total: int | None = None) -> list[str]:
    normalised = _normalise(text).strip().rstrip("。.")
    tokens = [t.strip(",") for t in _SEPARATORS.split(normalised)]
    tokens = [t for t in tokens if t]
    if len(tokens) not in (expected, with_total) and any("," in t for t in tokens):
        # "58,7,0,0,1,0": ASCII commas are separators here, not thousands separators.
        tokens = [t for t in _ALL_SEPARATORS.split(normalised) if t]
    return tokens


def _parse_token(token: str, column: Column) -> Decimal:
    token = token.strip().rstrip("。.")
    if token in ZERO_WORDS:
        return Decimal(0)
    negative, body = _split_sign(token)
    body, in_yuan, counted = _split_unit(body)
    if in_yuan and column.unit.kind is UnitKind.COUNT:
        raise FigureError(
            texts.MONEY_IN_COUNT.format(what=_what(column), example=example_value(column))
        )
    if counted and column.unit.kind is UnitKind.MONEY:
        raise FigureError(
            texts.COUNT_IN_MONEY.format(
                what=_what(column), unit=column.unit.symbol, example=example_value(column)
            )
        )
    value, multiplied = _parse_number(body, column)
    converted = column.unit.kind is UnitKind.MONEY and (in_yuan or multiplied)
    if converted:
        stated = value
        value = value / column.unit.yuan
        if column.unit.yuan != 1 and not _fits(value, column):
            raise _too_fine(stated, column)
    if negative:
        value = -value
    return _checked(value, column)


def _fits(value: Decimal, column: Column) -> bool:
    return value == value.quantize(Decimal(1).scaleb(-column.unit.decimals))


def _too_fine(yuan: Decimal, column: Column) -> FigureError:
    """An amount in 元 finer than the cell holds (12.5元 into a 万元 cell, 4 decimals)."""
    step = column.unit.yuan * Decimal(1).scaleb(-column.unit.decimals)  # 1 元 for 万元
    rounded = (yuan / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
    return FigureError(
        texts.TOO_FINE.format(
            what=_what(column),
            unit=column.unit.symbol,
            step=_step(column),
            decimals=column.unit.decimals,
            stated=_clip(format_figure(yuan), 16),
            converted=_clip(format_figure(yuan / column.unit.yuan), 16),
            rounded=format_figure(rounded),
            rounded_unit=format_figure(rounded / column.unit.yuan),
        )
    )


def _step(column: Column) -> str:
    """The smallest amount a money cell holds, in words (``1元``, ``1分``)."""
    step = column.unit.yuan * Decimal(1).scaleb(-column.unit.decimals)
    return "1分" if step == Decimal("0.01") else f"{format_figure(step)}元"


def _split_sign(token: str) -> tuple[bool, str]:
    for prefix in _NEGATIVE_PREFIXES:
        if token.startswith(prefix) and len(token) > len(prefix):
            return True, token[len(prefix) :].strip()
    for prefix in _POSITIVE_PREFIXES:
        if token.startswith(prefix) and len(token) > len(prefix):
            return False, token[len(prefix) :].strip()
    return False, token


def _split_unit(token: str) -> tuple[str, bool, bool]:
    """Strip a trailing unit; returns (number part, given in 元, given as a count unit)."""
    # "12.5万元整": 整 closes an amount as on a cheque.
    if token.endswith("整") and len(token) > 1:
        token = token[:-1].rstrip()
    if token.endswith("元"):
        return token[:-1].strip(), True, False
    for suffix in _COUNT_SUFFIXES:
        if token.endswith(suffix) and len(token) > len(suffix):
            return token[: -len(suffix)].strip(), False, True
    return token, False, False


def _parse_number(body: str, column: Column) -> tuple[Decimal, bool]:
    """The number in ``body`` and whether it carried a multiplier (万, 亿, 千)."""
    try:
        return _number(body)
    except Exception:
        raise _not_a_number(body, column) from None


def _number(body: str) -> tuple[Decimal, bool]:
    """``_parse_number`` without the message: raises on anything that is not a number."""
    if _PLAIN.match(body):
        return Decimal(body), False
    if _GROUPED.match(body):
        return Decimal(body.replace(",", "")), False
    match = _WITH_MULTIPLIER.match(body)
    if match:
        scale = match.group(2)
        return Decimal(match.group(1)) * _MULTIPLIERS[scale], scale in _YUAN_SCALE
    if body and set(body) <= _CHINESE_NUMERAL_CHARS | set("0123456789."):
        if body in ZERO_WORDS:
            return Decimal(0), False
        multiplied = any(m in body for m in _YUAN_SCALE)
        # Imported here: cn2an takes longer to import than the rest of a `nianbao check`, and
        # most figures are written in digits.
        import cn2an

        try:
            return Decimal(str(cn2an.cn2an(body, "smart"))), multiplied
        except Exception:
            # cn2an reads 十二万 but not 十二点五万: a decimal before the multiplier.
            if len(body) > 1 and body[-1] in _YUAN_SCALE and body[:-1][-1] not in _YUAN_SCALE:
                head, _ = _number(body[:-1])
                return head * _MULTIPLIERS[body[-1]], True
            raise
    raise ValueError(body)


def _not_a_number(body: str, column: Column) -> FigureError:
    return FigureError(
        texts.NOT_A_NUMBER.format(
            token=_clip(body), what=_what(column), example=example_value(column)
        )
    )


def _checked(value: Decimal, column: Column) -> Decimal:
    what = _what(column)
    example = example_value(column)
    if value < 0 and not column.signed:
        raise FigureError(texts.NEGATIVE.format(what=what, example=example))
    if abs(value) > column.maximum:
        raise FigureError(
            texts.TOO_BIG.format(
                what=what,
                value=_clip(format_figure(value), 16),
                maximum=format_figure(column.maximum),
            )
        )
    if column.unit.kind is UnitKind.COUNT and value != value.to_integral_value():
        raise FigureError(texts.FRACTION.format(what=what, example=example))
    if not _fits(value, column):
        raise FigureError(
            texts.TOO_PRECISE.format(
                what=what,
                unit=column.unit.symbol,
                decimals=column.unit.decimals,
                step=_step(column),
                example=example,
            )
        )
    return canonical(value)


def _name(column: Column) -> str:
    return column.name


def _what(column: Column) -> str:
    return f"“{_name(column)}”"


def _clip(token: str, limit: int = 12) -> str:
    return token if len(token) <= limit else token[:limit] + "…"
