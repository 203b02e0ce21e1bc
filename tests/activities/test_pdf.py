"""Forms render Vietnamese with the subset font, and anything else with the full font."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import fpdf.output
import pytest
from fontTools import subset as fonttools_subset
from fontTools.ttLib import TTFont
from fpdf import FPDF
from pypdf import PdfReader

import activities.pdf
from activities import font_subsets
from activities.pdf import COMMON_CHARACTERS, FONTS, render_pdf, subset_characters

ISSUED = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def fonts_of(pdf: bytes) -> list[str]:
    """The page's font resources (a subset and its full font share one base name)."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    return list(page["/Resources"]["/Font"])


def test_vietnamese_form_uses_only_the_subset_font() -> None:
    html = "<h1>GIẤY TIẾP NHẬN HỒ SƠ</h1><p>Bà Nguyễn Thị Hồng — số 12 phố Huế, 1.500.000 ₫</p>"
    assert {ord(c) for c in "ẤẾỒễịồ₫—"} <= subset_characters()
    pdf = render_pdf(html, issued_at=ISSUED)
    assert "Nguyễn Thị Hồng" in text_of(pdf)
    assert len(fonts_of(pdf)) == 2  # regular and bold subsets, no fallback
    assert render_pdf(html, issued_at=ISSUED) == pdf  # same form, same bytes


def test_a_character_outside_the_subset_falls_back_to_the_full_font() -> None:
    html = "<p>Công ty TNHH Ωmega — người đại diện: Иван Петров</p>"
    assert ord("И") not in subset_characters()
    pdf = render_pdf(html, issued_at=ISSUED)
    assert "Иван Петров" in text_of(pdf)
    assert len(fonts_of(pdf)) > 1  # the fallback drew the Cyrillic


def test_fonts_parsed_once_give_the_bytes_of_fonts_read_from_their_files(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Forms after the first use the fonts parsed once; a form's bytes (so its hash, its seal)
    are those fpdf2 gives reading the font files, whichever fonts the earlier forms used."""
    forms = [
        "<h1>PHIẾU TIẾP NHẬN</h1><p>Bà Nguyễn Thị Hồng, hẹn trả ngày 20/12/2026</p>",
        "<p>Công ty TNHH Ωmega — người đại diện: Иван Петров</p>",  # the full font too
        "<p><b>Kết quả:</b> phê duyệt báo cáo đánh giá tác động môi trường</p>",
    ]
    once = [render_pdf(html, issued_at=ISSUED) for html in forms * 2]

    def from_file(pdf: FPDF, family: str, style: str, name: str) -> None:
        pdf.add_font(family, style, str(FONTS / name))

    monkeypatch.setattr(activities.pdf, "_add_font", from_file)
    assert [render_pdf(html, issued_at=ISSUED) for html in forms * 2] == once


def test_forms_sharing_a_subset_font_have_the_bytes_of_their_own_subsets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A renderer keeps the font subsets it made; a form's bytes are still those fontTools gives
    subsetting the fonts for that form alone, whatever was rendered before it."""
    forms = [
        "<h1>PHIẾU TIẾP NHẬN</h1><p>Ông Trần Văn Bình, hẹn trả ngày 20/12/2026</p>",
        "<h1>PHIẾU TIẾP NHẬN</h1><p>Bà Lê Thị Thu, hẹn trả ngày 21/12/2026</p>",  # same glyphs
        "<h1>PHIẾU TIẾP NHẬN</h1><p>Ông <b>Đặng Ứng Ơn</b>, hẹn trả ngày 22/12/2026</p>",
        "<p>Công ty TNHH Ωmega — người đại diện: Иван Петров</p>",  # the full font too
    ]
    kept = [render_pdf(html, issued_at=ISSUED) for html in forms * 2]
    assert kept[:4] == kept[4:]
    assert "Lê Thị Thu" in text_of(kept[1]) and "Đặng Ứng Ơn" in text_of(kept[2])

    font_subsets.forget()
    monkeypatch.setattr(fpdf.output, "ftsubset", fonttools_subset)
    assert [render_pdf(html, issued_at=ISSUED) for html in forms] == kept[:4]


def test_every_form_embeds_the_common_characters() -> None:
    """What lets forms share subsets: printable ASCII and the lower-case Vietnamese letters."""
    assert {"a", "Z", "~", "đ", "ư", "ự", "ỹ", "ẵ"} <= set(COMMON_CHARACTERS)
    assert all(len(c) == 1 for c in COMMON_CHARACTERS)  # composed, one code point each
    assert {ord(c) for c in COMMON_CHARACTERS} <= subset_characters()
    page = PdfReader(io.BytesIO(render_pdf("<p>Phiếu</p>", issued_at=ISSUED))).pages[0]
    for font in page["/Resources"]["/Font"].values():
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        embedded = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
        assert {ord(c) for c in "Phiếu" + "ựỹđZ~"} <= set(embedded.getBestCmap())
