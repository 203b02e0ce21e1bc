"""A dossier's timeline, told in domain words from its workflow history."""

from __future__ import annotations

from temporalio.client import Client

# The timeline is told by `hoso history` today; issue 21 moves the history reader out of cli/,
# and this import then points there.
from cli.history import Entry, timeline  # noqa: TID251
from config import Settings
from operations.access import Caller
from operations.dossiers import readable_state

__all__ = ["Entry", "dossier_timeline"]


async def dossier_timeline(
    client: Client, caller: Caller, settings: Settings, code: str
) -> list[Entry]:
    """Every step of a dossier the caller may see, oldest first."""
    await readable_state(client, caller, settings, code)
    return await timeline(client, code)
