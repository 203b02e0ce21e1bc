"""A report as rows for a table or CSV, and as a chart (on-time rate and volume per group)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from support.reports import GroupFigures, Report

COLUMNS = (
    "group",
    "received",
    "online",
    "counter",
    "post",
    "handled",
    "finished on time",
    "finished late",
    "in progress on time",
    "in progress late",
    "supplement requested",
    "refused",
    "withdrawn",
    "avg working days (2.2)",
    "on time % (2.1)",
    "online % (3.3)",
    "e-result % (4.1)",
    "digitised % (4.2)",
    "satisfaction % (5.4)",
    "fees paid",
    "fees collected (đồng)",
    "paid online % (3.6)",
)


def _cell(value: float | int | None) -> str:
    return "-" if value is None else str(value)


def row(figures: GroupFigures) -> list[str]:
    ind = figures.indicators
    values: list[float | int | None] = [
        figures.received,
        figures.received_online,
        figures.received_counter,
        figures.received_post,
        figures.handled,
        figures.finished_on_time,
        figures.finished_late,
        figures.in_progress_on_time,
        figures.in_progress_late,
        figures.supplement_requested,
        figures.refused,
        figures.withdrawn,
        ind.average_resolution_days,
        ind.on_time_rate,
        ind.online_share,
        ind.electronic_result_share,
        ind.digitised_share,
        ind.satisfaction_proxy,
        figures.fees_paid,
        figures.fees_collected,
        ind.online_payment_share,
    ]
    return [figures.group, *(_cell(v) for v in values)]


def rows(report: Report) -> list[list[str]]:
    """One row per group, then the total."""
    return [row(g) for g in report.groups] + [row(report.total)]


def to_csv(report: Report) -> str:
    return csv_text(COLUMNS, rows(report))


def csv_text(columns: Sequence[str], lines: Iterable[Sequence[str]]) -> str:
    """A header line, then one line per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(lines)
    return buffer.getvalue()


def write_chart(report: Report, path: Path) -> None:
    """Bars of dossiers handled per group, with the on-time rate (2.1) as a line on its own axis."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    names = [g.group for g in report.groups]
    handled = [g.handled for g in report.groups]
    rates = [g.indicators.on_time_rate for g in report.groups]
    figure, volume_axis = plt.subplots(figsize=(max(6.0, 1.2 * len(names) + 2), 4.5))
    try:
        volume_axis.bar(names, handled, color="#7aa6c2", label="dossiers handled")
        volume_axis.set_ylabel("dossiers handled")
        rate_axis = volume_axis.twinx()
        rate_axis.plot(
            names,
            [r if r is not None else float("nan") for r in rates],
            color="#c0392b",
            marker="o",
            label="on-time rate (2.1)",
        )
        rate_axis.set_ylim(0, 105)
        rate_axis.set_ylabel("on time, %")
        volume_axis.set_title(
            f"{report.start.isoformat()} – {report.end.isoformat()}, by {report.by.value}"
        )
        volume_axis.tick_params(axis="x", labelrotation=30)
        figure.legend(loc="lower left", fontsize="small")
        figure.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, dpi=100, format="png")
    finally:
        plt.close(figure)
