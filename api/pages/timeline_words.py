"""A dossier's timeline in the pages' words: each entry of the workflow's history
(support/dossier_timeline.py) told in Vietnamese (English through the browser's language), with
the catalogue's names of stages, units, agencies and documents. An entry this module does not
know keeps the history's own words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from api.pages import i18n
from api.pages.names import CatalogueNames
from models.actions import (
    CalendarChange,
    Cancellation,
    DeliveryConfirmation,
    OfficerAction,
    RetryRequest,
    Supplement,
    Withdrawal,
)
from models.dossier import DocumentRef, DossierSubmission
from models.effects import FormRequest, Notification, ResultDelivery
from models.state import DossierState
from operations.timeline import Entry, StageTime

FORMS = {
    "receipt": "Phiếu tiếp nhận và hẹn trả kết quả (mẫu 01)",
    "supplement_request": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02)",
    "revision_request": "Phiếu yêu cầu chỉnh sửa theo kết luận hội đồng",
    "refusal": "Phiếu từ chối giải quyết hồ sơ (mẫu 03)",
    "result": "Kết quả giải quyết",
    "apology": "Phiếu xin lỗi và hẹn lại ngày trả kết quả (mẫu 04)",
    "control_sheet": "Phiếu kiểm soát quá trình giải quyết hồ sơ (mẫu 05)",
}
NOTICES = {
    "dossier_submitted": "Đã nhận hồ sơ nộp",
    "receipt_issued": "Đã tiếp nhận, hẹn ngày trả",
    "stage_assigned": "Hồ sơ chuyển đến bước mới",
    "stage_overdue": "Bước quá hạn",
    "dossier_overdue": "Hồ sơ quá hạn",
    "supplement_requested": "Yêu cầu bổ sung hồ sơ",
    "supplement_received": "Đã nhận hồ sơ bổ sung",
    "revisions_requested": "Yêu cầu chỉnh sửa theo kết luận hội đồng",
    "consultation_requested": "Đề nghị cho ý kiến",
    "consultation_escalated": "Nhắc cơ quan chưa cho ý kiến",
    "council_convened": "Thành lập hội đồng thẩm định",
    "apology_requested": "Cần xin lỗi, hẹn lại ngày trả",
    "apology_issued": "Thư xin lỗi, hẹn lại ngày trả",
    "due_date_moved": "Ngày hẹn trả đã dời",
    "dossier_refused": "Hồ sơ bị từ chối",
    "dossier_withdrawn": "Hồ sơ đã rút",
    "dossier_cancelled": "Hồ sơ đã hủy",
    "dossier_completed": "Hồ sơ đã hoàn thành",
    "result_ready_online": "Kết quả sẵn sàng tải về",
    "result_ready_at_counter": "Kết quả chờ nhận tại bộ phận một cửa",
    "result_posted": "Kết quả đã gửi qua bưu chính",
}
ACTIVITIES = {
    "check_submission": "Kiểm tra hồ sơ nộp",
    "check_council": "Đối chiếu hội đồng với danh sách cán bộ",
}


@dataclass(frozen=True)
class Words:
    """What a timeline is told with: the request's language and the catalogue's names."""

    gettext: Callable[..., str]
    names: CatalogueNames
    procedure: str
    agency: str

    def told(self, entry: Entry) -> tuple[str, str]:
        """The entry's label and detail in the pages' words."""
        subject = entry.subject
        label = self.gettext(i18n.EVENTS.get(entry.event, entry.event))
        if isinstance(subject, OfficerAction):
            label = self.gettext(i18n.EVENTS.get(subject.action, subject.action))
        teller = _TELLERS.get(type(subject))
        if teller is None:
            return label, self._activity(entry)
        detail = teller(self, subject)
        if entry.answer is not None:
            status, stage = entry.answer
            detail += " → " + self.gettext(i18n.STATUSES.get(status, status))
            if stage:
                detail += ", " + self.names.stage(self.procedure, stage)
        proof = getattr(subject, "proof", None)
        if proof is not None:
            token = proof.certificate.token_id[:8]
            detail += " " + self.gettext("[đã ký, khóa %(token)s]", token=token)
        return label, detail

    def _activity(self, entry: Entry) -> str:
        name = entry.detail.split(" ", 1)[0]
        if entry.event == "trust loaded":
            return ""  # its label says it all
        if entry.event == "done" and name in ACTIVITIES:
            return self.gettext(ACTIVITIES[name])
        if entry.event == "deadline":
            return self.gettext("Một bước đã hết thời hạn")
        return entry.detail

    def officer(self, value: Any) -> str:
        who = value.officer
        role = self.gettext(i18n.ROLES.get(who.role, who.role))
        return f"{who.id} ({role}, {self.names.unit(who.agency, who.unit)})"

    def documents(self, refs: list[DocumentRef]) -> str:
        return "; ".join(self.names.document(self.procedure, d.kind) for d in refs)


def _action(words: Words, value: OfficerAction) -> str:
    gettext = words.gettext
    parts = [words.officer(value)]
    if value.to_stage:
        parts.append(
            gettext(
                "trả về bước %(stage)s", stage=words.names.stage(words.procedure, value.to_stage)
            )
        )
    if value.missing:
        parts.append(gettext("cần bổ sung: %(items)s", items="; ".join(value.missing)))
    if value.documents:
        parts.append(gettext("kèm: %(documents)s", documents=words.documents(value.documents)))
    if value.new_due_date:
        parts.append(
            gettext("ngày hẹn trả mới %(day)s", day=i18n.vietnamese_date(value.new_due_date))
        )
    if value.council:
        parts.append(
            gettext(
                "hội đồng %(n)s thành viên, chủ tịch %(chair)s",
                n=len(value.council.members),
                chair=value.council.chair,
            )
        )
    if value.comment:
        parts.append(f"“{value.comment}”")
    return " — ".join(parts)


def _supplement(words: Words, value: Supplement) -> str:
    gettext = words.gettext
    documents = words.documents(value.documents) or gettext("không có giấy tờ")
    told = gettext("Người nộp bổ sung: %(documents)s", documents=documents)
    if value.officer:
        told += " " + gettext("(cán bộ nhận: %(who)s)", who=value.officer.id)
    return told + (f" — “{value.note}”" if value.note else "")


def _withdrawal(words: Words, value: Withdrawal) -> str:
    told = words.gettext("Người nộp rút hồ sơ")
    return told + (f" — “{value.reason}”" if value.reason else "")


def _cancellation(words: Words, value: Cancellation) -> str:
    return f"{words.officer(value)} — “{value.reason}”"


def _delivery(words: Words, value: DeliveryConfirmation) -> str:
    return words.officer(value) + (f" — {value.note}" if value.note else "")


def _calendar(words: Words, value: CalendarChange) -> str:
    years = f"{value.calendar.first_year}–{value.calendar.last_year}"
    return words.gettext(
        "%(who)s cập nhật lịch làm việc %(years)s", who=value.officer.id, years=years
    )


def _retry(words: Words, value: RetryRequest) -> str:
    return words.officer(value) + (f" — “{value.note}”" if value.note else "")


def _submitted(words: Words, value: DossierSubmission) -> str:
    return words.gettext(
        "%(code)s: %(procedure)s, trả kết quả %(delivery)s; giấy tờ: %(documents)s",
        code=value.code,
        procedure=value.procedure.name,
        delivery=words.gettext(i18n.DELIVERY.get(value.delivery.value, value.delivery.value)),
        documents=words.documents(value.documents),
    )


def _notice(words: Words, value: Notification) -> str:
    to = value.recipient
    if to.audience == "applicant":
        who = words.gettext("người nộp")
    elif to.officers:
        who = ", ".join(to.officers)
    else:
        role = words.gettext(i18n.ROLES.get(to.role or "", to.role or ""))
        where = words.names.unit(to.agency, to.unit) if to.unit else words.names.agency(to.agency)
        who = " · ".join(part for part in (role, where) if part) or words.gettext("cán bộ")
    return f"{words.gettext(NOTICES.get(value.template, value.template))} → {who}"


def _form(words: Words, value: FormRequest) -> str:
    return words.gettext(FORMS.get(value.kind, value.kind))


def _result(words: Words, value: ResultDelivery) -> str:
    channel = words.gettext(i18n.DELIVERY.get(value.channel.value, value.channel.value))
    return words.gettext("Kết quả trả qua: %(channel)s", channel=channel)


def _closed(words: Words, value: DossierState) -> str:
    return words.gettext(i18n.STATUSES.get(value.status.value, value.status.value))


def _stage_time(words: Words, value: StageTime) -> str:
    gettext = words.gettext
    days = gettext("%(n)s ngày làm việc", n=value.days)
    told = f"{words.names.stage(words.procedure, value.stage)}: {days}"
    if value.still:
        told += " " + gettext("(đến nay)")
    return told + (", " + gettext("trễ hạn") if value.late else "")


_TELLERS: dict[type, Callable[[Words, Any], str]] = {
    OfficerAction: _action,
    Supplement: _supplement,
    Withdrawal: _withdrawal,
    Cancellation: _cancellation,
    DeliveryConfirmation: _delivery,
    CalendarChange: _calendar,
    RetryRequest: _retry,
    DossierSubmission: _submitted,
    Notification: _notice,
    FormRequest: _form,
    ResultDelivery: _result,
    DossierState: _closed,
    StageTime: _stage_time,
}
