"""Comparing labels as offices actually type them.

A label in a submitted report may be split over lines, written with full- or half-width
punctuation, with or without its enumerator (``（三）``, ``3、``, ``1.``) and with different quote
marks. Labels are compared by their *key*: the text with the enumerator, whitespace and
punctuation removed, after Unicode compatibility folding.

Offices also carry typos from year to year (``2.其他法律行政止公开`` for
``2.其他法律行政法规禁止公开``): :func:`closest` matches a key by similarity (rapidfuzz) and
says when two candidates are about as close, so the reader reports rather than guesses.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from rapidfuzz import fuzz, process

CHINESE_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


class Level(StrEnum):
    """The kind of enumerator a heading starts with."""

    FIRST = "first"  # 一、  3、  三.
    SECOND = "second"  # （一） (1)
    THIRD = "third"  # 1.  1．


_NUMERAL = r"[一二三四五六七八九十〇零]+"
_FIRST = re.compile(rf"^\s*(?:第)?({_NUMERAL}|\d+)\s*、\s*|^\s*({_NUMERAL})\s*[.．]\s*")
_SECOND = re.compile(rf"^\s*[(（]\s*({_NUMERAL}|\d+)\s*[)）]\s*")
_THIRD = re.compile(r"^\s*(\d+)\s*[.．]\s*(?!\d)")


@dataclass(frozen=True)
class Enumerated:
    """A text split into its leading enumerator (if any) and the rest."""

    level: Level | None
    number: int | None
    rest: str


def chinese_number(text: str) -> int | None:
    """``三`` -> 3, ``十二`` -> 12, ``二十`` -> 20, ``12`` -> 12; None if it is not a number."""
    text = unicodedata.normalize("NFKC", text)
    if text.isdigit():
        return int(text)
    if not text or any(c not in CHINESE_DIGITS and c != "十" for c in text):
        return None
    if "十" in text:
        tens, _, units = text.partition("十")
        return (CHINESE_DIGITS[tens] if tens else 1) * 10 + (CHINESE_DIGITS[units] if units else 0)
    value = 0
    for c in text:
        value = value * 10 + CHINESE_DIGITS[c]
    return value


def split_enumerator(text: str) -> Enumerated:
    """Separate a leading ``一、`` / ``（一）`` / ``1.`` from the text after it."""
    for level, pattern in ((Level.SECOND, _SECOND), (Level.FIRST, _FIRST), (Level.THIRD, _THIRD)):
        match = pattern.match(text)
        if match:
            numeral = next(g for g in match.groups() if g)
            return Enumerated(level, chinese_number(numeral), text[match.end() :])
    return Enumerated(None, None, text)


def _is_noise(char: str) -> bool:
    return char.isspace() or unicodedata.category(char).startswith(("P", "S", "Z", "C"))


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """The text without whitespace, punctuation and symbols, in compatibility form.

    Cached: the reader folds the same cell and paragraph texts several times."""
    return "".join(c for c in unicodedata.normalize("NFKC", text) if not _is_noise(c))


#: ``一、本年(2021)新收…``, ``二、上年(2020)结转…``: offices write the year into the label.
_YEAR_IN_LABEL = re.compile(r"[(（]\s*\d{4}\s*年?\s*[)）]")


@lru_cache(maxsize=65536)
def key(label: str) -> str:
    """The comparison key of a label: enumerator, a bracketed year, whitespace and punctuation
    removed."""
    return fold(_YEAR_IN_LABEL.sub("", split_enumerator(label).rest))


#: A key at least this similar (rapidfuzz ratio, 0-100) to a known one names it ...
SIMILAR = 85.0
#: ... unless a second known key is within this margin of the best.
AMBIGUOUS_MARGIN = 5.0


@dataclass(frozen=True)
class Closest:
    """The known key a text is most similar to, and a runner-up when it is as close."""

    key: str | None
    score: float = 0.0
    rival: str | None = None


def closest(text_key: str, known: Iterable[str], minimum: float = SIMILAR) -> Closest:
    """The known key most similar to ``text_key`` (``key=None`` when none is ``minimum``
    similar); ``rival`` is set when a second one scores within :data:`AMBIGUOUS_MARGIN`."""
    if not text_key:
        return Closest(None)
    found = process.extract(text_key, list(known), scorer=fuzz.ratio, limit=2)
    if not found or found[0][1] < minimum:
        return Closest(None)
    best, score, _ = found[0]
    if len(found) > 1 and found[1][1] >= minimum and score - found[1][1] < AMBIGUOUS_MARGIN:
        return Closest(best, score, found[1][0])
    return Closest(best, score)


def compact(text: str) -> str:
    """The text with all whitespace removed (labels split over lines joined again)."""
    return "".join(text.split())
