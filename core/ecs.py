"""The ECS fields govsoc knows, with their types: one table that every store reads.

Types are Elasticsearch field types restricted to what the minimal Elasticsearch distribution
accepts (keyword, text, ip, long, float, date, boolean): Elastic's own ECS templates use
wildcard, match_only_text and constant_keyword, which that distribution rejects, and which a full
cluster serves equally well as keyword and text. Fields not listed here are still stored; they
are indexed as keyword by a dynamic template (Elasticsearch) or read with json_extract (SQLite).

HOT fields are the ones rules and reports filter and group on most: the SQLite store gives each a
generated column. INDEXED is the subset it also indexes: many distinct values, so an index narrows
a search (an index on event.outcome or event.kind does not, and every index costs about 30 bytes an
event and a share of write time). ARRAYS are multi-valued in ECS; matching any element is a match.
"""

from __future__ import annotations

from typing import Final

FIELDS: Final[dict[str, str]] = {
    "@timestamp": "date",
    "message": "text",
    "tags": "keyword",
    "labels": "keyword",
    # event.*
    "event.id": "keyword",
    "event.dataset": "keyword",
    "event.module": "keyword",
    "event.kind": "keyword",
    "event.category": "keyword",
    "event.type": "keyword",
    "event.action": "keyword",
    "event.outcome": "keyword",
    "event.code": "keyword",
    "event.reason": "keyword",
    "event.severity": "long",
    "event.original": "keyword",
    "event.created": "date",
    "event.ingested": "date",
    "event.start": "date",
    "event.end": "date",
    "event.duration": "long",
    "event.sequence": "long",
    "event.count": "long",
    # source.* / destination.*
    **{f"{side}.{name}": kind for side in ("source", "destination", "client", "server") for name, kind in {
        "ip": "ip", "port": "long", "address": "keyword", "domain": "keyword", "mac": "keyword",
        "bytes": "long", "packets": "long", "nat.ip": "ip", "nat.port": "long",
        "geo.country_iso_code": "keyword", "as.number": "long",
    }.items()},
    # network.*
    "network.transport": "keyword",
    "network.protocol": "keyword",
    "network.type": "keyword",
    "network.direction": "keyword",
    "network.community_id": "keyword",
    "network.bytes": "long",
    "network.packets": "long",
    "network.vlan.id": "keyword",
    # host.* / observer.*
    "host.name": "keyword",
    "host.hostname": "keyword",
    "host.ip": "ip",
    "host.os.type": "keyword",
    "observer.name": "keyword",
    "observer.hostname": "keyword",
    "observer.ip": "ip",
    "observer.vendor": "keyword",
    "observer.product": "keyword",
    "observer.type": "keyword",
    # user.*
    "user.name": "keyword",
    "user.id": "keyword",
    "user.domain": "keyword",
    "user.effective.name": "keyword",
    "user.target.name": "keyword",
    # process.*
    "process.name": "keyword",
    "process.pid": "long",
    "process.executable": "keyword",
    "process.command_line": "keyword",
    "process.args": "keyword",
    "process.parent.name": "keyword",
    "process.parent.pid": "long",
    # url.* / http.*
    "url.original": "keyword",
    "url.domain": "keyword",
    "url.path": "keyword",
    "url.query": "keyword",
    "http.request.method": "keyword",
    "http.response.status_code": "long",
    "http.request.referrer": "keyword",
    "http.version": "keyword",
    "user_agent.original": "keyword",
    # tls.*
    "tls.version": "keyword",
    "tls.version_protocol": "keyword",
    "tls.cipher": "keyword",
    "tls.established": "boolean",
    "tls.client.server_name": "keyword",
    "tls.client.supported_ciphers": "keyword",
    "tls.server.x509.subject.common_name": "keyword",
    "tls.server.x509.issuer.common_name": "keyword",
    "tls.server.x509.signature_algorithm": "keyword",
    "tls.server.x509.public_key_algorithm": "keyword",
    "tls.server.x509.public_key_size": "long",
    "tls.server.x509.not_after": "date",
    # dns.*
    "dns.question.name": "keyword",
    "dns.question.type": "keyword",
    "dns.question.registered_domain": "keyword",
    "dns.question.subdomain": "keyword",
    "dns.question.top_level_domain": "keyword",
    "govsoc.dns.longest_label": "long",
    "dns.response_code": "keyword",
    "dns.answers.data": "keyword",
    "related.ip": "ip",
    "related.user": "keyword",
    "log.file.path": "keyword",
    "log.offset": "long",
    "log.syslog.hostname": "keyword",
    "log.syslog.appname": "keyword",
    # govsoc.*: the e-government context that enrichment and classification add
    "govsoc.zone": "keyword",
    "govsoc.source_zone": "keyword",
    "govsoc.zone_kind": "keyword",
    "govsoc.source_zone_kind": "keyword",
    "govsoc.source_agency": "keyword",
    "govsoc.agency_link": "keyword",
    "govsoc.required_crypto": "keyword",
    "govsoc.agency": "keyword",
    "govsoc.system": "keyword",
    "govsoc.dengbao_level": "long",
    "govsoc.classification.tags": "keyword",
    "govsoc.classification.level": "keyword",
    # which fields held the values, and what seeing them there means (personal data in motion)
    "govsoc.classification.fields": "keyword",
    "govsoc.classification.findings": "keyword",
    "govsoc.parse_error": "keyword",
    # what the store did to the event at write (govsoc.core.coercion): "type_error", "sanitized",
    # and the ingest pipeline's own flags ("truncated", ...)
    "govsoc.flags": "keyword",
    # the exact bytes of event.original when they are not clean text (NUL, invalid UTF-8)
    "govsoc.original_base64": "keyword",
    "error.message": "keyword",
}

ARRAYS: Final[frozenset[str]] = frozenset({
    "tags", "event.category", "event.type", "related.ip", "related.user", "related.hosts", "related.hash",
    "process.args",
    "host.ip", "observer.ip", "tls.client.supported_ciphers", "dns.answers.data",
    "govsoc.classification.tags", "govsoc.classification.fields", "govsoc.classification.findings", "govsoc.flags",
})

HOT: Final[tuple[str, ...]] = (
    "event.action", "event.outcome", "event.module", "event.kind",
    "source.ip", "destination.ip", "destination.port", "host.name", "user.name",
    "process.name", "network.transport", "network.protocol", "observer.vendor",
    "govsoc.zone", "govsoc.agency", "govsoc.system",
)

#: HOT fields the SQLite store indexes (partial indexes: events without the field cost nothing;
#: addresses on their column, keywords on their caseless key: govsoc.store.sqlite_layout.PLAIN_INDEXED).
#: Detection reads new events by ingest order, so these serve ad-hoc --where / --top searches.
INDEXED: Final[tuple[str, ...]] = ("source.ip", "destination.ip", "user.name", "host.name")

#: Which fields can be compared as numbers in every store.
NUMERIC_TYPES: Final[frozenset[str]] = frozenset({"long", "float"})


def field_type(name: str) -> str:
    """The declared type of a field, "keyword" for fields the table does not list."""
    return FIELDS.get(name, "keyword")
