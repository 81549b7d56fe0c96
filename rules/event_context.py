"""The context an alert shows of its event: the asset it concerns and who acted (rules stage:
single-event alerts, correlations and suppression read it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from govsoc.core.event import Event

__all__ = ["ACTOR_FIELDS", "ASSET_FIELDS", "burst_context", "event_context"]

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


def burst_context(members: Sequence[Event]) -> dict[str, Any]:
    """The context of a correlation's burst: its first event's asset, and each actor field whose
    value every event of the burst shares (R58b-5: a per-user burst grouped by the Windows event
    data's ``User`` showed no user, and `alerts --group-by user.name` filed it under "(none)");
    a field the events disagree on, or some lack, says nothing of the burst and is left out."""
    context = event_context(members[0], actor=False)
    for name in ACTOR_FIELDS:
        value = members[0].fields.get(name)
        if value is not None and all(member.fields.get(name) == value for member in members[1:]):
            context[name] = value
    return context
