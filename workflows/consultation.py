"""Consultations (lấy ý kiến): each consulted agency's opinion, and silence at the deadline.

The stage closes when every agency has answered, or when its deadline passes: `on_timeout:
proceed` counts silence as consent and moves on; `escalate` tells the silent agencies again and
keeps waiting.
"""

from __future__ import annotations

from temporalio import workflow

from models.actions import OfficerAction
from models.procedure import ConsultationStage
from models.state import Opinion
from workflows.chain import Chain
from workflows.context import DossierContext


class Consultation:
    def __init__(self, ctx: DossierContext, chain: Chain) -> None:
        self._ctx = ctx
        self._chain = chain

    async def opinion(self, action: OfficerAction) -> None:
        """An agency's `concur` or `object`; the last one moves the dossier on."""
        ctx, state, stage = self._ctx, self._ctx.state, self._ctx.stage()
        state.opinions.append(
            Opinion(
                agency=action.officer.agency,
                stage=stage.id,
                opinion=action.action,
                officer=action.officer.id,
                comment=action.comment,
                at=workflow.now(),
            )
        )
        state.awaiting_agencies.remove(action.officer.agency)
        if state.awaiting_agencies:
            await ctx.sync()
        else:
            await self._chain.move(ctx.procedure.index(stage.id) + 1, "all agencies answered")

    async def deadline_passed(self, stage: ConsultationStage) -> None:
        """The agencies still silent consent (`proceed`), or are told again (`escalate`)."""
        ctx, state = self._ctx, self._ctx.state
        if stage.on_timeout == "proceed":
            for agency in state.awaiting_agencies:
                state.opinions.append(
                    Opinion(agency=agency, stage=stage.id, opinion="silent", at=workflow.now())
                )
            ctx.log("consultation_timeout", None, ", ".join(state.awaiting_agencies))
            state.awaiting_agencies = []
            await self._chain.move(ctx.procedure.index(stage.id) + 1, "deadline passed: consent")
            return
        ctx.log("consultation_escalated", None, ", ".join(state.awaiting_agencies))
        await ctx.sync()
        for agency in state.awaiting_agencies:
            await ctx.effects.notify_officers(
                "consultation_escalated", role=None, unit=None, agency=agency, stage=stage.id
            )
