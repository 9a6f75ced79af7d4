"""A clerk writing answers as fast as it can; run by the crash test, which kills it.

Usage: python storage_writer_child.py DB REPORT_ID PERSON_ID

After each answer is committed it prints the answer's sequence number, so every number printed
is an acknowledged write.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal

from report.formats import CURRENT
from storage import Store

CELLS = [cell.id for cell in CURRENT.entered_cells[:20]]


def main() -> None:
    path, report_id, person_id = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    store = Store(path)
    sequence = 0
    while True:
        sequence += 1
        cell = CELLS[sequence % len(CELLS)]
        with store.transaction():
            store.claim_update(sequence)
            store.write_figures(
                report_id, {cell: Decimal(sequence)}, person_id=person_id, source=f"seq:{sequence}"
            )
            store.save_conversation(person_id, json.dumps({"sequence": sequence}))
        sys.stdout.write(f"{sequence}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
