"""Field names an analyst types (`govsoc events --where/--top`), checked before the store is asked.

A store answers a condition on a field no event holds with nothing, so a misspelt name
(``sourceip``, ``src.ip``) read as a confident "0" or an empty table (R49a-3). A name is taken
when it is an ECS field govsoc knows (govsoc.core.ecs.FIELDS: also when today's data lacks it)
or a field some stored event holds; any other is refused with the closest known names. A value
the field's type cannot hold (`--where source.port=abc`) is refused too: SQLite answered 0 and
Elasticsearch a raw HTTP 400 (R58a-7).
"""

from __future__ import annotations

import ipaddress
import math

import click

from govsoc.core.coercion import MALFORMED
from govsoc.core.ecs import FIELDS, field_type
from govsoc.store import Store

#: Names every event has besides the ECS table's (Event's own attributes).
_ALWAYS: frozenset[str] = frozenset({"@timestamp", "event.id", "event.dataset"})


def check_field(store: Store, name: str, option: str) -> None:
    """Refuse (a usage error, exit 2) a field name that is neither known nor held by any event."""
    if name in FIELDS or name in _ALWAYS or store.has_field(name):
        return
    import difflib  # only for a name refused: most runs never need it

    # the stored names too: a device's or a source's own fields (sangfor.action), R50c-6; one the
    # catalogue names but that holds no value (only empty lists: R53c-4) is not offered, nor the
    # name itself
    known = {*FIELDS, *_ALWAYS}
    close = [c for c in difflib.get_close_matches(name, sorted({*known, *store.field_names()} - {name}), n=3)
             if c in known or store.has_field(c)][:1]
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise click.UsageError(f"{option}: unknown field '{name}'{hint}: neither an ECS field govsoc knows "
                           "nor a field of any stored event")


def check_value(name: str, value: str, option: str) -> None:
    """Refuse (a usage error, exit 2) a value that the field's ECS type cannot hold: a number field's
    text that is no number, an address field's that is no address. Such values are kept under
    govsoc.malformed.<field>, which the message names."""
    kind = field_type(name)
    if kind == "long":
        try:
            int(value)
            return
        except ValueError:
            need = "a whole number"
    elif kind == "float":
        try:
            if math.isfinite(float(value)):
                return
        except ValueError:
            pass
        need = "a number"
    elif kind == "ip":
        try:
            ipaddress.ip_address(value.strip())
            return
        except ValueError:
            need = "an IP address"
    else:
        return
    raise click.UsageError(f"{option}: {name}={value!r}: {name} holds {need}; a value that is not one is kept "
                           f"as text under {MALFORMED}{name} (search that field for it)")
