"""What a NetFlow/IPFIX receiver over UDP keeps across a restart (review 14b finding 6): the
sampling rates its exporters announced, their boot times (IPFIX systemInitTimeMilliseconds),
their templates and where each stream's sequence numbers stood (review r14d: so what an exporter
sent while the receiver was down is counted as lost, collectors.netflow.sequence), per exporter
and source id / observation domain, saved beside the
receiver's counters (``<data_dir>/state/receivers/<name>.decoder.json``, which `govsoc
status` does not read as a receiver: it has no ``counters``).

Stage: collectors. Exporters send options records (sampling) and templates again only on a
timer (RFC 3954 9 and RFC 7011 8.4 leave the interval to the exporter; Cisco IOS defaults to 30
minutes for options, and softflowd's templates every 16 packets); until then a receiver that
restarted would store every record of a sampled exporter unscaled, and hold or drop the data
sets whose template it lost. With the saved state, records arriving right after a restart
are decoded and scaled as before it. A template keeps its age: one older than the decoder's
template lifetime is not restored (RFC 7011 8.4: it would have expired anyway). IPFIX over TCP
is not saved: its templates belong to the transport session (RFC 7011 8.1), and an exporter
sends them again on the new one.

The file is written atomically with the counters (every second while the receiver runs, and at
its end); what it holds is bounded (MAX_ENTRIES of each kind). A damaged or unreadable file is
ignored (the receiver starts as before, learning everything anew) and says so in the log.
"""

from __future__ import annotations

import json
import logging
import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from govsoc.collectors.netflow.decoder import NetflowDecoder
from govsoc.collectors.netflow.templates import FieldSpec, Template

#: At most this many sampling rates, boot times and templates are saved (each).
MAX_ENTRIES = 10_000
VERSION = 1
log = logging.getLogger(__name__)


def state_path(folder: Path, name: str) -> Path:
    """The decoder state file of receiver ``name`` in the receivers' state ``folder``."""
    return folder / f"{name}.decoder.json"


def dump(decoder: NetflowDecoder, now: float) -> dict[str, Any]:
    """The decoder's sampling rates, boot times and live templates as JSON values; ``now`` is the
    decoder's clock (time.monotonic), by which template ages are taken."""
    sampling = [[exporter, domain, *(sampler or (None, None)), rate]
                for (exporter, domain, sampler), rate in list(decoder.sampling.items())[:MAX_ENTRIES]]
    boots = [[exporter, domain, boot.isoformat()]
             for (exporter, domain), boot in list(decoder.system_init.items())[:MAX_ENTRIES]]
    templates = [[exporter, domain, t.id, t.scope_count, [[f.element, f.length, f.enterprise] for f in t.fields],
                  max(0.0, now - t.learned), t.options, t.v9]
                 for (exporter, domain, _), t in decoder.templates.items()[:MAX_ENTRIES]]
    return {"version": VERSION, "saved": datetime.now(UTC).isoformat(), "sampling": sampling,
            "system_init": boots, "templates": templates, "sequence": decoder.sequence.saved()[:MAX_ENTRIES]}


def restore(decoder: NetflowDecoder, data: dict[str, Any], now: float) -> int:
    """Put what ``dump`` wrote back into ``decoder`` (``now`` on its clock), under what it has
    learned already; returns how many entries were restored. ValueError/TypeError/KeyError for
    data that is not a saved state."""
    if data.get("version") != VERSION:
        raise ValueError(f"decoder state version {data.get('version')!r}")
    offline = max(0.0, (datetime.now(UTC) - datetime.fromisoformat(str(data["saved"]))).total_seconds())
    restored = 0
    for exporter, domain, name, ident, rate in data["sampling"][:MAX_ENTRIES]:
        sampler = None if name is None else (str(name), int(ident))
        rate = float(rate)  # 2.5 for 2-in-5 sampling; whole rates stay ints
        decoder.sampling.setdefault((str(exporter), int(domain), sampler), int(rate) if rate.is_integer() else rate)
        restored += 1
    for exporter, domain, boot in data["system_init"][:MAX_ENTRIES]:
        decoder.system_init.setdefault((str(exporter), int(domain)), datetime.fromisoformat(str(boot)))
        restored += 1
    for exporter, version, domain, sequence, advance, through, *more in data.get("sequence", [])[:MAX_ENTRIES]:
        options, counted = (more + [0, None])[:2]  # both absent in states saved before they were kept
        restored += decoder.sequence.resume(str(exporter), int(version), int(domain), int(sequence),
                                            None if advance is None else int(advance),
                                            None if through is None else bool(through),
                                            int(options), None if counted is None else bool(counted))
    for exporter, domain, ident, scope, fields, age, *more in data["templates"][:MAX_ENTRIES]:
        age = float(age) + offline
        if age > decoder.templates.lifetime or decoder.templates.get(str(exporter), int(domain), int(ident), now):
            continue
        specs = tuple(FieldSpec(int(element), int(length), int(enterprise)) for element, length, enterprise in fields)
        # whether it came in an options set and from v9: absent in states saved before they were kept
        options = bool(more[0]) if more else int(scope) > 0
        v9 = bool(more[1]) if len(more) > 1 else False
        template = Template(id=int(ident), scope_count=int(scope), fields=specs, options_set=options,
                            v9=v9).compile()
        decoder.templates.learn(str(exporter), int(domain), template, now - age)
        restored += 1
    return restored


def save(decoder: NetflowDecoder, path: Path) -> None:
    """Write the decoder's state to ``path`` atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_text(json.dumps(dump(decoder, time.monotonic())), encoding="utf-8")
    os.replace(temp, path)


def load(decoder: NetflowDecoder, path: Path) -> int:
    """Restore the decoder's state from ``path`` when it holds one; how many entries came back
    (0 when there is no file, or it cannot be read: logged)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return restore(decoder, data, time.monotonic())
    except FileNotFoundError:
        return 0
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as e:
        log.warning("netflow decoder state %s not restored (%s: %s): exporters' templates and sampling rates "
                    "are learned anew", path, type(e).__name__, e)
        return 0
