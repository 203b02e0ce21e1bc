"""Drawings the pages embed as SVG, made on the server by hand (no script, no font, no asset): a
bar chart of percentages and a procedure's chain as boxes. Each carries its <title> and <desc>
for screen readers; the pages print the same numbers as a table beside it. Every text in a
drawing goes through `escape`, so a page may embed it as it is (`| safe`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import escape

from models.procedure import ConsultationStage, Procedure

BAR_WIDTH = 360
ROW = 30
LABEL = 230
BOX_W = 560
BOX_H = 78
LINE_H = 20
GAP = 28
INK = "#1b1f24"
MUTED = "#4a5560"
ACCENT = "#0b57a4"
LINE = "#6e7781"


@dataclass(frozen=True)
class Bar:
    label: str
    percent: float | None  # None: nothing to measure


def _text(x: float, y: float, text: str, **attrs: str) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{escape(value)}"' for name, value in attrs.items())
    return f'<text x="{x:g}" y="{y:g}"{extra}>{escape(text)}</text>'


def _open(ident: str, width: int, height: int, title: str, desc: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}"'
        f' class="drawing" aria-labelledby="{ident}-t {ident}-d"'
        f' font-family="system-ui, sans-serif" font-size="14" fill="{INK}">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>'
    )


def percent_bars(ident: str, title: str, bars: Sequence[Bar], none: str) -> str:
    """Horizontal bars from 0 to 100 %, each labelled with its value (`none` where unmeasured)."""
    height = ROW * len(bars) + 30
    width = LABEL + BAR_WIDTH + 70
    described = "; ".join(
        f"{b.label}: {none if b.percent is None else f'{b.percent:g} %'}" for b in bars
    )
    parts = [_open(ident, width, height, title, described)]
    for tick in (0, 50, 100):
        x = LABEL + BAR_WIDTH * tick / 100
        parts.append(f'<line x1="{x:g}" y1="4" x2="{x:g}" y2="{height - 22}" stroke="{LINE}"/>')
        parts.append(_text(x, height - 6, f"{tick} %", text_anchor="middle", fill=MUTED))
    for row, bar in enumerate(bars):
        y = 8 + ROW * row
        parts.append(_text(LABEL - 8, y + 15, bar.label, text_anchor="end"))
        if bar.percent is None:
            parts.append(_text(LABEL + 6, y + 15, none, fill=MUTED))
            continue
        length = BAR_WIDTH * max(0.0, min(bar.percent, 100.0)) / 100
        parts.append(f'<rect x="{LABEL}" y="{y}" width="{length:g}" height="20" fill="{ACCENT}"/>')
        parts.append(_text(LABEL + length + 6, y + 15, f"{bar.percent:g} %"))
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class StageBox:
    """A stage as the diagram draws it: its name, who holds it, its working days."""

    heading: str
    holders: list[str]  # a role and unit; or each agency a consultation asks, a line each
    days: str


def stage_boxes(
    procedure: Procedure,
    stage_name: Callable[[str], str],
    holder: Callable[[str, str], str],
    agency: Callable[[str], str],
    days: Callable[[int], str],
) -> list[StageBox]:
    """Each stage with its name, the role and unit (or the consulted agencies) that hold it."""
    found = []
    for number, stage in enumerate(procedure.chain, start=1):
        if isinstance(stage, ConsultationStage):
            who = [agency(a) for a in stage.agencies]
        else:
            who = [holder(stage.role, stage.unit)]
        heading = f"{number}. {stage_name(stage.id)}"
        found.append(StageBox(heading=heading, holders=who, days=days(stage.working_days)))
    return found


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _box_height(box: StageBox) -> int:
    return BOX_H + LINE_H * (len(box.holders) - 1)


def chain_diagram(ident: str, title: str, boxes: Sequence[StageBox]) -> str:
    """The stages top to bottom, each a box, joined by arrows in the order a dossier takes."""
    height = sum(_box_height(b) + GAP for b in boxes) - GAP + 4
    desc = "; ".join(f"{b.heading} — {', '.join(b.holders)} — {b.days}" for b in boxes)
    parts = [
        _open(ident, BOX_W + 4, height, title, desc),
        f'<defs><marker id="{ident}-a" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7"'
        f' markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{LINE}"/></marker>'
        "</defs>",
    ]
    y = 2
    for row, box in enumerate(boxes):
        tall = _box_height(box)
        parts.append(
            f'<rect x="2" y="{y}" width="{BOX_W}" height="{tall}" rx="6" fill="#fff"'
            f' stroke="{ACCENT}" stroke-width="2"/>'
        )
        parts.append(_text(14, y + 24, _clip(box.heading, 64), font_weight="700"))
        for line, holder in enumerate(box.holders):
            parts.append(_text(14, y + 46 + LINE_H * line, _clip(holder, 72), fill=MUTED))
        parts.append(_text(14, y + tall - 11, box.days))
        if row < len(boxes) - 1:
            x = 2 + BOX_W / 2
            parts.append(
                f'<line x1="{x:g}" y1="{y + tall}" x2="{x:g}" y2="{y + tall + GAP - 2}"'
                f' stroke="{LINE}" stroke-width="2" marker-end="url(#{ident}-a)"/>'
            )
        y += tall + GAP
    parts.append("</svg>")
    return "".join(parts)
