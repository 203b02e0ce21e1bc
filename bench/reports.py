"""Reports over N dossiers in the projection (default 100,000), written to RESULTS.md.

The measuring is bench/report_bench.py's (a SQLite projection filled with plausible rows, the
year's report by agency, unit and procedure, best of 5). The report query runs on the database
only, so there is no Temporal floor to compare with.

    uv run python -m bench.reports
"""

from __future__ import annotations

import argparse
import time

from bench import report_bench
from bench.results import add_result_arguments, publish, table


def report(n: int, runs: int, timings: dict[str, float], seconds: float) -> str:
    rows = [[f"by {by}", f"{best * 1000:.0f} ms"] for by, best in timings.items()]
    return (
        f"`uv run python -m bench.reports --dossiers {n}` (measured by `bench/report_bench.py`): "
        f"the 2026 report over {n:,} projection rows spread over 2025–2026 (three agencies, "
        "nine procedures, every channel; open, on time, late, refused, withdrawn), SQLite in "
        f"WAL mode with the projection's indexes; one aggregate query each. Best of {runs}.\n\n"
        + table(["report", "time"], rows)
        + f"\n\nWhole run (filling the database, then {3 * runs} reports): {seconds:.0f} s."
    )


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    add_result_arguments(parser)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    timings = report_bench.main(args.dossiers, runs=args.runs)
    text = report(args.dossiers, args.runs, timings, time.perf_counter() - began)
    publish(args, "reports", f"Reports over {args.dossiers:,} dossiers", text)
    print(text)
    return text


if __name__ == "__main__":
    main()
