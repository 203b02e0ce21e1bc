"""The counter's entry form read into a dossier: the applicant's fields, the delivery and one
file input per kind of document (`doc-<kind>`), and every refusal said in Vietnamese beside the
field it is about. The checks themselves are the submission's (support/intake.py); this only
reads the form and places their answers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile

from api.pages.form_fields import EMPTY
from api.uploads import chunks
from models.dossier import Applicant
from models.procedure import Procedure
from operations.errors import TooLarge
from operations.uploads import UploadFolder
from support.errors import IntakeError
from support.intake import DocumentEntry

APPLICANT_FIELDS = ("name", "id_number", "phone", "email", "address")
INVALID = {
    "name": "Họ và tên không hợp lệ (một dòng, tối đa 200 ký tự).",
    "id_number": "Số định danh cá nhân gồm 12 chữ số (căn cước công dân).",
    "phone": "Số điện thoại không hợp lệ (ví dụ 0912345678).",
    "email": "Địa chỉ thư điện tử không hợp lệ.",
    "address": "Địa chỉ không hợp lệ (một dòng, tối đa 500 ký tự).",
}
MISSING_DOCUMENT = "Thiếu giấy tờ bắt buộc này: hãy tải lên bản quét."
WRONG_FORMAT = "Tệp “%(file)s” không đúng định dạng: nhận %(formats)s."
EMPTY_FILE = "Tệp “%(file)s” rỗng."
TOO_LARGE = "Tệp “%(file)s” vượt quá giới hạn %(mb)s MB."
BAD_FILE = "Tệp “%(file)s” không nhận được: hãy kiểm tra lại tệp."
NO_DELIVERY = "Hãy chọn hình thức trả kết quả."
REFUSED = "Hồ sơ chưa được tiếp nhận: hãy kiểm tra lại các mục được đánh dấu."
_DOCUMENT_AT = re.compile(r"documents\.(\d+) \(")


@dataclass
class Problems:
    """Vietnamese messages by field (`applicant`'s names, `delivery`, `doc-<kind>`), each a
    template with its values, translated when the page is drawn."""

    fields: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)

    def add(self, name: str, message: str, **values: str) -> None:
        self.fields.setdefault(name, (message, values))

    def __bool__(self) -> bool:
        return bool(self.fields)


def applicant_of(form: FormData, problems: Problems) -> Applicant | None:
    values = {name: str(form.get(name) or "").strip() for name in APPLICANT_FIELDS}
    given = {name: value for name, value in values.items() if value}
    for name in ("name", "id_number", "phone"):
        if name not in given:
            problems.add(name, EMPTY)
    try:
        return Applicant.model_validate(given)
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "name"
            problems.add(name, INVALID.get(name, EMPTY))
    return None


def files_by_kind(form: FormData, procedure: Procedure) -> dict[str, list[UploadFile]]:
    """The files chosen for each kind (a file input left empty sends a nameless empty part)."""
    found: dict[str, list[UploadFile]] = {}
    for spec in procedure.documents:
        chosen = [
            f for f in form.getlist(f"doc-{spec.kind}") if isinstance(f, UploadFile) and f.filename
        ]
        if chosen:
            found[spec.kind] = chosen
    return found


def required_present(
    procedure: Procedure, files: dict[str, list[UploadFile]], problems: Problems
) -> None:
    for spec in procedure.documents:
        if spec.required and spec.kind not in files:
            problems.add(f"doc-{spec.kind}", MISSING_DOCUMENT)


async def upload(
    uploads: UploadFolder, files: dict[str, list[UploadFile]], problems: Problems
) -> list[DocumentEntry]:
    """Each chosen file into the upload folder (a name chosen twice gets its place in front, as
    the CLI does), named in the dossier's documents with its kind."""
    entries: list[DocumentEntry] = []
    for kind, chosen in files.items():
        for upload_file in chosen:
            name = upload_file.filename or "file"
            if name in uploads.hashes:
                name = f"{len(entries)}-{name}"
            try:
                await uploads.add(name, chunks(upload_file))
            except TooLarge:
                mb = str(uploads.max_document_bytes // (1024 * 1024))
                problems.add(f"doc-{kind}", TOO_LARGE, file=name, mb=mb)
                continue
            except IntakeError:
                problems.add(f"doc-{kind}", BAD_FILE, file=name)
                continue
            entries.append(DocumentEntry(kind=kind, path=name))
    return entries


def place(
    exc: IntakeError, procedure: Procedure, entries: list[DocumentEntry], problems: Problems
) -> None:
    """The submission's refusal beside the field it names (the message's `documents.N (kind)`,
    `delivery`, `applicant…`); what names no field is said at the top of the form."""
    text = str(exc)
    at = _DOCUMENT_AT.search(text)
    if at and int(at.group(1)) < len(entries):
        entry = entries[int(at.group(1))]
        formats = next((s.formats for s in procedure.documents if s.kind == entry.kind), [])
        if "format" in text or "content is not" in text:
            shown = ", ".join(f.upper() for f in formats)
            problems.add(f"doc-{entry.kind}", WRONG_FORMAT, file=entry.path, formats=shown)
        elif "is empty" in text:
            problems.add(f"doc-{entry.kind}", EMPTY_FILE, file=entry.path)
        else:
            problems.add(f"doc-{entry.kind}", BAD_FILE, file=entry.path)
    elif "required documents missing" in text:
        for kind in text.rsplit(":", 1)[1].split(","):
            problems.add(f"doc-{kind.strip()}", MISSING_DOCUMENT)
    elif ": delivery:" in text:
        problems.add("delivery", NO_DELIVERY)
    elif ": applicant" in text:
        name = next((n for n in APPLICANT_FIELDS if f"applicant.{n}" in text), "name")
        problems.add(name, INVALID[name])
    else:
        problems.add("form", REFUSED)
