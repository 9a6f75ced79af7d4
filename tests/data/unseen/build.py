"""Rebuild each held-out report's saved page (``<name>.html``) from its ``<name>.src`` (README).

``<name>.src`` holds the page as the archive's ``page.txt`` prints it, split into the
office's paragraphs, one per line. Three lines stand for the tables:
``@table2 v v v …`` (10 figures), ``@table3`` + 25 lines of 7 figures, ``@table4 v …``
(15 figures); each figure exactly as printed. ``@label old=new`` lines put the office's own
label text (typos included) in place of the grid's. The tables' grid (cells and merges) is
the one pingtan.gov.cn's pages use, kept in ``grid.html``.

Run from the repository root: ``python tests/data/unseen/build.py NAME…``; then
``soffice --headless --convert-to docx:"MS Word 2007 XML" NAME.html`` makes the DOCX.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TABLE_SIZES = {"@table2": 10, "@table3": 175, "@table4": 15}


def build(name: str) -> str:
    """The saved page for report ``name``."""
    grids = (HERE / "grid.html").read_text(encoding="utf-8").splitlines()
    lines = (HERE / f"{name}.src").read_text(encoding="utf-8").splitlines()
    title, stamp, *body = lines
    labels = [ln.removeprefix("@label ").split("=", 1) for ln in body if ln.startswith("@label ")]
    body = [ln for ln in body if not ln.startswith("@label ")]
    out = [
        "<!DOCTYPE html>",
        f'<html><head><meta charset="utf-8"><title>{html.escape(title)}</title></head><body>',
        f'<div class="article"><h1>{html.escape(title)}</h1>',
        f'<div class="info">{html.escape(stamp)}</div>',
    ]
    i = 0
    while i < len(body):
        line = body[i]
        key = line.split(" ", 1)[0]
        if key in TABLE_SIZES:
            figures = line.split()[1:]
            if key == "@table3":
                figures = " ".join(body[i + 1 : i + 26]).split()
                i += 25
            if len(figures) != TABLE_SIZES[key]:
                raise SystemExit(f"{name}: {key} has {len(figures)} figures")
            grid = grids[list(TABLE_SIZES).index(key)]
            for old, new in labels:
                grid = grid.replace(f">{old}<", f">{html.escape(new)}<")
            out.append(grid.format(*(html.escape(f) for f in figures)))
        elif line.strip():
            out.append(f'<p style="text-indent: 2em;">{html.escape(line)}</p>')
        i += 1
    out.append("</div></body></html>")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    for report in sys.argv[1:]:
        (HERE / f"{report}.html").write_text(build(report), encoding="utf-8")
