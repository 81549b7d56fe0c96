"""The context an alert shows of its event: the asset it concerns and who acted (rules stage:
single-event alerts, correlations and suppression read it).
"""

from __future__ import annotations

from typing import Any

from govsoc.core.event import Event

__all__ = ["ACTOR_FIELDS", "ASSET_FIELDS", "event_context"]

ASSET_FIELDS = ("govsoc.zone", "govsoc.agency", "govsoc.system", "govsoc.dengbao_level", "host.name")
ACTOR_FIELDS = ("source.ip", "user.name")
_CONTEXT_FIELDS = ASSET_FIELDS + ACTOR_FIELDS


def event_context(event: Event, *, actor: bool = True) -> dict[str, Any]:
    """The context an alert shows: the asset (zone, agency, system, host) and, for a single
    event, who acted (source address, account). A correlation's actor is its group instead: its
    first event's account says nothing about the other events of the burst."""
    # Neither tuple names an attribute of Event (time, id, dataset): its fields hold them all.
    values = event.fields
    return {name: value for name in (_CONTEXT_FIELDS if actor else ASSET_FIELDS)
            if (value := values.get(name)) is not None}
