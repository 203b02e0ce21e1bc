"""The dashboard's stuck dossiers each offer the operator a retry and a reset signed in the
browser (the dossier's `retry` update), but for one Temporal ended, and none to a session that
only reads."""

from __future__ import annotations

from api.pages import i18n
from api.pages.rendering import environment
from models.officer import OfficerIdentity
from operations.stuck import StuckDossier

OPERATOR = OfficerIdentity(id="ops.operator", role="operator", unit="operations", agency="hcc")


def stuck(code: str, ended: str | None = None) -> StuckDossier:
    return StuckDossier(
        code=code,
        attempt=3,
        cause="[TMPRL1100] Nondeterminism error",
        reset_point=12,
        replays=False,
        actions=1,
        ended=ended,
    )


def panel(can_sign: bool) -> str:
    template = environment.get_template("dashboard_stuck.html")
    return template.render(
        _=i18n.translator("vi"),
        csrf="token",
        officer=OPERATOR,
        can_sign=can_sign,
        stuck=[stuck("ubnd-xa-261208-0001"), stuck("ubnd-xa-261208-0002", ended="terminated")],
    )


def test_each_stuck_dossier_has_its_signed_retry_but_one_temporal_ended() -> None:
    html = panel(can_sign=True)
    assert html.count("data-signed-action") == 2, "a retry and a reset for the one not ended"
    assert 'action="/dossiers/ubnd-xa-261208-0001/retry"' in html
    assert 'data-update="retry"' in html
    assert 'data-prepare="/dossiers/ubnd-xa-261208-0001/retry/prepare"' in html
    assert '<label for="retry-note-ubnd-xa-261208-0001">Đã sửa gì (ghi vào hồ sơ)</label>' in html
    assert "Temporal đã dừng quy trình: không thử lại được." in html
    assert 'data-prepare="/dossiers/ubnd-xa-261208-0001/unstick/prepare"' in html, "reset here"
    assert 'action="/dossiers/ubnd-xa-261208-0001/unstick"' in html
    assert 'data-kind="unstick"' in html and html.count('data-kind="unstick"') == 1


def test_a_session_that_only_reads_gets_no_retry() -> None:
    html = panel(can_sign=False)
    assert "data-signed-action" not in html and "Phiên này chỉ xem." in html
