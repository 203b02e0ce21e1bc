"""A dossier's timeline, told in domain words from its workflow history."""

from __future__ import annotations

from temporalio.client import Client

from config import Settings
from operations.access import Caller
from operations.dossiers import readable_state
from support.dossier_timeline import Entry, timeline

__all__ = ["Entry", "dossier_timeline"]


async def dossier_timeline(
    client: Client, caller: Caller, settings: Settings, code: str, *, everything: bool = False
) -> list[Entry]:
    """Every step of a dossier the caller may see, oldest first (`everything`: with the
    projection writes and timers)."""
    await readable_state(client, caller, settings, code)
    return await timeline(client, code, everything=everything)
