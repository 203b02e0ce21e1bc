"""The control sheet (phiếu kiểm soát quá trình giải quyết hồ sơ, form 05): every hand-over of a
dossier between stages and units, with its time, who handed and who received, on time or late.

Built from the dossier's state (its stage visits and actions) and the chain it was submitted
with, as read from its workflow (query or history), and rendered as a PDF like the other forms.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from activities.form_rendering import TEMPLATES, TITLES
from activities.pdf import render_pdf
from models.agency import Names
from models.calendar import VIETNAM
from models.dossier import RECEPTION_CHANNELS, ReceptionChannel
from models.procedure import Procedure
from models.state import ActionEntry, DossierState, StageVisit

APPLICANT = "Tổ chức, cá nhân"
SHEET = TEMPLATES.from_string(
    """{% extends "base.html" %}
{% block body %}
<p>Thủ tục: {{ procedure_name }} (mã {{ procedure_code }})</p>
<p>Người nộp: {{ applicant_name }}</p>
<table width="100%" border="1">
<thead><tr><th width="5%">#</th><th width="24%">Bên giao</th><th width="22%">Bên nhận</th>
<th width="15%">Thời gian giao, nhận</th><th width="14%">Kết quả</th>
<th width="20%">Ghi chú</th></tr></thead>
<tbody>
{% for h in handovers %}<tr><td>{{ loop.index }}</td><td>{{ h.handed_by }}</td>
<td>{{ h.received_by }}</td><td>{{ h.at }}</td><td>{{ h.result }}</td><td>{{ h.note }}</td></tr>
{% endfor %}</tbody>
</table>
{% endblock %}"""
)


class Handover(BaseModel):
    """One line of the sheet: the dossier passing from one stage (and unit) to the next."""

    handed_by: str
    received_by: str
    at: str
    result: str
    note: str = ""


def _local(moment: datetime | None) -> str:
    return moment.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y") if moment else "-"


def _holder(procedure: Procedure, stage_id: str, names: Names) -> str:
    """Who holds a stage, by name: its unit (and the stage), or the consulted agencies."""
    stage = procedure.stage(stage_id)
    unit = getattr(stage, "unit", None)
    if unit:
        return f"{names.unit(unit)} ({procedure.stage_name(stage_id)})"
    agencies = getattr(stage, "agencies", []) or []
    return ", ".join(names.agency(agency) for agency in agencies) or stage_id


def _closing_action(actions: list[ActionEntry], visit: StageVisit) -> ActionEntry | None:
    """The action that ended a visit: the last one at that stage by the time it was left."""
    left = visit.left_at or datetime.max.replace(tzinfo=VIETNAM)
    found = [a for a in actions if a.stage == visit.stage and visit.entered_at <= a.at <= left]
    return found[-1] if found else None


def handovers(
    procedure: Procedure, state: DossierState, applicant_name: str, names: Names | None = None
) -> list[Handover]:
    """The applicant's submission to reception, then each stage to the next one."""
    names = names or Names()
    visits = state.visits
    lines = []
    if visits:
        officer = f" — {state.received_by}" if state.received_by else ""
        channel = ReceptionChannel(state.received_via)
        lines.append(
            Handover(
                handed_by=f"{APPLICANT}: {applicant_name}",
                received_by=_holder(procedure, visits[0].stage, names) + officer,
                at=_local(state.received_at or state.submitted_at),
                result="Đúng hạn",
                note=f"tiếp nhận {RECEPTION_CHANNELS[channel]}",
            )
        )
    for position, visit in enumerate(visits):
        if visit.left_at is None:
            continue
        action = _closing_action(state.actions, visit)
        who = f" — {action.actor}" if action else ""
        following = visits[position + 1].stage if position + 1 < len(visits) else None
        receiver = _holder(procedure, following, names) if following else _closed_to(state)
        lines.append(
            Handover(
                handed_by=_holder(procedure, visit.stage, names) + who,
                received_by=receiver,
                at=_local(visit.left_at),
                result="Quá hạn" if visit.late else "Đúng hạn",
                note=" ".join(
                    p for p in (visit.outcome or "", action.comment if action else "") if p
                ),
            )
        )
    return lines


def _closed_to(state: DossierState) -> str:
    """Where a dossier went after its last stage: the result counter, or back to the applicant."""
    if state.status.value in ("withdrawn", "cancelled", "awaiting_supplement", "awaiting_payment"):
        return f"{APPLICANT} ({state.status.value})"
    return f"Bộ phận trả kết quả ({state.delivery.value})"


def render_control_sheet(
    procedure: Procedure,
    state: DossierState,
    applicant_name: str,
    issued_at: datetime,
    names: Names | None = None,
) -> bytes:
    """The control sheet as a PDF; the same state and time give the same bytes. `names`: the
    submission's snapshot of its agencies' and units' names."""
    names = names or Names()
    number, title = TITLES["control_sheet"]
    html = SHEET.render(
        number=number,
        title=title,
        code=state.code,
        agency=names.agency(procedure.agency),
        procedure_name=procedure.name,
        procedure_code=procedure.code,
        applicant_name=applicant_name,
        issued_at=issued_at.astimezone(VIETNAM).strftime("%H:%M ngày %d/%m/%Y"),
        handovers=handovers(procedure, state, applicant_name, names),
    )
    return render_pdf(html, issued_at=issued_at, title=f"{title} — {state.code}")
