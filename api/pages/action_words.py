"""The words of an action's field problems on the dossier's page, in the request's language:
said beside the field (the answer names it), nothing prepared nor signed."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse

from api.pages.i18n import language, translator, vietnamese_date
from operations.action_fields import DateProblem


def date_problem_text(request: Request, problem: DateProblem) -> str:
    gettext = translator(language(request.headers.get("accept-language")))
    due = vietnamese_date(problem.due)
    if problem.kind == "not_after_due":
        return str(gettext("Ngày hẹn mới phải sau ngày hẹn trả %(due)s.", due=due))
    if problem.kind == "day_off":
        why = problem.why or gettext("cuối tuần")
        return str(
            gettext(
                "Ngày %(day)s là ngày nghỉ (%(why)s): hãy chọn một ngày làm việc, ví dụ %(next)s.",
                day=vietnamese_date(problem.day),
                why=why,
                next=vietnamese_date(problem.suggested),
            )
        )
    return str(gettext("Ngày hẹn mới không hợp lệ: nhập một ngày theo dạng dd/mm/yyyy."))


def field_problem(request: Request, field: str, text: str) -> JSONResponse:
    """A problem detail (422) that names the form's field it is about."""
    return JSONResponse(
        {"title": "Unprocessable Content", "status": 422, "detail": text, "field": field},
        status_code=422,
        media_type="application/problem+json",
        headers={"Cache-Control": "no-store"},
    )
