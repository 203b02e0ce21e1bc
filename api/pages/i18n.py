"""The pages' languages: Vietnamese first (every string of the templates is written in it),
English when the browser asks for it (Accept-Language); dates as Vietnamese write them.

The catalogue is a dict per language, keyed by the Vietnamese text: a string missing from it
shows in Vietnamese, never as a key.
"""

from __future__ import annotations

from datetime import date, datetime

from api.pages.messages_en import ENGLISH
from models.calendar import VIETNAM

LANGUAGES = ("vi", "en")
CATALOGUES: dict[str, dict[str, str]] = {"vi": {}, "en": ENGLISH}

STATUSES = {
    "submitted": "Đã nộp",
    "received": "Đã tiếp nhận",
    "in_review": "Đang giải quyết",
    "awaiting_supplement": "Chờ bổ sung",
    "awaiting_payment": "Chờ thanh toán phí",
    "refused": "Từ chối tiếp nhận",
    "approved": "Đã phê duyệt",
    "rejected": "Không phê duyệt",
    "delivering": "Đang trả kết quả",
    "completed": "Đã trả kết quả",
    "withdrawn": "Đã rút",
    "cancelled": "Đã hủy",
}
ROLES = {
    "reception_officer": "Cán bộ một cửa",
    "specialist": "Chuyên viên",
    "division_head": "Trưởng phòng",
    "director": "Giám đốc",
    "deputy_director": "Phó Giám đốc",
    "chairman": "Chủ tịch",
    "vice_chairman": "Phó Chủ tịch",
    "civil_status_officer": "Công chức hộ tịch",
    "expert": "Chuyên gia",
    "operator": "Vận hành hệ thống",
    "administrator": "Quản trị viên",
    "portal": "Cổng dịch vụ công",
}
WAITING = {
    "stage": "Bước của tôi",
    "consultation": "Lấy ý kiến",
    "council": "Phiếu hội đồng",
    "chair": "Kết luận hội đồng",
}
EVENTS = {
    "submitted": "Nộp hồ sơ",
    "accept": "Tiếp nhận",
    "request_supplement": "Yêu cầu bổ sung",
    "refuse": "Từ chối tiếp nhận",
    "approve": "Đồng ý, chuyển bước",
    "return": "Trả lại bước trước",
    "reject": "Đề nghị không phê duyệt",
    "concur": "Đồng ý (lấy ý kiến)",
    "object": "Không đồng ý (lấy ý kiến)",
    "supplement": "Bổ sung hồ sơ",
    "withdraw": "Rút hồ sơ",
    "cancel": "Hủy hồ sơ",
    "confirm_delivery": "Xác nhận đã trả kết quả",
    "apologize": "Xin lỗi, hẹn lại ngày trả",
    "form issued": "Phát hành biểu mẫu",
    "handed over": "Chuyển kết quả",
    "notified": "Gửi thông báo",
    "closed": "Kết thúc",
    "deadline": "Hết hạn bước",
    "failed": "Lỗi",
    "retrying": "Đang thử lại",
    "stage time": "Thời gian của bước",
    "done": "Hoàn tất",
    "trust loaded": "Nạp khóa tin cậy",
    "timed out": "Quá thời gian chờ",
    "terminated": "Dừng hẳn",
    "reset": "Chạy lại từ một điểm",
    "continued": "Tiếp tục ở lượt mới",
    "timer": "Hẹn giờ",
    "act": "Thao tác của cán bộ",
    "pass": "Thông qua",
    "pass_with_revisions": "Thông qua, cần chỉnh sửa",
    "fail": "Không thông qua",
    "retry": "Yêu cầu chạy lại tác vụ lỗi",
    "convene": "Thành lập hội đồng thẩm định",
    "conclude": "Kết luận của hội đồng",
    "webhook": "Gửi sự kiện đến cổng dịch vụ công",
    "SMS": "Tin nhắn SMS",
    "resumed": "Lượt mới tiếp nhận hồ sơ",
    "payment_requested": "Chờ thanh toán phí",
    "payment_started": "Bắt đầu thanh toán trực tuyến",
    "fee_paid": "Đã thanh toán phí",
    "payment_expired": "Quá hạn thanh toán phí",
    "refund_owed": "Phải hoàn trả phí",
    "pay": "Thanh toán phí",
    "open_payment": "Bắt đầu thanh toán trực tuyến",
}
BOOKINGS = {
    "booked": "Đã đặt",
    "checked_in": "Đã vào lượt tại quầy",
    "no_show": "Không đến",
    "started": "Đã nộp hồ sơ tại quầy",
    "cancelled": "Đã hủy",
}
DELIVERY = {"online": "Trực tuyến", "post": "Bưu chính", "counter": "Tại bộ phận một cửa"}


def language(accept_language: str | None) -> str:
    """The first language of the header that the pages speak; Vietnamese by default."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        ranked.append((-quality, position, tag.strip().lower().split("-")[0]))
    for _, _, tag in sorted(ranked):
        if tag in LANGUAGES:
            return tag
    return "vi"


def translator(lang: str):  # type: ignore[no-untyped-def]
    catalogue = CATALOGUES.get(lang, {})

    def gettext(text: str, **values: object) -> str:
        found = catalogue.get(text, text)
        return found % values if values else found

    return gettext


def vietnamese_date(value: date | datetime | None) -> str:
    """dd/mm/yyyy (a moment: its day in Vietnam)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(VIETNAM).date()
    return value.strftime("%d/%m/%Y")


def vietnamese_time(value: datetime | None) -> str:
    """hh:mm dd/mm/yyyy, in Vietnam's time."""
    if value is None:
        return ""
    return value.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")


def file_size(size: int) -> str:
    """A document's size as an officer reads it: bytes, KB or MB (of 1,024)."""
    if size < 1024:
        return f"{size} B"
    value, unit = (size / 1024, "KB") if size < 1024 * 1024 else (size / 1024 / 1024, "MB")
    return f"{value:.1f} {unit}"


def clock(value: datetime) -> str:
    """hh:mm, in Vietnam's time."""
    return value.astimezone(VIETNAM).strftime("%H:%M")
