"""Recognising a report in a :class:`Source`: title, format, tables, narrative and closing.

Tables are found by their header and row texts wherever they stand, so table 2 may be one
table or one per block, headers may be merged or not, and a table may be split over pages.
Rows are matched by their labels (see ``exports.labels``), figures are taken from the cells
after the label. Everything that cannot be read becomes a :class:`ReadProblem`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import cache

from rapidfuzz import fuzz

from exports import texts
from exports.figures import FigureError, read_cell
from exports.labels import Level, chinese_number, closest, compact, fold, key, split_enumerator
from exports.result import DocumentRejected, ProblemKind, ReadProblem, ReadResult
from exports.source import Source, SourceParagraph, SourceTable
from report.formats import FORMATS, format_for_year
from report.layout import Block, HeaderGroup, Part, ReportFormat, Row, Section, Table
from report.values import MAX_TEXT_CHARS, Report

_YEAR = r"(?P<year>[0-9０-９]{4}|[〇零一二三四五六七八九]{4})"
_TITLE = re.compile(rf"^(?P<organisation>.*?){_YEAR}年(?:度)?政府信息公开(?:工作)?(?:年度)?报告$")
#: ``2019年上海市人民政府办公厅政府信息公开工作年度报告``, ``2021年度石璜镇政府信息公开…``
_TITLE_YEAR_FIRST = re.compile(
    rf"^{_YEAR}年(?:度)?(?P<organisation>.+?)政府信息公开(?:工作)?(?:年度)?报告$"
)
#: The report sent under a letter's title: ``平潭综合实验区苏平片区管理局关于报送2020年度政府信息
#: 公开工作年度报告的函`` (its body then opens with the addressee, ``区办公室：``).
_TITLE_LETTER = re.compile(
    rf"^(?P<organisation>.+?)关于(?:报送|印发|公布|发布)?{_YEAR}年(?:度)?"
    r"政府信息公开(?:工作)?(?:年度)?报告的(?:函|通知|报告)$"
)
_DATE = re.compile(
    r"^(?P<year>[0-9０-９]{4}|[〇零一二三四五六七八九]{4})\s*年\s*"
    r"(?P<month>[0-9０-９]{1,2}|[一二三四五六七八九十]{1,2})\s*月\s*"
    r"(?P<day>[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*日$"
)
_BLANK_DATE = re.compile(r"^[\s\u3000]*年[\s\u3000]*月[\s\u3000]*日$")
#: Title and closing stand in the first / last few paragraphs.
_TITLE_WINDOW = 40
#: A title line is short (a saved web page puts navigation and metadata before it).
_TITLE_LINE = 60
_SHORT_LINE = 40
#: A closing name is at least this long (a bare 无 closing section six is not a name).
_MIN_NAME = 3
_HEADING_SIMILARITY = 0.5
MAX_ORGANISATION = 200
_TOTAL_HEADROOM = 100
#: Decimal places a printed amount may have (offices print 万元 to the yuan and beyond).
_PRINTED_DECIMALS = 12


def _year_number(text: str) -> int:
    text = unicodedata.normalize("NFKC", text)
    if text.isdigit():
        return int(text)
    return int("".join(str(chinese_number(c)) for c in text))


def _date(text: str) -> date | None:
    match = _DATE.match(compact(text))
    if not match:
        return None
    try:
        return date(
            _year_number(match["year"]),
            chinese_number(match["month"]) or 0,
            chinese_number(match["day"]) or 0,
        )
    except ValueError:
        return None


# --- labels of a table ---------------------------------------------------------------------------


def _header_labels(block: Block) -> set[str]:
    labels: set[str] = {key(c.label) for c in block.columns}

    def walk(items: tuple[str | HeaderGroup, ...]) -> None:
        for item in items:
            if isinstance(item, HeaderGroup):
                labels.add(key(item.label))
                walk(item.children)

    walk(block.header)
    return labels - {""}


@dataclass
class _TableLabels:
    """The keys of one report table's labels, for finding and reading it."""

    table: Table
    rows: dict[str, tuple[Block, Row]] = field(default_factory=dict)
    groups: set[str] = field(default_factory=set)
    headers: set[str] = field(default_factory=set)
    titles: dict[str, Block] = field(default_factory=dict)

    @classmethod
    def of(cls, table: Table) -> _TableLabels:
        return _table_labels(table)

    @classmethod
    def build(cls, table: Table) -> _TableLabels:
        labels = cls(table)
        for block in table.blocks:
            labels.headers |= _header_labels(block) | ({key(block.corner)} - {""})
            if block.title:
                labels.titles[key(block.title)] = block
            for row in block.rows:
                if key(row.label):
                    labels.rows.setdefault(key(row.label), (block, row))
                labels.groups.update(key(label) for label in row.labels[:-1])
        labels.groups -= set(labels.rows)
        return labels

    def all_keys(self) -> set[str]:
        return set(self.rows) | self.groups | self.headers | set(self.titles)

    def match_row(self, cell: str) -> tuple[Block, Row] | None:
        """The row a label cell names: exact key first, else the one row whose key contains
        it or is contained in it (never a group label)."""
        cell_key = key(cell)
        if not cell_key or cell_key in self.groups:
            return None
        if cell_key in self.rows:
            return self.rows[cell_key]
        if len(cell_key) < 4:
            return None
        candidates = [
            v for k, v in self.rows.items() if len(k) >= 4 and (k in cell_key or cell_key in k)
        ]
        return candidates[0] if len(candidates) == 1 else None

    def similar_row(self, cell: str) -> tuple[tuple[Block, Row] | None, Row | None]:
        """The row a mistyped label cell names, by similarity: ``(match, None)``; when two rows
        are about as close, ``(match, rival)``, to be reported rather than guessed;
        ``(None, None)`` when nothing is close. Group, header and title labels never match."""
        cell_key = key(cell)
        if len(cell_key) < 4 or cell_key in self.groups or cell_key in self.headers:
            return None, None
        if cell_key in self.titles or _is_figure(cell):
            return None, None
        found = closest(cell_key, self.rows)
        if found.key is None:
            return None, None
        rival = self.rows[found.rival][1] if found.rival is not None else None
        return self.rows[found.key], rival

    def legacy_other(self, cell: str) -> bool:
        """The cell is the 2019–2020 single row ``（六）其他处理`` where this table has groups."""
        return key(cell) == _OTHER_GROUP and any(
            r.id.startswith("applications.other.") for _, r in self.rows.values()
        )


_OTHER_GROUP = key("（六）其他处理")
_LABELS_CACHE: dict[int, _TableLabels] = {}


def _table_labels(table: Table) -> _TableLabels:
    # The formats are module-level constants, so their tables live as long as this cache.
    found = _LABELS_CACHE.get(id(table))
    if found is None or found.table is not table:
        found = _LABELS_CACHE[id(table)] = _TableLabels.build(table)
    return found


# --- recognising the format ----------------------------------------------------------------------


@cache
def _distinctive_keys_of(format_id: str) -> frozenset[str]:
    fmt = FORMATS[format_id]
    own = set().union(*(_TableLabels.of(t).all_keys() for t in fmt.tables))
    others = set().union(
        *(_TableLabels.of(t).all_keys() for f in FORMATS.values() if f is not fmt for t in f.tables)
    )
    return frozenset(own - others)


def _distinctive_keys(fmt: ReportFormat) -> frozenset[str]:
    return _distinctive_keys_of(fmt.id)


def recognise_format(source: Source, year: int | None) -> tuple[ReportFormat, bool]:
    """The format whose distinctive labels the tables use most; ``(format, guessed)``."""
    cells = {key(c) for t in source.tables for r in t.rows for c in r}
    scores = {fmt.id: len(cells & _distinctive_keys(fmt)) for fmt in FORMATS.values()}
    best = max(scores.values())
    leaders = [f for f, s in scores.items() if s == best]
    if best and len(leaders) == 1:
        return FORMATS[leaders[0]], False
    if year is not None:
        try:
            return format_for_year(year), best == 0
        except ValueError:
            pass
    return FORMATS["current"], True


def _is_figure(cell: str) -> bool:
    """A cell holding a bare number (``12``, ``1,200``, ``12.5``), not a label."""
    folded = key(cell)
    return bool(folded) and folded.isdigit()


_AMBIGUOUS = object()


# --- reading the tables --------------------------------------------------------------------------


@dataclass
class _Reader:
    fmt: ReportFormat
    problems: list[ReadProblem] = field(default_factory=list)
    figures: dict[str, Decimal] = field(default_factory=dict)

    def problem(
        self,
        where: str,
        message: str,
        kind: ProblemKind = ProblemKind.FIGURE,
        cell_id: str | None = None,
    ) -> None:
        self.problems.append(ReadProblem(where, message, kind, cell_id))

    def classify(self, tables: list[SourceTable]) -> dict[str, list[SourceTable]]:
        """Which source tables hold which report table, by how many of its labels they use."""
        labels = {t.id: _TableLabels.of(t).all_keys() for t in self.fmt.tables}
        found: dict[str, list[SourceTable]] = {t.id: [] for t in self.fmt.tables}
        for source_table in tables:
            cells = [key(c) for r in source_table.rows for c in r]
            scores = {tid: sum(1 for c in cells if c in keys) for tid, keys in labels.items()}
            best = max(scores.values(), default=0)
            leaders = [tid for tid, s in scores.items() if s == best]
            if best >= 2 and len(leaders) == 1:
                found[leaders[0]].append(source_table)
        return found

    def read_tables(self, source: Source) -> None:
        found = self.classify(source.tables)
        for section in self.fmt.sections:
            if section.table is None:
                continue
            name = texts.table_name(section.number)
            parts = found[section.table.id]
            if not parts:
                self.problem(
                    name, texts.TABLE_NOT_FOUND.format(table=name, title=section.table.title)
                )
                continue
            labels = _TableLabels.of(section.table)
            seen: set[str] = set()
            for index, part in enumerate(parts, start=1):
                where = texts.where_table(name, index if len(parts) > 1 else None)
                self._read_table(part, labels, where, seen)
            for block in section.table.blocks:
                for row in block.rows:
                    if row.id not in seen and row.id:
                        self.problem(name, texts.ROW_NOT_FOUND.format(label=row.full_label))
                if "" in {r.id for r in block.rows} and "" not in seen:
                    self.problem(name, texts.ROW_NOT_FOUND.format(label=section.table.title))

    def _read_table(
        self, table: SourceTable, labels: _TableLabels, where: str, seen: set[str]
    ) -> None:
        unlabelled = [
            b for b in labels.table.blocks if len(b.rows) == 1 and not key(b.rows[0].label)
        ]
        order: dict[str, tuple[str, ...]] = {}
        for number, cells in enumerate(table.rows, start=1):
            cell_keys = [key(c) for c in cells]
            if sum(1 for k in cell_keys if k in labels.headers) >= 2 or (
                len([k for k in cell_keys if k]) == 1 and cell_keys[0] in labels.titles
            ):
                self._note_header_order(cell_keys, labels, order)
                continue
            match = self._label(cells, labels, where, number)
            if match is _AMBIGUOUS:
                continue
            if match is not None:
                assert isinstance(match, tuple)
                position, (block, row) = match
                values = cells[position + 1 :]
                if not any(v.strip() for v in values) and key(cells[position]) in labels.headers:
                    # ``总计`` / ``其他`` alone: a column header printed one cell per line.
                    continue
            elif self._legacy_other(cells, labels, where, number, seen):
                continue
            elif unlabelled and any(_is_figure(c) for c in cells):
                block, row = unlabelled[0], unlabelled[0].rows[0]
                values = self._strip_leading_label(cells)
            else:
                self._note_unknown_row(cells, labels, where, number)
                continue
            if row.id in seen:
                self.problem(
                    texts.where_cell(where, number),
                    texts.ROW_DUPLICATE.format(label=row.full_label),
                )
                continue
            seen.add(row.id)
            self._read_row(
                block, row, values, order.get(block.id), where, number, len(cells) - len(values)
            )

    def _note_header_order(
        self, cell_keys: list[str], labels: _TableLabels, order: dict[str, tuple[str, ...]]
    ) -> None:
        """Remember the column order a single-row header prints (table 2's blocks)."""
        for block in labels.table.blocks:
            if block.header_depth() != 1:
                continue
            by_key = {key(c.label): c.id for c in block.columns}
            printed = tuple(by_key[k] for k in cell_keys if k in by_key)
            if len(printed) == len(block.columns) and len(set(printed)) == len(printed):
                order[block.id] = printed

    def _note_unknown_row(
        self, cells: tuple[str, ...], labels: _TableLabels, where: str, number: int
    ) -> None:
        """A row with figures whose label names no row of the table is reported, not guessed."""
        known = labels.groups | labels.headers
        unknown = [c for c in cells if key(c) and not _is_figure(c) and key(c) not in known]
        if unknown and any(_is_figure(c) for c in cells):
            label = compact(unknown[-1])
            self.problem(texts.where_cell(where, number), texts.ROW_UNKNOWN.format(label=label))

    def _label(
        self, cells: tuple[str, ...], labels: _TableLabels, where: str, number: int
    ) -> tuple[int, tuple[Block, Row]] | object | None:
        """The rightmost cell naming a row (table 3's leaf stands right of its groups); else the
        rightmost cell similar to one row's label (a typo), reported; :data:`_AMBIGUOUS` when
        two rows are as close (reported, not guessed)."""
        for position in range(len(cells) - 1, -1, -1):
            if _is_figure(cells[position]):
                continue
            found = labels.match_row(cells[position])
            if found is not None:
                return position, found
        for position in range(len(cells) - 1, -1, -1):
            if not key(cells[position]) or _is_figure(cells[position]):
                continue
            similar, rival = labels.similar_row(cells[position])
            label = compact(cells[position])
            if similar is not None and rival is not None:
                self.problem(
                    texts.where_cell(where, number),
                    texts.ROW_AMBIGUOUS.format(
                        label=label, first=similar[1].label, second=rival.label
                    ),
                )
                return _AMBIGUOUS
            if similar is not None:
                self.problem(
                    texts.where_cell(where, number),
                    texts.ROW_SIMILAR.format(label=label, row=similar[1].label),
                    ProblemKind.DOCUMENT,
                )
                return position, similar
        return None

    def _legacy_other(
        self,
        cells: tuple[str, ...],
        labels: _TableLabels,
        where: str,
        number: int,
        seen: set[str],
    ) -> bool:
        """A current-format table printing the 2019–2020 single row ``（六）其他处理``: its
        figures go to ``3.其他`` (nothing is dropped) and the row is named in a message."""
        position = next(
            (i for i in range(len(cells) - 1, -1, -1) if labels.legacy_other(cells[i])), None
        )
        if position is None or not any(_is_figure(c) for c in cells[position + 1 :]):
            return False
        misc = next((b, r) for b, r in labels.rows.values() if r.id == "applications.other.misc")
        block, row = misc
        for other in block.rows:
            if other.id.startswith("applications.other."):
                seen.add(other.id)
        self.problem(texts.where_cell(where, number), texts.LEGACY_OTHER_ROW)
        self._read_row(block, row, cells[position + 1 :], None, where, number, position + 1)
        return True

    @staticmethod
    def _strip_leading_label(cells: tuple[str, ...]) -> tuple[str, ...]:
        start = 0
        while start < len(cells) and cells[start] and not any(ch.isdigit() for ch in cells[start]):
            start += 1
        return cells[start:]

    def _read_row(
        self,
        block: Block,
        row: Row,
        values: tuple[str, ...],
        printed_order: tuple[str, ...] | None,
        where: str,
        number: int,
        offset: int,
    ) -> None:
        wanted = len(block.columns)
        start, end = 0, len(values)
        while end - start > wanted and not values[start].strip():
            start += 1
        while end - start > wanted and not values[end - 1].strip():
            end -= 1
        if end - start != wanted:
            self.problem(
                texts.where_cell(where, number),
                texts.ROW_WRONG_COUNT.format(
                    label=row.full_label or block.title or "", expected=wanted, found=end - start
                ),
            )
            return
        column_ids = printed_order or tuple(c.id for c in block.columns)
        for index, column_id in enumerate(column_ids):
            column = block.column(column_id)
            cell_id = block.cell_id(row, column)
            text = values[start + index]
            if self.fmt.cell(cell_id).computed:
                # A printed total may exceed what one entry may hold.
                column = replace(column, maximum=column.maximum * _TOTAL_HEADROOM)
            # Precision limits are for what clerks type: a printed 24252.311082 万元 is kept.
            column = replace(column, unit=replace(column.unit, decimals=_PRINTED_DECIMALS))
            try:
                self.figures[cell_id] = read_cell(text, column)
            except FigureError as error:
                label = self.fmt.cell(cell_id).label
                self.problem(
                    texts.where_cell(where, number, offset + start + index + 1),
                    texts.CELL_UNREADABLE.format(label=label, text=text, reason=error.message),
                    cell_id=cell_id,
                )


# --- narrative -----------------------------------------------------------------------------------


def _similar(a: str, b: str) -> bool:
    return difflib.SequenceMatcher(None, a, b).ratio() >= _HEADING_SIMILARITY


def _section_heading(text: str, sections: tuple[Section, ...], after: int) -> Section | None:
    enumerated = split_enumerator(text)
    if enumerated.level is Level.SECOND:
        return None
    text_key = fold(enumerated.rest)
    for section in sections:
        if section.number <= after:
            continue
        title_key = key(section.title)
        if text_key == title_key or (
            text_key.startswith(title_key) and len(text_key) - len(title_key) <= 2
        ):
            return section
        if (
            enumerated.number == section.number
            and len(text) <= _SHORT_LINE
            and "。" not in text
            and _similar(text_key, title_key)
        ):
            return section
        if (
            section.number == 1
            and after == 0
            and enumerated.level is Level.FIRST
            and enumerated.number == 1
            and len(text_key) <= _OVERVIEW_NAME
            and "。" not in text
        ):
            # ``一、概述``, ``一、政府信息公开概况``: the first section under the office's name.
            return section
    return None


_OVERVIEW_NAME = 12


def _part_heading(text: str, section: Section, current: Part | None) -> tuple[Part, str] | None:
    """The titled part a paragraph opens, and any text after the title in the same paragraph.

    Real layouts: the official title on its own line (``（一）主动公开``); the title run into
    its text (``（一）主动公开情况。2024年，我局…``); the office's own words for it
    (``（三）政府信息管理方面。…``, ``（四）平台建设。…``, ``（四）平台载体建设方面。…`` in
    平潭综合实验区's 2021 report, ``(二)政府信息主动公开情况`` with no （一） before it; a
    heading of two clauses numbered as the part, ``（四）加强平台建设，扩展公开渠道``; a run-in
    heading numbered as the part naming its subject in other words,
    ``（二）依法依规答复政府信息公开申请。…``); an office's own numbered points (``（一）强化思想认识，加强组织保障。``,
    ``（二）公开形式``, eight of them in some township reports) are text, not headings. A
    heading without an enumerator is only the official title itself.

    Department reports (平潭综合实验区's bureaus) also print fewer parts than five, in their
    own words and numbering: ``（三）政府信息公开平台建设情况`` as the third of three (the
    official （四）), ``（一）政府信息管理方面`` … ``（三）监督保障信息方面`` (the official （三）
    to （五）), ``（四）监督保障更有力。…`` after three points of the office's own,
    ``（三）严格监督审查，落实公开保障`` for the 2019–2020 format's long （三）政府信息管理、
    平台建设、监督保障情况 (numbered as the part and naming its topic: the part); or only
    their own points (``（一）突出抓好财政预决算公开``), which stay text of 总体情况. So a heading
    must name the part's topic (:func:`_names_topic`), and of the parts it may open, the one
    it is closest to wins, not the first."""
    enumerated = split_enumerator(text)
    if enumerated.level not in (Level.SECOND, None):
        return None
    titled = [p for p in section.parts if p.title]
    start = titled.index(current) + 1 if current in titled else 0
    rest = enumerated.rest
    folded = fold(rest)
    head, tail = _run_in(rest)
    best: tuple[float, Part, str] | None = None
    for position, part in enumerate(titled[start:], start=start + 1):
        assert part.title is not None
        title_key = key(part.title)
        if folded == title_key:
            return part, ""
        if folded.startswith(title_key):
            after = _after_title(rest, len(title_key))
            if after is not None:
                return part, after
        if enumerated.level is not Level.SECOND or not _names_topic(folded, title_key):
            continue
        candidate: tuple[float, Part, str] | None = None
        if head is not None:
            similarity = fuzz.partial_ratio(_core(head), title_key)
            # Close to the official words, or numbered as the part and naming its subject.
            own_words = similarity >= _OWN_WORDS_SIMILARITY
            if own_words or (enumerated.number == position and _names_part(head, part.id)):
                candidate = (similarity, part, tail)
        if (
            candidate is None
            and enumerated.number == position
            and len(text) <= _SHORT_LINE
            and "。" not in text
        ):
            # Numbered as the part and naming its topic: the part, however the office put it
            # (``（三）严格监督审查，落实公开保障`` for the 2019–2020 format's （三）).
            candidate = (_clause_similarity(rest, title_key), part, "")
        if candidate is not None and (best is None or candidate[0] > best[0]):
            best = candidate
    return (best[1], best[2]) if best is not None else None


#: How a run-in heading ends: ``（一）主动公开情况。2024年…`` / ``主动公开方面：…``.
_RUN_IN = re.compile(r"^(?P<head>[^。：:，,；;]{2,20})[。：:](?P<tail>.*)$", re.S)
_OWN_WORDS_SIMILARITY = 80


def _clause_similarity(heading: str, title_key: str) -> float:
    """How close a heading is to a title: the whole, or its closest clause when the office
    wrote two (``（四）加强平台建设，扩展公开渠道`` in 沭阳县发展和改革局's 2023 report)."""
    clauses = [fold(c) for c in re.split(r"[，,；;、]", heading) if fold(c)]
    return max(fuzz.partial_ratio(c, title_key) for c in [fold(heading), *clauses])


#: The word that names a part's subject in an office's own run-in heading numbered as the
#: part: ``（二）依法依规答复政府信息公开申请。…`` (平潭海坛片区管理局 2024) is 依申请公开 although
#: no wording of the official title is in it. Only with the part's own number, so an office's
#: own points (``（二）建立健全制度。``) stay text.
_PART_SUBJECTS = {
    "overview.active": "主动公开",
    "overview.requests": "申请",
    "overview.management": "信息管理",
    "overview.platforms": "平台",
    "overview.oversight": "监督",
}


def _names_part(head: str, part_id: str) -> bool:
    subject = _PART_SUBJECTS.get(part_id)
    return subject is not None and fold(subject) in head


#: Words every part's name shares (``政府信息公开平台建设``): what is left names its topic.
_GENERIC_WORDS = ("政府信息", "公开", "情况", "方面", "工作")


def _names_topic(heading: str, title_key: str) -> bool:
    """Whether a heading names the part's topic: two characters in a row of what is left of
    the title without the generic words (主动, 申请, 管理, 平台, 监督 …). An office's own
    sub-headings that only sound alike (``（一）突出抓好财政预决算公开`` against 主动公开,
    ``（三）突出抓好政府采购信息公开`` against 政府信息管理 in 平潭综合实验区财政金融局's 2021
    report; ``（三）政府信息公开平台建设情况`` against 政府信息管理 in its 2023 report) are not
    that part."""
    topic = title_key
    for word in _GENERIC_WORDS:
        topic = topic.replace(word, "")
    pairs = {topic[i : i + 2] for i in range(len(topic) - 1)} or {topic}
    return any(pair in heading for pair in pairs)


#: Words an office adds to a part's name (``平台载体建设方面``, ``主动公开情况``): compared
#: without them, so that the name itself decides.
_HEADING_SUFFIXES = ("方面", "情况", "工作")


def _core(head: str) -> str:
    """A run-in heading without the words offices add to a part's name."""
    stripped = True
    while stripped:
        stripped = False
        for suffix in _HEADING_SUFFIXES:
            if head.endswith(suffix) and len(head) > len(suffix) + 1:
                head = head[: -len(suffix)]
                stripped = True
    return head


def _run_in(rest: str) -> tuple[str | None, str]:
    """A short heading and the text run into it; the whole line when it is only a heading."""
    match = _RUN_IN.match(rest.strip())
    if match:
        return fold(match["head"]), match["tail"].strip()
    if len(rest) <= 20 and not re.search(r"[。，,；;]", rest):
        return fold(rest), ""
    return None, ""


def _after_title(rest: str, title_length: int) -> str | None:
    """Text after a heading's title when a punctuation mark separates them, else None."""
    matched = 0
    for index, char in enumerate(rest):
        matched += len(fold(char))
        if matched == title_length:
            tail = rest[index + 1 :]
            if tail and not fold(tail[0]):
                return tail.lstrip("。：:，,；; \u3000")
            return None
    return None


@dataclass
class _Narrative:
    texts: dict[str, list[str]] = field(default_factory=dict)
    sections: set[int] = field(default_factory=set)
    parts: set[str] = field(default_factory=set)


def read_narrative(paragraphs: list[str], fmt: ReportFormat) -> _Narrative:
    narrative = _Narrative()
    section: Section | None = None
    part: Part | None = None
    for text in paragraphs:
        heading = _section_heading(text, fmt.sections, section.number if section else 0)
        if heading is not None:
            section = heading
            narrative.sections.add(section.number)
            part = section.parts[0] if section.parts and section.parts[0].title is None else None
            continue
        if section is None or not section.parts:
            continue
        opened = _part_heading(text, section, part)
        if opened is not None:
            part, tail = opened
            narrative.parts.add(part.id)
            if tail:
                narrative.texts.setdefault(part.id, []).append(tail)
            continue
        target = part or section.parts[0]
        narrative.texts.setdefault(target.id, []).append(text)
    return narrative


# --- title and closing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Title:
    organisation: str | None
    year: int
    #: How many (non-empty) paragraphs up to and including the title.
    paragraphs: int


def find_title(paragraphs: list[str]) -> _Title | None:
    """The title in the first paragraphs, possibly split over two of them.

    Offices print the organisation first (``孝感市人民政府办公室`` / ``2020年政府信息公开工作
    年度报告`` on two lines) or the year first (``2021年度石璜镇政府信息公开工作年度报告``, the
    usual form in some provinces), with or without 工作 and 年度, or as the subject of the letter
    that sends it (``…管理局关于报送2020年度政府信息公开工作年度报告的函``). A saved web page puts the
    site's navigation, breadcrumbs and metadata before it (and often repeats the title split
    over two lines below it): a whole line naming the organisation is preferred to two lines
    joined, and those to a title without one."""
    window = list(paragraphs[:_TITLE_WINDOW])
    candidates: list[tuple[int, int]] = [(i, 1) for i in range(len(window))]
    pairs = [(i, 2) for i in range(len(window) - 1)]
    fallback: _Title | None = None
    for index, count in candidates + pairs:
        parts = window[index : index + count]
        if any(len(part) > _TITLE_LINE for part in parts):
            continue
        joined = compact("".join(parts))
        match = (
            _TITLE.match(joined) or _TITLE_YEAR_FIRST.match(joined) or _TITLE_LETTER.match(joined)
        )
        if not match:
            continue
        organisation = match["organisation"] or None
        if organisation is not None and organisation.endswith("人民"):
            # ``…区人民政府信息公开工作年度报告``: 政府 was shared with the report's name.
            organisation += "政府"
        title = _Title(organisation, _year_number(match["year"]), index + count)
        if organisation is not None:
            return title
        fallback = fallback or title
    return fallback


def split_closing(
    paragraphs: list[SourceParagraph],
) -> tuple[list[SourceParagraph], str | None, date | None]:
    """Separate the closing (organisation and date, at the end) from the body."""
    body = list(paragraphs)
    while body and not body[-1].text:
        body.pop()
    issued: date | None = None
    dated = False
    if body and (_date(body[-1].text) or _BLANK_DATE.match(body[-1].text)):
        issued = _date(body.pop().text)
        dated = True
    signed_by: str | None = None
    if body:
        last = body[-1]
        if (
            (dated or last.right_aligned)
            and _MIN_NAME <= len(last.text) <= _SHORT_LINE
            and not re.search(r"[。，；：！？]", last.text)
        ):
            signed_by = body.pop().text
    return body, signed_by, issued


# --- the whole document --------------------------------------------------------------------------


def read_source(source: Source) -> ReadResult:
    """Recognise the report in a document; raises :class:`DocumentRejected` when there is none."""
    paragraphs = [p for p in source.paragraphs if p.text]
    title = find_title([p.text for p in paragraphs])
    if title is not None and not any(f.covers(title.year) for f in FORMATS.values()):
        raise DocumentRejected(texts.REJECT_YEAR.format(year=title.year))
    fmt, guessed = recognise_format(source, title.year if title else None)
    reader = _Reader(fmt)
    if title is None and not any(reader.classify(source.tables).values()):
        raise DocumentRejected(texts.REJECT_NOTHING_FOUND)
    reader.read_tables(source)
    body, signed_by, issued = split_closing(paragraphs[title.paragraphs if title else 0 :])
    narrative = read_narrative([p.text for p in body], fmt)
    report_texts = _narrative_texts(narrative, fmt, reader)
    _title_problems(title, fmt, guessed, reader)

    organisation = (title.organisation if title else None) or signed_by
    year = title.year if title else _fallback_year(fmt, issued)
    report = Report(
        organisation=(organisation or texts.UNKNOWN_ORGANISATION)[:MAX_ORGANISATION],
        year=year,
        format_id=fmt.id,
        figures=reader.figures,
        texts=report_texts,
    )
    return ReadResult(
        report=report,
        format_id=fmt.id,
        problems=reader.problems,
        organisation=title.organisation if title else None,
        year=title.year if title else None,
        issued=issued,
        signed_by=signed_by,
        draft=source.draft_mark,
    )


def _narrative_texts(narrative: _Narrative, fmt: ReportFormat, reader: _Reader) -> dict[str, str]:
    """The parts' texts; a missing heading or an over-long text becomes a problem."""
    for section in fmt.sections:
        where = texts.where_section(section.heading)
        if section.number not in narrative.sections:
            if section.parts:
                message = texts.SECTION_NOT_FOUND.format(heading=section.heading)
                reader.problem(where, message, ProblemKind.TEXT)
            continue
        for part in section.parts:
            if part.title and part.id not in narrative.parts:
                message = texts.PART_NOT_FOUND.format(heading=part.title)
                reader.problem(where, message, ProblemKind.TEXT)
    out: dict[str, str] = {}
    for part_id, lines in narrative.texts.items():
        text = "\n".join(lines)
        if len(text) > MAX_TEXT_CHARS:
            part = fmt.part(part_id)
            heading = part.title or next(s.heading for s in fmt.sections if part in s.parts)
            message = texts.TEXT_TOO_LONG.format(limit=MAX_TEXT_CHARS)
            reader.problem(texts.where_section(heading), message, ProblemKind.TEXT)
            text = text[:MAX_TEXT_CHARS]
        out[part_id] = text
    return out


def _title_problems(
    title: _Title | None, fmt: ReportFormat, guessed: bool, reader: _Reader
) -> None:
    kind = ProblemKind.DOCUMENT
    if title is None or title.organisation is None:
        reader.problem(texts.WHERE_TITLE, texts.NO_TITLE, kind)
    elif not fmt.covers(title.year) and not guessed:
        expected = format_for_year(title.year).name
        message = texts.FORMAT_YEAR_MISMATCH.format(
            format=fmt.name, year=title.year, expected=expected
        )
        reader.problem(texts.WHERE_TITLE, message, kind)
    if guessed:
        reader.problem(texts.WHERE_DOCUMENT, texts.FORMAT_GUESSED.format(format=fmt.name), kind)


def _fallback_year(fmt: ReportFormat, issued: date | None) -> int:
    """Without a title: the year before the date of issue, else the format's first year."""
    if issued is not None and fmt.covers(issued.year - 1):
        return issued.year - 1
    return fmt.first_year if fmt.last_year is None else fmt.last_year
