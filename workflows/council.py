"""Appraisal councils (hội đồng thẩm định): who sits, who may vote or conclude, what the votes say.

Pure: each check returns the reason an action is not allowed (None when it is), for the rules to
raise; nothing here touches state. The council decides when every member has voted, or when the
chair concludes once a quorum (the stage's share of the members, the chair among them) has voted.
Its verdict: `fail` when more than a third of the votes are `fail`, `pass` when every vote is
`pass`, `pass_with_revisions` otherwise.
"""

from __future__ import annotations

from fractions import Fraction
from math import ceil

from models.actions import OfficerAction
from models.procedure import VERDICTS, CouncilStage
from models.state import Council, CouncilVote, DossierState, sitting_council


def sitting(state: DossierState) -> Council | None:
    """The council convened at the dossier's current stage that has not decided yet."""
    return sitting_council(state)


def votes_needed(stage: CouncilStage, council: Council) -> int:
    return ceil(Fraction(stage.quorum) * len(council.members))


def experts_needed(stage: CouncilStage, members: int) -> int:
    return ceil(Fraction(stage.expert_share) * members)


def appointment_problem(stage: CouncilStage, action: OfficerAction) -> str | None:
    """What is wrong with the council a `convene` names, measured against the stage's rules."""
    appointment = action.council
    if appointment is None:
        return "'convene' needs the council: its members (--member, --expert) and --chair"
    members = len(appointment.members)
    if members < stage.min_members:
        return (
            f"a council at stage '{stage.id}' needs at least {stage.min_members} members;"
            f" {members} named"
        )
    experts = experts_needed(stage, members)
    if appointment.experts < experts:
        return (
            f"a council of {members} at stage '{stage.id}' needs at least {experts} experts"
            f" ({stage.expert_share} of its members); {appointment.experts} named"
        )
    return None


def convening_problem(
    state: DossierState, stage: CouncilStage, action: OfficerAction
) -> str | None:
    council = sitting(state)
    if council is not None and council.votes:
        return (
            f"the council at '{stage.id}' has begun voting ({len(council.votes)} of"
            f" {len(council.members)}): it can no longer be changed"
        )
    return appointment_problem(stage, action)


def member_problem(state: DossierState, stage: CouncilStage, action: OfficerAction) -> str | None:
    """A vote or a conclusion: by a member of the sitting council, once, at the right time."""
    council = sitting(state)
    who = action.officer.id
    if council is None:
        return (
            f"no council sits at stage '{stage.id}' yet: the {stage.role} of {stage.unit}"
            " convenes it first"
        )
    if who not in council.members:
        return f"officer {who} is not a member of the council at stage '{stage.id}'"
    if action.action in VERDICTS:
        if any(vote.member == who for vote in council.votes):
            return f"{who} has already voted at stage '{stage.id}'"
        return None
    if who != council.chair:
        return f"only the council's chair ({council.chair}) may conclude"
    needed = votes_needed(stage, council)
    if len(council.votes) < needed:
        return (
            f"no quorum yet: {len(council.votes)} of {len(council.members)} members have voted,"
            f" {needed} are needed"
        )
    if not any(vote.member == council.chair for vote in council.votes):
        return "the chair votes before concluding: the quorum includes the chair"
    return None


def complete(council: Council) -> bool:
    return len(council.votes) == len(council.members)


def verdict(votes: list[CouncilVote]) -> str:
    fails = sum(1 for vote in votes if vote.verdict == "fail")
    if Fraction(fails, len(votes)) > Fraction(1, 3):
        return "fail"
    if all(vote.verdict == "pass" for vote in votes):
        return "pass"
    return "pass_with_revisions"


def tally(council: Council) -> str:
    """The votes in one line, for the control sheet: 'pass_with_revisions (5 of 7 voted: …)'."""
    counts = {name: sum(1 for v in council.votes if v.verdict == name) for name in VERDICTS}
    detail = ", ".join(f"{count} {name}" for name, count in counts.items() if count)
    return f"{len(council.votes)} of {len(council.members)} voted: {detail}"


def reasons(council: Council, verdicts: tuple[str, ...], conclusion: str = "") -> list[str]:
    """The members' comments with these verdicts (and the chair's conclusion), each once."""
    found = [vote.comment.strip() for vote in council.votes if vote.verdict in verdicts]
    found.append(conclusion.strip())
    return list(dict.fromkeys(text for text in found if text))
