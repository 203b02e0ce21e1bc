"""Forms as PDF (fpdf2) with a font that has every Vietnamese diacritic (DejaVu Sans, vendored
under activities/fonts/ with its licence, so a fresh machine needs no system font).

The same HTML and issue time always give the same bytes: the creation date is the form's issue
time, so a retried activity stores the same document under the same hash.

Speed: parsing a font is most of a form's cost, so forms use DejaVu subset to Latin, Vietnamese
and common symbols (`*-vi.ttf`, made with the command in fonts/LICENSE); only a form holding a
character outside it loads the full font as a fallback. Each font file is parsed once per
process; a form gets a copy (fpdf2 subsets the font it embeds in place). Every form embeds the
glyphs of COMMON_CHARACTERS whether it draws them or not, so that forms draw the same glyphs and
share the subset font made for the first of them (activities/font_subsets.py): a form takes
~45 KB instead of ~25 KB, and a third of the CPU.
"""

from __future__ import annotations

import copy
import re
import string
import unicodedata
from datetime import datetime
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TextStyle, TTFFont

from activities import font_subsets

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
# Printable ASCII and every lower-case Vietnamese letter: what nearly every form draws. Names
# add capitals (Đ, Ư, Ô…), which give a few more shared subsets, not one per applicant.
_VIETNAMESE_VOWELS = "aăâeêioôơuưy"
_TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"  # huyền, sắc, hỏi, ngã, nặng
COMMON_CHARACTERS = tuple(
    sorted(
        set(string.printable) - set(string.whitespace) | {" ", "đ"} | set(_VIETNAMESE_VOWELS)
        | {unicodedata.normalize("NFC", v + t) for v in _VIETNAMESE_VOWELS for t in _TONE_MARKS}
    )
)  # fmt: skip

font_subsets.install()


def _body(html: str) -> str:
    """The part fpdf2 lays out: the document's body, without head and section wrappers."""
    found = _BODY.search(html)
    return _SECTIONS.sub("", found.group(1) if found else html)


@cache
def subset_characters() -> frozenset[int]:
    """The code points both subset fonts draw."""
    covered = [set(TTFont(FONTS / name, lazy=True).getBestCmap()) for name in SUBSET.values()]
    return frozenset(set.intersection(*covered))


@cache
def _parsed_font(name: str, style: str) -> tuple[TTFFont, bytes, tuple[str, ...]]:
    """The font file as fpdf2 parses it, its bytes, and its glyph order."""
    path = FONTS / name
    font = TTFFont(FPDF(), path, name, style)
    glyph_order = tuple(font.ttfont.getGlyphOrder())
    font.close()  # its fontTools font (and the file it holds open) is never used again
    return font, path.read_bytes(), glyph_order


def _add_font(pdf: FPDF, family: str, style: str, name: str) -> None:
    """`pdf.add_font(family, style, FONTS / name)` from the font parsed once: the same PDF bytes,
    without reading the file and working out its widths and glyph names again (about a third of
    a form's time). The form's copy shares what fpdf2 never changes after parsing (widths, glyph
    ids, cmap, as fpdf2's own copies do) and has its own glyphs drawn, and its own fontTools font,
    opened lazily from the bytes in memory, which fpdf2 subsets in place when it writes the form."""
    parsed, data, glyph_order = _parsed_font(name, style)
    font = copy.copy(parsed)
    font.missing_glyphs = []
    font.subset = SubsetMap(font)
    font.ttfont = font_subsets.FormFont(data, name)
    font.ttfont.setGlyphOrder(list(glyph_order))
    font.fontkey = family + style
    font.i = len(pdf.fonts) + 1
    pdf.fonts[font.fontkey] = font


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
        _add_font(pdf, FAMILY, style, name)
        font = pdf.fonts[FAMILY + style]
        if isinstance(font, TTFFont):  # always: fpdf2 types the core fonts in too
            for character in COMMON_CHARACTERS:
                font.subset.pick(ord(character))
    if {ord(c) for c in body + title} - subset_characters() - {10, 13}:
        for style, name in FULL.items():
            _add_font(pdf, FULL_FAMILY, style, name)
        pdf.set_fallback_fonts([FULL_FAMILY])
    pdf.set_font(FAMILY, size=11)
    pdf.set_margins(20, 15, 20)
    pdf.add_page()
    pdf.write_html(body, font_family=FAMILY, tag_styles=STYLES)
    return bytes(pdf.output())
