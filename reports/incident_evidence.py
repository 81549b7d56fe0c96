"""The evidence lines of an incident in the situation report (reports.situation): the first raw
lines of its newest alert, masked as free text (classification.free_text) before they are cut, or,
for a flow event that has no raw line, the flow's protocol, endpoints, bytes and packets."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from govsoc.classification.free_text import mask_free_text
from govsoc.classification.masking import mask
from govsoc.core.alert import Alert
from govsoc.reports.period import Period

_EVIDENCE_LINES = 3
_EVIDENCE_CHARS = 300
#: Characters of an evidence line scanned for personal data before the cut to _EVIDENCE_CHARS.
_SCAN_CHARS = 4096
#: A run of six or more digits (full-width too) at the end of a cut line: part of an ID, phone or card.
_TRAILING_DIGITS = re.compile(r"[0-9０-９]{6,}[Xx]?$")


def _evidence(alert: Alert, period: Period, masked: bool) -> tuple[str, ...]:
    lines = []
    for item in alert.evidence[:_EVIDENCE_LINES]:
        text = item.original or str(item.fields.get("message") or "") or _flow_text(item.fields)
        cut = len(text) > _EVIDENCE_CHARS
        if masked:
            # The raw line is free text: IDs, phones, cards and mails in it (percent-encoded too),
            # names a key or an ID beside them points at, are masked (classification.free_text),
            # the account by its field. Masked before the cut, so that a value crossing it is
            # seen whole (a window well past the cut bounds the scan).
            text = mask_free_text(text[:_SCAN_CHARS])
            user = item.fields.get("user.name")
            if isinstance(user, str) and user:
                text = text.replace(user, mask("account", user))
        text = text[:_EVIDENCE_CHARS]
        if masked and cut:
            # what the cut leaves of a longer number is no longer recognized: mask a trailing digit run
            text = _TRAILING_DIGITS.sub(lambda m: "*" * len(m.group()), text)
        lines.append(f"{period.local(item.timestamp)} {item.dataset} {text}")
    return tuple(lines)


def _endpoint(fields: Mapping[str, Any], side: str) -> str:
    ip, port = fields.get(f"{side}.ip"), fields.get(f"{side}.port")
    if ip is None:
        return "?" if port is None else f"?:{port}"
    shown = f"[{ip}]" if ":" in str(ip) and port is not None else str(ip)
    return shown if port is None else f"{shown}:{port}"


def _flow_text(fields: Mapping[str, Any]) -> str:
    """A flow's evidence line (a pcap or NetFlow/IPFIX event has no raw line): protocol, source
    and destination address:port, bytes and packets, from the alert's snapshot of the event."""
    if not any(fields.get(f) is not None for f in ("source.ip", "destination.ip", "network.bytes")):
        return ""
    protocol = "/".join(str(fields[f]) for f in ("network.transport", "network.protocol") if fields.get(f))
    parts = [protocol] if protocol else []
    parts.append(f"{_endpoint(fields, 'source')} -> {_endpoint(fields, 'destination')}")
    for name, unit in (("network.bytes", "bytes"), ("network.packets", "packets")):
        if fields.get(name) is not None:
            parts.append(f"{fields[name]} {unit}")
    return " ".join(parts)
