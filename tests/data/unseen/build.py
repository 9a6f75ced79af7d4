"""Rebuild each held-out report's saved page (``<name>.html``) from its ``<name>.src`` (README).

``<name>.src`` holds the page as the archive's ``page.txt`` prints it, split into the
office's paragraphs, one per line. Three lines stand for the tables:
``@table2 v v v …`` (10 figures), ``@table3`` + 25 lines of 7 figures, ``@table4 v …``
(15 figures); each figure exactly as printed. ``@grid legacy`` (the 2019–2020 format: table 2
of 22 figures, table 3 of 23 rows) takes the grid from ``grid-legacy.html`` instead, the one of
``tests/data/real/pingtan-2020.html``. ``@label old=new`` lines put the office's own
label text (typos included, ``|`` where the office broke the label's line) in place of the
grid's. The tables' grid (cells and merges) is
the one pingtan.gov.cn's pages use, kept in ``grid.html``.

Run from the repository root: ``python tests/data/unseen/build.py NAME…``; then
``soffice --headless --convert-to docx:"MS Word 2007 XML" NAME.html`` makes the DOCX.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TABLES = ("@table2", "@table3", "@table4")


def build(name: str) -> str:
    """The saved page for report ``name``."""
    lines = (HERE / f"{name}.src").read_text(encoding="utf-8").splitlines()
    title, stamp, *body = lines
    legacy = "@grid legacy" in body
    body = [ln for ln in body if ln != "@grid legacy"]
    grid_file = "grid-legacy.html" if legacy else "grid.html"
    grids = (HERE / grid_file).read_text(encoding="utf-8").splitlines()
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
        if key in TABLES:
            grid = grids[TABLES.index(key)]
            size = grid.count("{}")
            figures = line.split()[1:]
            if key == "@table3":
                rows = size // 7
                figures = " ".join(body[i + 1 : i + 1 + rows]).split()
                i += rows
            if len(figures) != size:
                raise SystemExit(f"{name}: {key} has {len(figures)} figures, not {size}")
            for old, new in labels:
                grid = grid.replace(f">{old}<", f">{html.escape(new).replace('|', '<br/>')}<")
            out.append(grid.format(*(html.escape(f) for f in figures)))
        elif line.strip():
            out.append(f'<p style="text-indent: 2em;">{html.escape(line)}</p>')
        i += 1
    out.append("</div></body></html>")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    for report in sys.argv[1:]:
        (HERE / f"{report}.html").write_text(build(report), encoding="utf-8")
