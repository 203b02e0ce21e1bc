"""What the booking pages say beside a field when the operations refuse the input: the API's
errors (pydantic's, BookingRefused's reason, a full slot) in the citizen's words."""

from __future__ import annotations

from pydantic import ValidationError

from operations.appointments import BookingRefused

NAME = "Hãy nhập họ và tên trên một dòng (tối đa 200 ký tự)."
PHONE = "Số điện thoại không hợp lệ: số di động 0xxxxxxxxx hoặc số cố định 02xxxxxxxxx."
ID_NUMBER = "Số định danh cá nhân (số căn cước) gồm 12 chữ số."
EMAIL = "Địa chỉ email không hợp lệ."
START = "Hãy chọn một khung giờ trong danh sách."
CODE = "Mã lịch hẹn gồm chữ và số, ví dụ 7KQ2-M9XA."
PAST = "Khung giờ này đã qua: hãy chọn khung giờ khác."
TOO_FAR = "Khung giờ này quá xa: chỉ đặt được trong những ngày sắp tới của danh sách."
NO_SLOT = "Không có khung giờ này (ngày nghỉ hoặc ngoài giờ làm việc): hãy chọn trong danh sách."
PER_PERSON = "Số định danh này đã giữ đủ số lịch hẹn sắp tới cho phép: hãy hủy một lịch trước."
FULL = "Khung giờ này vừa hết chỗ: hãy chọn khung giờ khác."
NOT_FOUND = "Không tìm thấy lịch hẹn với mã và số điện thoại này."
UNUSED = "Lịch hẹn này đã hủy hoặc đã dùng: không thể thay đổi."
CANCELLED = "Đã hủy lịch hẹn."
MOVED = "Đã đổi lịch hẹn."
NO_PROCEDURE = "Thủ tục này không nhận đặt lịch hẹn tại quầy."

FIELDS = {"name": NAME, "phone": PHONE, "id_number": ID_NUMBER, "email": EMAIL, "start": START}
REASONS = {"past": PAST, "too_far": TOO_FAR, "no_slot": NO_SLOT, "per_person": PER_PERSON}


def field_errors(exc: ValidationError) -> dict[str, str]:
    """One message per field that pydantic refused (the first of each)."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "start"
        errors.setdefault(field, FIELDS.get(field, START))
    return errors


def refusal(exc: BookingRefused) -> dict[str, str]:
    field = "id_number" if exc.reason == "per_person" else "start"
    return {field: REASONS.get(exc.reason, START)}
