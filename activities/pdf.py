"""Forms as PDF (fpdf2) with a font that has every Vietnamese diacritic (DejaVu Sans, vendored
under activities/fonts/ with its licence, so a fresh machine needs no system font).

The same HTML and issue time always give the same bytes: the creation date is the form's issue
time, so a retried activity stores the same document under the same hash.

Speed: parsing a font is most of a form's cost, so forms use DejaVu subset to Latin, Vietnamese
and common symbols (`*-vi.ttf`, made with the command in fonts/LICENSE); only a form holding a
character outside it loads the full font as a fallback.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import TextStyle

FONTS = Path(__file__).parent / "fonts"
FAMILY = "dejavu"
FULL_FAMILY = "dejavu-full"
SUBSET = {"": "DejaVuSans-vi.ttf", "B": "DejaVuSans-Bold-vi.ttf"}
FULL = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL | re.IGNORECASE)
# Layout tags that fpdf2's HTML renderer does not know: their content stays, the tags go.
# The form's title in bold, centred, small enough that a long legal title fits on one line.
STYLES = {"h1": TextStyle(font_style="B", font_size_pt=13, l_margin="C", t_margin=4, b_margin=3)}
_SECTIONS = re.compile(r"</?(?:header|main|footer|section)[^>]*>", re.IGNORECASE)


def _body(html: str) -> str:
    """The part fpdf2 lays out: the document's body, without head and section wrappers."""
    found = _BODY.search(html)
    return _SECTIONS.sub("", found.group(1) if found else html)


@cache
def subset_characters() -> frozenset[int]:
    """The code points both subset fonts draw."""
    covered = [set(TTFont(FONTS / name, lazy=True).getBestCmap()) for name in SUBSET.values()]
    return frozenset(set.intersection(*covered))


def render_pdf(
    html: str, *, issued_at: datetime, title: str = "", landscape: bool = False
) -> bytes:
    """An A4 PDF of the HTML form (paragraphs, headings, lists, tables); `landscape` for a
    register's wide tables."""
    body = _body(html)
    pdf = FPDF(orientation="L" if landscape else "P", format="A4")
    pdf.set_creation_date(issued_at)
    pdf.set_title(title)
    pdf.set_creator("hoso")
    for style, name in SUBSET.items():
        pdf.add_font(FAMILY, style, str(FONTS / name))
    if {ord(c) for c in body + title} - subset_characters() - {10, 13}:
        for style, name in FULL.items():
            pdf.add_font(FULL_FAMILY, style, str(FONTS / name))
        pdf.set_fallback_fonts([FULL_FAMILY])
    pdf.set_font(FAMILY, size=11)
    pdf.set_margins(20, 15, 20)
    pdf.add_page()
    pdf.write_html(body, font_family=FAMILY, tag_styles=STYLES)
    return bytes(pdf.output())
