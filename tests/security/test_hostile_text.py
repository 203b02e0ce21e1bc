"""Text from outside, as the models take it: one spelling of every name (NFC), one form of every
phone number, and no characters that hide or disguise what an officer reads (issue 5)."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from pydantic import ValidationError

from models.actions import (
    Cancellation,
    DeliveryConfirmation,
    OfficerAction,
    RetryRequest,
    Supplement,
    Withdrawal,
)
from models.dossier import PROVINCE_CODES, Applicant, DocumentRef
from models.officer import OfficerIdentity

OFFICER = OfficerIdentity(id="tn.reception", role="reception_officer", unit="one-stop",
                          agency="so-tnmt")  # fmt: skip
BASE = {"name": "Lê Văn Tám", "id_number": "001099012345", "phone": "0912345678"}


def applicant(**changes: Any) -> Applicant:
    return Applicant.model_validate(BASE | changes)


def refusal(model: type, **fields: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(fields)
    return str(caught.value)


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("0912345678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("+84 91 234 5678", "0912345678"),
        ("091.234.5678", "0912345678"),
        ("091-234-5678", "0912345678"),
        ("(+84) 387 654 321", "0387654321"),
        ("02439123456", "02439123456"),  # a Hà Nội landline: 02 + area + number, 11 digits
        ("+84 24 3912 3456", "02439123456"),
    ],
)
def test_phone_numbers_are_kept_in_one_form(written: str, kept: str) -> None:
    assert applicant(phone=written).phone == kept


@pytest.mark.parametrize(
    "phone",
    [
        "84912345678",  # the country code without its +
        "+840912345678",  # both the country code and the trunk 0
        "0112345678",  # 01x mobile prefixes were retired in 2018
        "091234567",
        "09123456789",
        "0412345678",
        "+1 202 555 0100",
        "０９１２３４５６７８",  # fullwidth digits
        "0912345678\x00",
        "",
    ],
)
def test_phone_numbers_that_are_not_vietnamese_are_refused(phone: str) -> None:
    assert "phone" in refusal(Applicant, **(BASE | {"phone": phone}))


def test_every_province_code_is_a_valid_start_and_no_other() -> None:
    assert len(PROVINCE_CODES) == 63
    for number in range(1000):
        code = f"{number:03d}"
        id_number = code + "099012345"
        if code in PROVINCE_CODES:
            assert applicant(id_number=id_number).id_number == id_number
        else:
            assert "province code" in refusal(Applicant, **(BASE | {"id_number": id_number}))


def test_names_are_stored_in_one_unicode_spelling() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hồng")
    assert decomposed != "Nguyễn Thị Hồng"
    assert applicant(name=decomposed).name == "Nguyễn Thị Hồng"
    assert applicant(name="  Nguyễn Thị Hồng ").name == "Nguyễn Thị Hồng"
    address = unicodedata.normalize("NFD", "12 Phố Huế")
    assert applicant(address=address).address == "12 Phố Huế"


@pytest.mark.parametrize(
    "char",
    ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\u202e", "\u2066", "\u200f", "\ufeff",
     "\u200b", "\udc80"],
)  # fmt: skip
def test_names_refuse_control_bidirectional_and_invisible_characters(char: str) -> None:
    message = refusal(Applicant, **(BASE | {"name": f"Lê{char}Văn Tám"}))
    assert "\nname\n" in message
    assert "contains" in message or "unicode" in message  # pydantic itself refuses surrogates
    assert "file_name" in refusal(
        DocumentRef, kind="report", file_name=f"a{char}.pdf", sha256="0" * 64, size=1, format="pdf"
    )


def _comments(text: str) -> list[tuple[type, dict[str, Any]]]:
    return [
        (OfficerAction, {"officer": OFFICER, "action": "accept", "comment": text}),
        (Supplement, {"note": text}),
        (Withdrawal, {"reason": text}),
        (Cancellation, {"officer": OFFICER, "reason": text}),
        (DeliveryConfirmation, {"officer": OFFICER, "note": text}),
        (RetryRequest, {"officer": OFFICER, "note": text}),
    ]


@pytest.mark.parametrize("text", ["a\x1b[2Jb", "a\x00b", "\u202eevil", "tag\U000e0041", "\x85"])
def test_comments_and_reasons_refuse_hidden_characters(text: str) -> None:
    for model, fields in _comments(text):
        assert "contains" in refusal(model, **fields), model.__name__


def test_comments_and_reasons_refuse_100_kb() -> None:
    for model, fields in _comments("x" * 100_000):
        assert "at most 4000 characters" in refusal(model, **fields), model.__name__


def test_comments_keep_lines_tabs_and_emoji_and_are_normalised() -> None:
    text = "Đạt yêu cầu.\n\tBổ sung bản vẽ 👨‍👩‍👧\r\n"
    for model, fields in _comments(unicodedata.normalize("NFD", text)):
        item = model.model_validate(fields)
        field = next(name for name in ("comment", "note", "reason") if name in fields)
        assert getattr(item, field) == text, model.__name__


def test_missing_items_of_a_supplement_request_are_single_lines() -> None:
    message = refusal(
        OfficerAction,
        officer=OFFICER,
        action="request_supplement",
        missing=["Bản vẽ mặt bằng", "x\x1b[31m"],
    )
    assert "missing.1" in message and "control character" in message
