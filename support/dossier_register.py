"""The dossier register (sổ theo dõi hồ sơ, form 06 of Circular 01/2018/TT-VPCP): every dossier a
receiving agency took in over a period, one line each — its code, procedure, applicant (with the
address and phone the register asks for), when it was received, its appointment date, its result
and when the result went back, and what happened on the way (supplements, an apology, lateness).

Read from the projection (the database), as the reports are, and drawn as a PDF like the forms.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import and_, func
from sqlmodel import Session, col, select

from activities.form_rendering import TEMPLATES, TITLES
from activities.pdf import render_pdf
from models.calendar import VIETNAM
from models.dossier import RECEPTION_CHANNELS, ReceptionChannel
from models.tables import DossierRecord, ProcedureRecord
from support.report_output import csv_text
from support.reports import day_start

STATUS = {
    "submitted": "Chờ tiếp nhận",
    "received": "Đang tiếp nhận",
    "in_review": "Đang giải quyết",
    "awaiting_supplement": "Chờ bổ sung",
    "awaiting_payment": "Chờ thanh toán phí",
    "approved": "Đã có kết quả",
    "rejected": "Đã có kết quả",
    "delivering": "Đang trả kết quả",
    "completed": "Đã trả kết quả",
    "refused": "Từ chối tiếp nhận",
    "withdrawn": "Rút hồ sơ",
    "cancelled": "Đã hủy",
}
OUTCOME = {"approved": "Giải quyết", "rejected": "Không giải quyết", "refused": "Từ chối"}
REGISTER = TEMPLATES.from_string(
    """{% extends "base.html" %}
{% block body %}
<p>Từ ngày {{ start }} đến ngày {{ end }}: {{ lines | length }} hồ sơ</p>
<font size="9"><table width="100%" border="1">
<thead><tr><th width="3%">#</th><th width="13%">Mã hồ sơ</th><th width="17%">Thủ tục</th>
<th width="12%">Tổ chức, cá nhân</th><th width="14%">Địa chỉ, số điện thoại</th>
<th width="7%">Ngày nhận</th><th width="7%">Hẹn trả</th>
<th width="8%">Kết quả</th><th width="7%">Ngày trả</th><th width="12%">Ghi chú</th></tr></thead>
<tbody>
{% for line in lines %}<tr><td>{{ line.number }}</td><td align="left">{{ line.code }}</td>
<td align="left">{{ line.procedure }} {{ line.procedure_name }}</td>
<td align="left">{{ line.applicant }}</td><td align="left">{{ line.contact }}</td>
<td>{{ line.received }}</td><td>{{ line.due }}</td><td align="left">{{ line.result }}</td>
<td>{{ line.returned }}</td><td align="left">{{ line.note }}</td></tr>
{% endfor %}</tbody>
</table></font>
{% endblock %}"""
)


REGISTER_COLUMNS = (
    "#",
    "code",
    "procedure",
    "procedure name",
    "applicant",
    "address and phone",
    "received",
    "due",
    "result",
    "returned",
    "note",
)


class RegisterLine(BaseModel):
    """One dossier of the register, as the form prints it (dates dd/mm/yyyy, Vietnam time)."""

    number: int
    code: str
    procedure: str
    procedure_name: str
    applicant: str
    contact: str
    received: str
    due: str
    result: str
    returned: str
    note: str


def _day(moment: datetime | date | None) -> str:
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = moment.astimezone(VIETNAM).date()
    return moment.strftime("%d/%m/%Y")


def _note(row: DossierRecord) -> str:
    parts = [STATUS.get(row.status, row.status)]
    if row.received_via != ReceptionChannel.online:  # online is the rule; the others are said
        parts.append(f"tiếp nhận {RECEPTION_CHANNELS[ReceptionChannel(row.received_via)]}")
    if row.supplement_requests:
        parts.append(f"yêu cầu bổ sung {row.supplement_requests} lần")
    if row.apologized:
        parts.append("đã xin lỗi, hẹn lại")
    if row.on_time is False or (row.on_time is None and row.overdue):
        parts.append("quá hạn")
    return "; ".join(parts)


def register_lines(session: Session, agency: str, start: date, end: date) -> list[RegisterLine]:
    """The dossiers `agency` received from `start` to `end` (Vietnam days, inclusive), in the
    order they were received."""
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    received = func.coalesce(col(DossierRecord.received_at), col(DossierRecord.submitted_at))
    start_at, end_at = day_start(start), day_start(end + timedelta(days=1))
    query = (
        select(DossierRecord, ProcedureRecord.name)
        .outerjoin(
            ProcedureRecord,
            and_(
                col(ProcedureRecord.code) == col(DossierRecord.procedure_code),
                col(ProcedureRecord.version) == col(DossierRecord.procedure_version),
            ),
        )
        .where(DossierRecord.agency == agency, received >= start_at, received < end_at)
        .order_by(received, col(DossierRecord.code))
    )
    lines = []
    for number, (row, name) in enumerate(session.exec(query).all(), start=1):
        returned = row.closed_at if row.status == "completed" else None
        lines.append(
            RegisterLine(
                number=number,
                code=row.code,
                procedure=row.procedure_code,
                procedure_name=name or "",
                applicant=row.applicant_name,
                contact=", ".join(filter(None, [row.applicant_address, row.applicant_phone])),
                received=_day(row.received_at or row.submitted_at),
                due=_day(row.due_date),
                result=OUTCOME.get(row.outcome or "", ""),
                returned=_day(returned),
                note=_note(row),
            )
        )
    return lines


def render_register(
    agency: str,
    start: date,
    end: date,
    lines: list[RegisterLine],
    issued_at: datetime,
    agency_name: str | None = None,
) -> bytes:
    """The register as a PDF; the same lines and time give the same bytes. It prints the agency's
    name from the catalogue's agency list (`agency_name`), its code when it has none."""
    number, title = TITLES["dossier_register"]
    html = REGISTER.render(
        number=number,
        title=title,
        code=None,
        agency=agency_name or agency,
        start=_day(start),
        end=_day(end),
        lines=lines,
        issued_at=issued_at.astimezone(VIETNAM).strftime("%H:%M ngày %d/%m/%Y"),
    )
    return render_pdf(html, issued_at=issued_at, title=f"{title} — {agency}", landscape=True)


def register_cells(line: RegisterLine) -> list[str]:
    """A line's cells, in the order of REGISTER_COLUMNS."""
    return [str(value) for value in line.model_dump().values()]


def register_csv(lines: list[RegisterLine]) -> str:
    return csv_text(REGISTER_COLUMNS, (register_cells(line) for line in lines))
