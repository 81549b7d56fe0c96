"""The Elasticsearch store's index templates (store/elasticsearch.py): put when missing or
changed, and the indices made from older ones brought up to date."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from elasticsearch import ApiError, NotFoundError, TransportError

from govsoc.core.errors import StoreError
from govsoc.store.elasticsearch_client import ElasticsearchBase
from govsoc.store.elasticsearch_errors import describe
from govsoc.store.elasticsearch_mappings import (
    ALERT_MAPPINGS,
    GRAMS_MAPPING,
    GRAMS_META,
    NUMBER_TEXT_META,
    VENDOR_SHAPES_META,
    dynamic_templates,
    ecs_mappings,
    number_text_mappings,
)
from govsoc.store.elasticsearch_query import CASELESS, GRAMS_FIELD

#: How often the node makes new alerts searchable by itself (the alerts index's refresh_interval).
#: Each refresh in a pass writing thousands of alerts was node work (P12j: 0.5 s of a 2.6 s pass
#: at 200,000 events, at the default 1 s); a pass ends with one refresh of its own
#: (:meth:`ElasticsearchStore.refresh_alerts`), so this bounds only how long the alerts of a pass
#: that died stay unsearchable.
ALERTS_REFRESH_INTERVAL = "30s"

#: The key of an index template's ``_meta`` that holds the digest of the template as put.
_TEMPLATE_DIGEST = "govsoc_template_digest"


#: Fields an events index maps (ECS's, each with its .caseless sub-field, then vendor keys as they
#: come); Elasticsearch's default is 1,000.
EVENT_FIELDS_LIMIT = 5000
EVENT_FIELDS_SETTINGS: dict[str, Any] = {
    "mapping": {"total_fields": {"limit": EVENT_FIELDS_LIMIT, "ignore_dynamic_beyond_limit": True}}}


class IndexTemplates(ElasticsearchBase):
    """The events, alerts and state index templates, and the indices made before their changes."""

    def _install_templates(self) -> None:
        """Put the events, alerts and state index templates, each only when the cluster lacks it
        or holds another version of it: every put is a cluster-state update, and every govsoc
        command (and every test) opens a store. A template's ``_meta`` carries the digest of what
        was put; one whose digest, index patterns or priority differ (another govsoc version, an
        edit by hand) is put again. An edit of its settings or mappings alone that kept the
        ``_meta`` is kept."""
        settings = {"number_of_shards": 1, "number_of_replicas": self.settings.number_of_replicas,
                    "analysis": {"normalizer": {CASELESS: {"type": "custom", "filter": ["lowercase"]}}}}
        alerts = {**settings, "refresh_interval": ALERTS_REFRESH_INTERVAL}
        # Vendor keys past the limit of mapped fields are kept, listed in _ignored (every rule's
        # candidates, decided by its exact check: store/elasticsearch_check.py), not the record refused
        # (R59a-4: CloudTrail's free-form parameters, 326 keys a week, then every new one refused).
        events = {**settings, **EVENT_FIELDS_SETTINGS}
        wanted = {"events": (self.events_pattern, events, ecs_mappings()),
                  "alerts": (self.alerts_index, alerts, ALERT_MAPPINGS),
                  "state": (self.state_index, settings, {"dynamic": False, "properties": {}})}
        installed = self._installed_templates()
        for kind, (pattern, index_settings, mappings) in wanted.items():
            body: dict[str, Any] = {"index_patterns": [pattern], "priority": 200,
                                    "template": {"settings": index_settings, "mappings": mappings}}
            meta = {_TEMPLATE_DIGEST: hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()}
            name = f"{self.prefix}-{kind}"
            if installed.get(name) != {"index_patterns": [pattern], "priority": 200, "_meta": meta}:
                if kind == "alerts":  # before the template: a failure here is tried again at the next open
                    self._add_alert_fields()
                    self._upgrade_alerts_settings()
                self._call(lambda n=name, b=body, m=meta: self.client.indices.put_index_template(name=n, meta=m, **b),
                           f"cannot install the {kind} template")

    def _add_alert_fields(self) -> None:
        """Give an alerts index made from an older template the searched fields added since
        (alert.matched, alert.judged_copies). One that a writer's document already mapped
        otherwise (dynamic text with a .keyword sub-field) keeps it: the search asks that
        sub-field too (:meth:`alerts`); the text field itself then finds an id by its tokens,
        which for govsoc's ids (make_id: one lower-case hex token) is the id itself."""
        fields = ALERT_MAPPINGS["properties"]["alert"]["properties"]
        for name in ("matched", "judged_copies"):  # one at a time: one mapped otherwise keeps the other out
            try:
                self.client.indices.put_mapping(index=self.alerts_index,
                                                properties={"alert": {"properties": {name: fields[name]}}})
            except ApiError as e:
                if e.meta.status == 404:  # no alerts index yet
                    return
                if e.meta.status != 400:  # 400: mapped otherwise (kept)
                    raise StoreError(f"cannot add the new alert fields: {describe(e)}", location=self._where) from e
            except TransportError as e:
                raise StoreError(f"cannot add the new alert fields: {describe(e)}", location=self._where) from e

    def _upgrade_alerts_settings(self) -> None:
        """Give an alerts index made from an older template the refresh interval of this one
        (ALERTS_REFRESH_INTERVAL): at the default 1 s the node refreshed it every second of a
        pass. A dynamic setting, changed in place."""
        try:
            self.client.indices.put_settings(index=self.alerts_index,
                                             settings={"index": {"refresh_interval": ALERTS_REFRESH_INTERVAL}})
        except ApiError as e:
            if e.meta.status != 404:  # 404: no alerts index yet (the template gives the new one its interval)
                raise StoreError(f"cannot set the alerts index's refresh interval: {describe(e)}",
                                 location=self._where) from e
        except TransportError as e:
            raise StoreError(f"cannot set the alerts index's refresh interval: {describe(e)}",
                             location=self._where) from e

    def _installed_templates(self) -> dict[str, dict[str, Any]]:
        """This prefix's index templates -> their index patterns, priority and ``_meta`` (one
        read, without the mappings)."""
        fields = ",".join(f"index_templates.index_template.{key}" for key in ("index_patterns", "priority", "_meta"))
        try:
            found = self.client.indices.get_index_template(name=f"{self.prefix}-*",
                                                           filter_path=f"index_templates.name,{fields}")
        except NotFoundError:  # none of them
            return {}
        except (ApiError, TransportError) as e:
            raise StoreError(f"cannot read the index templates: {describe(e)}", location=self._where) from e
        return {t["name"]: t.get("index_template", {}) for t in found.get("index_templates", [])}

    def _find_older(self) -> list[str]:
        """The events indices created before GRAMS_FIELD (no marker in their mapping). The
        field is added to their mappings, so that what is written there from now on has it; they
        are searched the older way (store/elasticsearch_query.py, without_grams), which also
        finds the documents written before.

        Indices created before the numeric fields' ``.caseless`` sub-field get it too (and its
        marker), for what is written from now on. Their earlier documents are not indexed into
        it (their ``_source`` lacks the derived search fields, so they cannot be reindexed in
        place): a string pattern on a number does not find them, as it did not before."""
        names = self._call(lambda: self.client.indices.get_alias(index=self.events_pattern, allow_no_indices=True,
                                                                  ignore_unavailable=True), "cannot list indices")
        metas = self._call(lambda: self.client.indices.get_mapping(
            index=self.events_pattern, allow_no_indices=True, ignore_unavailable=True,
            filter_path="*.mappings._meta"), "cannot read mappings") or {}
        meta_of = {name: dict(metas.get(name, {}).get("mappings", {}).get("_meta", {})) for name in names}
        for name, meta in meta_of.items():
            if not meta.get(NUMBER_TEXT_META):
                try:
                    self.client.indices.put_mapping(index=name, properties=number_text_mappings(),
                                                    meta={**meta, NUMBER_TEXT_META: True})
                    meta = {**meta, NUMBER_TEXT_META: True}
                except ApiError:  # a closed index: string patterns on numbers miss there
                    pass
            if not meta.get(VENDOR_SHAPES_META):
                # made before R58a-12 / R59a-4 (the week an upgrade lands in, most often): vendor
                # objects met from now on hold dotted leaves, and no record is refused for the field
                # limit (vendor objects mapped already keep their form: their events of another
                # shape are still refused, to the rejects file, until the next week's index)
                try:
                    self.client.indices.put_settings(index=name, settings={"index": EVENT_FIELDS_SETTINGS})
                    self.client.indices.put_mapping(index=name, date_detection=False,
                                                    dynamic_templates=dynamic_templates(),
                                                    meta={**meta, VENDOR_SHAPES_META: True})
                except ApiError:  # a closed index: as it was
                    pass
        older = sorted(name for name, meta in meta_of.items() if not meta.get(GRAMS_META))
        parent, _, leaf = GRAMS_FIELD.rpartition(".")
        for name in older:
            try:
                self.client.indices.put_mapping(index=name, properties={
                    parent: {"properties": {leaf: GRAMS_MAPPING}}})
            except ApiError:  # a closed index; it is searched the older way all the same
                pass
        return older
