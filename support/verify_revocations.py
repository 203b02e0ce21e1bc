"""`hoso verify`'s check of the revocations that concern a dossier (issue 22, item 6): the
register of revocations (activities/revocations.py) against itself and the token list, against
the revocations the dossier's own history loaded, and against the tokens that signed its
actions."""

from __future__ import annotations

from datetime import datetime

from activities.database import SessionFactory
from activities.revocations import register, register_problems
from support.verify_checks import Report
from support.verify_history import History


def check_revocations(report: Report, history: History, sessions: SessionFactory) -> None:
    """Names a revocation undone (in the token list, or removed from the register while the
    history saw it) and an action signed with a token revoked before it was accepted."""
    signers = {
        proof.certificate.token_id: update
        for update in history.updates
        if (proof := getattr(update.item, "proof", None)) is not None
    }
    with sessions() as session:
        problems = register_problems(session)
        revoked: dict[str, datetime] = {e.token_id: e.revoked_at for e in register(session)}
    concerned = set(history.revoked) | set(signers)
    for token, problem in problems:
        if token is None or token in concerned:
            report.add(problem)
    for token, seen in sorted(history.revoked.items()):
        if token not in revoked:
            report.add(
                f"token {token} was revoked when this dossier loaded its trust anchors"
                f" ({seen:%Y-%m-%d %H:%M} UTC) but the register of revocations no longer holds it"
                " (a revocation was undone)"
            )
    for token, update in signers.items():
        since = revoked.get(token)
        if since is not None and update.at >= since:
            report.add(
                f"update {update.name} ({update.describe()}) was signed with token {token},"
                f" revoked on {since:%Y-%m-%d %H:%M} UTC"
            )
