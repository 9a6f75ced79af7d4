"""Benchmarks of nianbao against the stock approach (issue 8). ``python -m benchmarks`` runs all.

Every comparison is measured side by side in the same run; results are medians and ratios, and
the table is written to ``benchmarks/RESULTS.md`` with the machine and the date.
"""
