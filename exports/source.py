"""A report document reduced to what the reader needs: paragraphs and tables of cell texts.

Both a DOCX file and its plain-text flattening become a :class:`Source`. A table row lists its
cells left to right, a merged cell once; a cell continuing a vertical merge is empty.
"""

from __future__ import annotations

from dataclasses import dataclass

from report.cleaning import clean_text


@dataclass(frozen=True)
class SourceParagraph:
    text: str
    right_aligned: bool = False


@dataclass(frozen=True)
class SourceTable:
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Source:
    items: tuple[SourceParagraph | SourceTable, ...]
    #: The page header says 征求意见稿.
    draft_mark: bool = False

    @property
    def paragraphs(self) -> list[SourceParagraph]:
        return [i for i in self.items if isinstance(i, SourceParagraph)]

    @property
    def tables(self) -> list[SourceTable]:
        return [i for i in self.items if isinstance(i, SourceTable)]


def clean_source(source: Source) -> Source:
    """The source with every text cleaned of characters XML cannot hold (see
    :func:`report.cleaning.clean_text`), so nothing read can later break an export."""
    items: list[SourceParagraph | SourceTable] = []
    for item in source.items:
        if isinstance(item, SourceParagraph):
            items.append(SourceParagraph(clean_text(item.text), item.right_aligned))
        else:
            items.append(SourceTable(tuple(tuple(map(clean_text, row)) for row in item.rows)))
    return Source(tuple(items), source.draft_mark)
