"""Templates of NetFlow v9 (RFC 3954 5.2-5.3, 6.1) and IPFIX (RFC 7011 3.4): how they are read
from template and options template sets, compiled for decoding, and kept.

Stage: collectors. A template is known by (exporter address, source id / observation domain,
template id) (RFC 7011 8: two exporters, or two domains of one exporter, may reuse an id with
different layouts). A template record with no fields withdraws its template; one whose id is
its set's id withdraws every template of its kind in the domain (RFC 7011 8.1). A template sent
again replaces the old one (refresh); templates not refreshed within ``lifetime`` seconds expire
(over UDP exporters resend them periodically, RFC 7011 8.4).
"""

from __future__ import annotations

import struct
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from govsoc.collectors.netflow.elements import CONVERTERS, element_name, element_type
from govsoc.core.errors import ParseError

#: Field length that marks an IPFIX variable-length field (RFC 7011 7).
VARIABLE = 0xFFFF
#: struct codes for fixed widths that unpack straight to integers.
_INT_CODES = {1: "B", 2: "H", 4: "I", 8: "Q"}

TemplateKey = tuple[str, int, int]
#: How many expired or withdrawn templates are remembered (for data sets that arrive after them).
GONE_KEPT = 4096


#: NetFlow v9 scope field types (RFC 3954 6.1): a numbering of their own, not element numbers
V9_SCOPES = {1: "scope_system", 2: "scope_interface", 3: "scope_line_card", 4: "scope_cache", 5: "scope_template"}


class NetflowError(ParseError):
    """A NetFlow/IPFIX message or set that cannot be decoded."""


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a template: element number, length on the wire, enterprise number."""

    element: int
    length: int
    enterprise: int = 0


@dataclass(slots=True, kw_only=True)
class Template:
    """A template as learned: its fields (scope fields first for options templates), and the
    decoder compiled from them."""

    id: int
    fields: tuple[FieldSpec, ...]
    scope_count: int = 0
    #: came in an options template set (v9 FlowSet 1, IPFIX Set 3): its records describe the
    #: exporter whatever its scope length, which RFC 3954 6.1 lets be 0 (RFC 7011 3.4.2.2 does not)
    options_set: bool = False
    #: a NetFlow v9 template: its scope fields are v9 scope types (V9_SCOPES), not element numbers
    v9: bool = False
    learned: float = 0.0
    #: fixed-length templates: one struct for the whole record; None when a field is variable
    record: struct.Struct | None = field(default=None, repr=False)
    names: tuple[str, ...] = field(default=(), repr=False)
    converters: tuple[Callable[[bytes], Any] | None, ...] = field(default=(), repr=False)

    @property
    def options(self) -> bool:
        """Whether this is an options template (its records describe the exporter, not flows)."""
        return self.options_set or self.scope_count > 0

    @property
    def min_length(self) -> int:
        """The fewest bytes one record takes (a variable field takes at least its length byte)."""
        return sum(1 if f.length == VARIABLE else f.length for f in self.fields)

    def compile(self) -> Template:
        """Fill in the decoder: names, converters and, for fixed lengths, one struct."""
        names: list[str] = []
        codes: list[str] = []
        converters: list[Callable[[bytes], Any] | None] = []
        for index, spec in enumerate(self.fields):
            if self.v9 and index < self.scope_count:
                name, kind = V9_SCOPES.get(spec.element, f"scope_{spec.element}"), "u"
            else:
                name, kind = element_name(spec.element, spec.enterprise), element_type(spec.element, spec.enterprise)
            names.append(name)
            if kind == "u" and spec.length in _INT_CODES:
                codes.append(_INT_CODES[spec.length])
                converters.append(None)  # struct gives the integer already
            else:
                codes.append(f"{spec.length}s")
                converters.append(CONVERTERS[kind])
        self.names, self.converters = tuple(names), tuple(converters)
        if all(f.length != VARIABLE for f in self.fields):
            self.record = struct.Struct("!" + "".join(codes))
        return self

    def same_layout(self, other: Template) -> bool:
        """Whether ``other`` declares the same fields (a refresh, not a change)."""
        return (self.fields == other.fields and self.scope_count == other.scope_count
                and self.options == other.options)

    def decode(self, body: bytes) -> Iterator[dict[str, Any]]:
        """The records packed in a data set's body (padding after the last one ignored: RFC 7011
        3.3.1 pads to 4 bytes with fewer bytes than one record)."""
        if self.record is not None:
            size = self.record.size
            usable = len(body) - len(body) % size
            names = self.names
            conversions = [(index, names[index], convert) for index, convert in enumerate(self.converters)
                           if convert is not None]
            for values in self.record.iter_unpack(body[:usable]):
                record = dict(zip(names, values, strict=True))
                for index, name, convert in conversions:
                    record[name] = convert(values[index])
                yield record
            return
        yield from self._decode_variable(body)

    def _decode_variable(self, body: bytes) -> Iterator[dict[str, Any]]:
        at, minimum = 0, self.min_length
        while len(body) - at >= minimum:
            record: dict[str, Any] = {}
            for spec, name, convert in zip(self.fields, self.names, self.converters, strict=True):
                length = spec.length
                if length == VARIABLE:  # RFC 7011 7: 1-byte length, or 255 then a 2-byte length
                    if at >= len(body):
                        raise NetflowError(f"template {self.id}: variable-length field cut at byte {at}")
                    length, at = body[at], at + 1
                    if length == 255:
                        if at + 2 > len(body):
                            raise NetflowError(f"template {self.id}: 3-byte length cut at byte {at}")
                        (length,), at = struct.unpack_from("!H", body, at), at + 2
                raw = body[at:at + length]
                if len(raw) < length:
                    raise NetflowError(f"template {self.id}: field {name} of {length} bytes runs past its set")
                at += length
                record[name] = convert(raw) if convert is not None else int.from_bytes(raw, "big")
            yield record


def read_templates(body: bytes, *, options: bool, ipfix: bool) -> Iterator[Template | int]:
    """The template records of one template or options template set body. A withdrawal (a
    record with no fields, RFC 7011 8.1) yields the bare template id."""
    at = 0
    while len(body) - at >= 4 and any(body[at:]):  # all zeros: the set's padding
        template_id, count = struct.unpack_from("!HH", body, at)
        at += 4
        scope = 0
        if options and ipfix:
            if count == 0:
                yield template_id
                continue
            if len(body) - at < 2:
                raise NetflowError(f"options template {template_id}: header cut")
            (scope,), at = struct.unpack_from("!H", body, at), at + 2
            if scope == 0 or scope > count:
                raise NetflowError(f"options template {template_id}: scope count {scope} of {count} fields")
        elif options:  # v9: byte lengths of the scope and option parts (RFC 3954 6.1)
            scope_bytes, option_bytes = count, 0
            if len(body) - at < 2:
                raise NetflowError(f"options template {template_id}: header cut")
            (option_bytes,), at = struct.unpack_from("!H", body, at), at + 2
            if scope_bytes % 4 or option_bytes % 4:
                raise NetflowError(f"options template {template_id}: lengths {scope_bytes}/{option_bytes} "
                                   f"are not whole field specifiers")
            scope, count = scope_bytes // 4, (scope_bytes + option_bytes) // 4
        elif count == 0:
            if ipfix:
                yield template_id
                continue
            raise NetflowError(f"template {template_id} has no fields")
        fields, at = _field_specs(body, at, count, template_id, ipfix)
        if template_id < 256:
            raise NetflowError(f"template id {template_id} is below 256")
        template = Template(id=template_id, fields=tuple(fields), scope_count=scope, options_set=options,
                            v9=options and not ipfix)
        if template.min_length == 0:
            raise NetflowError(f"template {template_id}: its records would be 0 bytes long")
        yield template.compile()


def _field_specs(body: bytes, at: int, count: int, template_id: int, ipfix: bool) -> tuple[list[FieldSpec], int]:
    fields = []
    for _ in range(count):
        if len(body) - at < 4:
            raise NetflowError(f"template {template_id}: field specifiers cut at byte {at}")
        element, length = struct.unpack_from("!HH", body, at)
        at += 4
        enterprise = 0
        if ipfix and element & 0x8000:
            if len(body) - at < 4:
                raise NetflowError(f"template {template_id}: enterprise number cut at byte {at}")
            (enterprise,), at = struct.unpack_from("!I", body, at), at + 4
            element &= 0x7FFF
        if length == VARIABLE and not ipfix:
            raise NetflowError(f"template {template_id}: variable length is IPFIX only")
        fields.append(FieldSpec(element, length, enterprise))
    return fields, at


class TemplateCache:
    """Templates by (exporter, domain, template id), with refresh, withdrawal and expiry."""

    def __init__(self, lifetime: float = 1800.0) -> None:
        self.lifetime = lifetime
        self._templates: dict[TemplateKey, Template] = {}
        #: templates that expired or were withdrawn, newest last (at most GONE_KEPT): the layout
        #: a data set arriving after them was most likely written with (see ``last_known``)
        self._gone: OrderedDict[TemplateKey, Template] = OrderedDict()
        self.changed = 0
        self.expired = 0
        self.withdrawn = 0

    def __len__(self) -> int:
        return len(self._templates)

    def items(self) -> list[tuple[TemplateKey, Template]]:
        """Every template kept, with its key, oldest learned first (collectors.netflow.state)."""
        return list(self._templates.items())

    def learn(self, exporter: str, domain: int, template: Template, now: float) -> None:
        """Keep ``template`` (a refresh when it is the same layout, else a change)."""
        key = (exporter, domain, template.id)
        old = self._templates.get(key)
        if old is not None and not old.same_layout(template):
            self.changed += 1
        template.learned = now
        self._templates[key] = template
        self._gone.pop(key, None)

    def _went(self, key: TemplateKey, template: Template) -> None:
        self._gone[key] = template
        self._gone.move_to_end(key)
        while len(self._gone) > GONE_KEPT:
            self._gone.popitem(last=False)

    def last_known(self, exporter: str, domain: int, template_id: int) -> Template | None:
        """The template of this id that expired or was withdrawn last, if no other was learned
        since: a data set arriving without a live template was written with it, not with one
        of the same id learned later (review r14d: such a set was decoded with the later
        template, whatever its layout)."""
        return self._gone.get((exporter, domain, template_id))

    def withdraw(self, exporter: str, domain: int, template_id: int, *, options: bool, set_id: int) -> int:
        """Forget one template, or all of a kind when ``template_id`` is the set id; returns how
        many went."""
        if template_id != set_id:
            template = self._templates.pop((exporter, domain, template_id), None)
            if template is None:
                return 0
            self._went((exporter, domain, template_id), template)
            self.withdrawn += 1
            return 1
        keys = [k for k, t in self._templates.items() if k[:2] == (exporter, domain) and t.options == options]
        for key in keys:
            self._went(key, self._templates.pop(key))
        self.withdrawn += len(keys)
        return len(keys)

    def forget(self, exporter: str) -> int:
        """Forget every template of ``exporter`` (its transport session ended); returns how many."""
        keys = [k for k in self._templates if k[0] == exporter]
        for key in keys:
            del self._templates[key]
        return len(keys)

    def get(self, exporter: str, domain: int, template_id: int, now: float) -> Template | None:
        """The live template, or None (unknown, or expired: then it is forgotten)."""
        template = self._templates.get((exporter, domain, template_id))
        if template is not None and now - template.learned > self.lifetime:
            self._went((exporter, domain, template_id), self._templates.pop((exporter, domain, template_id)))
            self.expired += 1
            return None
        return template
