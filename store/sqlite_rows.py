"""Building the SQLite store's rows: the write half of the layout (govsoc.store.sqlite_layout).

Stage: store. An event becomes a row in two steps: :func:`coerce_event` (values coerced to
their ECS types, the event stamped and checked) and :func:`split_row` (the row's columns and the
JSON of the remaining fields, which RowCodec.pack then deflates); :func:`prepare` is both. A
large write hands its events to the writer process (govsoc.store.sqlite_writer) as
:data:`Unstored` tuples, which the child coerces (:func:`coerce_parts`) and splits.
:func:`insert_sql` is the INSERT of a row with a given set of HOT columns.
"""

from __future__ import annotations

import functools
import json
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import chain, repeat
from typing import Any, Final

import orjson

from govsoc.core.coercion import clean_text, coerce_fields
from govsoc.core.ecs import ARRAYS, HOT
from govsoc.core.event import Event
from govsoc.core.unchanged_check import unchanged_all_check, unchanged_columns_check, values_at
from govsoc.store.nesting import check_nesting, nesting_pairs
from govsoc.store.sqlite_layout import (
    Prepared,
    bound_columns,
    id_key,
    id_keys,
    list_names,
    list_values,
    micros,
    quote_ident,
)

__all__ = ["Coerced", "Unstored", "check_nesting", "coerce_event", "coerce_parts", "insert_sql", "prepare",
           "row_of", "rows_of", "split_fields", "split_row", "unstored"]

#: One encoder for every row (json.dumps with arguments builds a new one per call).
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_HOT_IDENTS: Final = tuple(quote_ident(name) for name in HOT)


def _column_value(value: Any) -> Any:
    """What a column holds for a value it cannot hold exactly (json_extract's result); None for
    a list without values (``[]``, ``[null]``), which is a missing field, as on Elasticsearch."""
    if isinstance(value, bool):
        return int(value)
    if type(value) is list and not list_values(value):
        return None
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


_SCALARS: Final = (str, int, float)


@functools.lru_cache(maxsize=1024)
def insert_sql(mask: int, *, with_seq: bool = False) -> str:
    """The INSERT of rows whose HOT columns and NULLABLE_COLUMNS are those of ``mask`` (as
    RowCodec.pack gives it: the others stay NULL, and binding only what a row has costs half as
    much as binding every column). ``with_seq``: the seq is given first (an older file's rows
    keep theirs when copied); else a duplicate id is ignored."""
    columns = [*(["seq"] if with_seq else []), "id", "ts", "dataset", *bound_columns(mask),
               *(ident for slot, ident in enumerate(_HOT_IDENTS) if mask >> slot & 1)]
    verb = "INSERT" if with_seq else "INSERT OR IGNORE"
    return f"{verb} INTO events ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"


def split_fields(fields: dict[str, Any]) -> tuple[tuple[Any, ...], int, tuple[Any, ...], bytes | None,
                                                   tuple[str, ...] | None]:
    """A coerced event's fields as its row: (event.original, message_at, message_len,
    message_text, the lists value), the mask and values of its HOT columns, and the JSON and names of the
    remaining fields (None when nothing is left). ``fields`` is consumed."""
    original = fields.pop("event.original", None)
    message = fields.pop("message", None)
    message_at = message_len = message_text = None
    if original is not None and type(original) is not str:
        fields["event.original"] = original  # kept exactly in doc, as under a HOT name
        original = _column_value(original)
    if message is not None:
        if type(message) is str:
            message_at, message_len, message_text = _message_parts(original, message)
        else:
            fields["message"] = message
            message_text = _column_value(message)
    mask = 0
    values: list[Any] = []
    pop = fields.pop
    for slot, name in _HOT_SLOTS:
        value = pop(name, None)
        if value is not None:
            if type(value) not in _SCALARS:  # kept exactly in doc; the column holds what SQL saw in version 3
                fields[name] = value
                value = _column_value(value)
                if value is None:
                    continue
            mask |= 1 << slot
            values.append(value)
    if not fields:
        return (original, message_at, message_len, message_text, None), mask, tuple(values), None, None
    head = (original, message_at, message_len, message_text, list_names(fields))
    return head, mask, tuple(values), _document(fields), tuple(fields)


def _message_parts(original: str | None, message: str) -> tuple[int | None, int | None, str | None]:
    """(message_at, message_len, message_text) of a text ``message`` beside ``original``."""
    if original is not None and original.endswith(message):
        return len(original) - len(message) + 1, None, None
    if original is not None and message and (start := original.find(message)) >= 0:
        return start + 1, len(message), None
    return None, None, message


def _document(fields: dict[str, Any], *, floatless: bool = False) -> bytes:
    """The remaining fields' JSON as UTF-8: orjson's (the json module's text, a few times
    faster), else json's where orjson would differ: an integer beyond 64 bits or a key that is
    not text (refused), NaN or infinity (written as null; a null is rare enough here to look
    again, unless ``floatless``: no value is a float, as on a row plan's path). A lone surrogate
    (coercion replaces them) raises UnicodeEncodeError, a ValueError: the event is refused, not
    the batch."""
    try:
        text = orjson.dumps(fields)
    except orjson.JSONEncodeError:
        return _dumps(fields).encode("utf-8")
    return _dumps(fields).encode("utf-8") if not floatless and b"null" in text else text


#: (place among the HOT columns, HOT field).
_HOT_SLOTS: Final = tuple(enumerate(HOT))


def prepare(event: Event, ingested: str) -> Prepared:
    """An event coerced (govsoc.core.coercion), stamped with ``event.ingested`` and split into
    its row; ValueError (or TypeError) when it cannot be stored."""
    return row_of(unstored(event), ingested)


#: An event coerced for its row: id key, ts, dataset and its coerced, stamped fields.
Coerced = tuple[bytes | str, int, str, dict[str, Any]]


def coerce_event(event: Event, ingested: str) -> Coerced:
    """The first half of :func:`prepare`: the event's values coerced and checked, stamped with
    ``event.ingested``; ValueError (or TypeError) when it cannot be stored."""
    return coerce_parts(unstored(event), ingested)


#: An event as a large write hands it to the writer process (govsoc.store.sqlite_writer): its
#: id, its time in microseconds, its dataset and its fields as they are.
Unstored = tuple[str, int, str, dict[str, Any]]


def unstored(event: Event) -> Unstored:
    """An event as :data:`Unstored` (its fields a plain dict, which pickles)."""
    fields = event.fields
    return event.id, micros(event.timestamp), event.dataset, fields if type(fields) is dict else dict(fields)


def coerce_parts(event: Unstored, ingested: str) -> Coerced:
    """:func:`coerce_event` of an event handed over as :data:`Unstored`."""
    event_id, ts, dataset, given = event
    fields = coerce_fields(given)
    fields["event.ingested"] = ingested
    check_nesting(fields)
    return id_key(clean_text(event_id)), ts, clean_text(dataset), fields


def row_of(event: Unstored, ingested: str) -> Prepared:
    """``split_row(coerce_parts(event, ingested))``, the same row, made faster for the events
    that coercion leaves unchanged (nearly every event a parser makes): a plan made once per
    shape (the fields' names and value types) checks the event's values at once
    (govsoc.core.unchanged_check.unchanged_all_check) and picks its columns and remaining fields by name;
    any other event takes the general path. ValueError (or TypeError) as coerce_parts and split_row."""
    given = event[3]
    plan = _plan((tuple(given), tuple(map(type, given.values()))))
    if plan is None or not plan.unchanged((given,)):
        return split_row(coerce_parts(event, ingested))
    return plan.row(event, ingested)


def rows_of(events: Sequence[Unstored], ingested: str) -> tuple[list[Prepared], list[tuple[str, str]]]:
    """The rows of many events (each :func:`row_of`'s), in order, and (event id, why) of those
    that cannot be stored. The events whose fields have the same names are taken together: when
    their values' types are alike too (a shape), its plan checks them in one call and builds
    their rows column by column (:meth:`_RowPlan.rows`: a tuple of names and one of types made
    and hashed for every event, and a call of plan.row for each, were a third of rows_of's time,
    issue 11); when a value of one of them would change, each of them is checked alone."""
    out: list[Any] = [None] * len(events)
    refused: dict[int, str] = {}
    for named in _places_by_names(events):
        # one group; when it fails as one, again by its values' types too (R11bj-1: one event
        # with a value of another type sent its whole group one by one)
        groups = [named]
        built = _rows_alike([events[place] for place in named], ingested)
        if built is None and len(named) > 1:
            groups = _places_by_types(events, named)
        for places in groups:
            alike = [events[place] for place in places]
            if len(groups) > 1:
                built = _rows_alike(alike, ingested)
            if built is None:
                _rows_one_by_one(alike, ingested, places, out, refused)
            else:
                for place, row in zip(places, built, strict=True):
                    out[place] = row
    if not refused:
        return out, []
    return ([row for place, row in enumerate(out) if place not in refused],
            [(events[place][0], why) for place, why in sorted(refused.items())])


def _places_by_names(events: Sequence[Unstored]) -> Iterator[list[int]]:
    """The places of the events whose fields have the same names, in order, group by group."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for place, names in enumerate(map(tuple, map(_FIELDS, events))):
        same = groups.get(names)
        if same is None:  # not setdefault: its default would be made for every event
            same = groups[names] = []
        same.append(place)
    return iter(groups.values())


def _places_by_types(events: Sequence[Unstored], places: list[int]) -> list[list[int]]:
    """``places`` (events of the same field names) split by their values' types, in order."""
    groups: dict[tuple[type, ...], list[int]] = {}
    for place in places:
        types = tuple(map(type, events[place][3].values()))
        same = groups.get(types)
        if same is None:
            same = groups[types] = []
        same.append(place)
    return list(groups.values())


_FIELDS: Final = operator.itemgetter(3)


def _rows_alike(events: list[Unstored], ingested: str) -> list[Prepared] | None:
    """The rows of events whose fields have the same names, in order, when their values' types
    are alike too and none is refused; None: take them one by one (:func:`_rows_one_by_one`)."""
    first = events[0][3]
    try:  # a field value may be of any type, a mapping not a dict (then one by one)
        values = list(chain.from_iterable(map(dict.values, map(_FIELDS, events))))
    except TypeError:
        return None
    types = tuple(map(type, first.values()))
    if len(events) > 1 and list(map(type, values)) != list(types) * len(events):
        return None
    plan = _plan((tuple(first), types))
    if plan is None:
        return None
    if not plan.columns(values):
        return None  # one by one, each checked alone
    try:
        return plan.rows(events, values, ingested)
    except (TypeError, ValueError):  # some event is refused: one by one names it
        return None


def _rows_one_by_one(events: list[Unstored], ingested: str, places: list[int], out: list[Any],
                     refused: dict[int, str]) -> None:
    """Each event's row (:func:`row_of`'s) at its place in ``out``, or why it is refused in
    ``refused``."""
    for place, event in zip(places, events, strict=True):
        try:
            out[place] = row_of(event, ingested)
        except (TypeError, ValueError) as e:
            refused[place] = f"not storable: {e}"


def _plan(shape: tuple[tuple[str, ...], tuple[type, ...]]) -> _RowPlan | None:
    """The plan of a shape (made on its first event; None: its events take the general path)."""
    try:
        return _PLANS[shape]
    except KeyError:
        if len(_PLANS) >= _MAX_PLANS:  # hostile input with ever new names: stay bounded
            _PLANS.clear()
        plan = _PLANS[shape] = _RowPlan.make(*shape)
        return plan


class _RowPlan:
    """How the events of one shape become rows when coercion leaves them unchanged (see
    :func:`row_of`): the same columns, remaining fields and order as split_fields gives."""

    __slots__ = ("columns", "floatless", "hot", "hot_at", "lists", "mask", "message", "names", "original", "places",
                 "taken", "unchanged")

    def __init__(self, unchanged: Callable[[Sequence[Mapping[str, Any]]], bool],
                 columns: Callable[[list[Any]], bool], *, original: bool, message: bool,
                 hot: tuple[str, ...], mask: int, rest: tuple[str, ...], taken: tuple[str, ...], lists: str,
                 floatless: bool, shape: tuple[str, ...]) -> None:
        self.unchanged = unchanged
        #: The same check of many events given as their values (rows_of: see :meth:`rows`).
        self.columns = columns
        self.original, self.message = original, message
        self.hot = values_at(hot)
        self.mask = mask
        #: The shape's fields that are not remaining fields (its columns'): deleted from a copy of
        #: an event's fields, which leaves the remaining ones in their order, faster than a dict
        #: built of their names and values (0.7 us an event of rows_of's 8.4, F11ae).
        self.taken = taken
        #: The remaining fields' names, event.ingested last (split_fields' shape).
        self.names = (*rest, _INGESTED)
        self.lists = lists
        #: No remaining field is a float: orjson's text needs no second look (see _document).
        self.floatless = floatless
        #: (the shape's width, the places of event.original and message among its fields (-1:
        #: none)): an event's value is at place + width * its place in a chunk's values (rows).
        at = {name: place for place, name in enumerate(shape)}
        self.places = (len(shape), at.get("event.original", -1), at.get("message", -1))
        self.hot_at = tuple(at[name] for name in hot)

    @classmethod
    def make(cls, names: tuple[str, ...], types: tuple[type, ...]) -> _RowPlan | None:
        """The plan of a shape, or None when its events take the general path: some value may
        change in coercion, the event has its own event.ingested, a field nests under another,
        event.original or message is not text, or a column field's value is not a number or a
        text."""
        unchanged = unchanged_all_check(names, types)
        columns = unchanged_columns_check(names, types)
        if unchanged is None or columns is None or _INGESTED in names or nesting_pairs((*names, _INGESTED)):
            return None
        kinds = dict(zip(names, types, strict=True))
        if any(kinds.get(name, str) is not str for name in _SPECIAL_NAMES):
            return None
        hot = tuple(name for name in HOT if name in kinds)
        if any(kinds[name] is not str and kinds[name] is not int for name in hot):
            return None
        mask = sum(1 << slot for slot, name in _HOT_SLOTS if name in kinds)
        taken = {*hot, *_SPECIAL_NAMES}
        rest = tuple(name for name in names if name not in taken)
        # list_names of the remaining fields: each list holds texts only (unchanged_all_check)
        listed = [name for name in rest if kinds[name] is list and name not in ARRAYS]
        return cls(unchanged, columns, original="event.original" in kinds, message="message" in kinds, hot=hot,
                   mask=mask, rest=rest, taken=tuple(name for name in names if name in taken),
                   lists="|" + "|".join(listed) + "|" if listed else "",
                   floatless=all(kinds[name] is not float for name in rest), shape=names)

    def row(self, event: Unstored, ingested: str) -> Prepared:
        """The row of an event of this shape that coercion leaves unchanged."""
        event_id, ts, dataset, given = event
        original = given["event.original"] if self.original else None
        if self.message:
            message_at, message_len, message_text = _message_parts(original, given["message"])
        else:
            message_at = message_len = message_text = None
        fields = given.copy()
        for name in self.taken:
            del fields[name]
        fields[_INGESTED] = ingested
        return (id_key(clean_text(event_id)), ts, clean_text(dataset),
                (original, message_at, message_len, message_text, self.lists), self.mask, self.hot(given),
                _document(fields, floatless=self.floatless), self.names)


    def rows(self, events: list[Unstored], values: list[Any], ingested: str) -> list[Prepared]:
        """The rows of events of this shape that coercion leaves unchanged, each :meth:`row`'s,
        made column by column: ``values`` are theirs, event after event, each in its shape's
        order (so a field's values are a slice). TypeError or ValueError when one is refused."""
        width, original_at, message_at = self.places
        count = len(events)
        ids, times, datasets, given = zip(*events, strict=True)
        originals = values[original_at::width] if original_at >= 0 else [None] * count
        lists = self.lists
        if message_at >= 0 and original_at >= 0:  # most often the message ends the original: no call
            heads = [(original, len(original) - len(message) + 1, None, None, lists) if original.endswith(message)
                     else (original, *_message_parts(original, message), lists)
                     for original, message in zip(originals, values[message_at::width], strict=True)]
        elif message_at >= 0:
            heads = [(None, *_message_parts(None, message), lists) for message in values[message_at::width]]
        else:
            heads = [(original, None, None, None, lists) for original in originals]
        hot = (list(zip(*(values[at::width] for at in self.hot_at), strict=True)) if self.hot_at
               else [()] * count)
        return list(zip(id_keys(ids), times, map(clean_text, datasets), heads, repeat(self.mask, count), hot,
                        self._documents(given, ingested), repeat(self.names, count), strict=True))

    def _documents(self, given: tuple[dict[str, Any], ...], ingested: str) -> list[bytes]:
        """The remaining fields' JSON of each of the events' fields (as :meth:`row` makes it)."""
        documents = []
        taken, floatless, dumps = self.taken, self.floatless, orjson.dumps
        for fields in given:
            fields = fields.copy()
            for name in taken:
                del fields[name]
            fields[_INGESTED] = ingested
            if floatless:  # _document's, without a call of it for each event
                try:
                    documents.append(dumps(fields))
                    continue
                except orjson.JSONEncodeError:
                    pass
            documents.append(_document(fields, floatless=floatless))
        return documents

_INGESTED: Final = "event.ingested"
_SPECIAL_NAMES: Final = ("event.original", "message")
_MAX_PLANS: Final = 10_000
#: (field names, value types) -> the plan of that shape (None: the general path).
_PLANS: dict[tuple[tuple[str, ...], tuple[type, ...]], _RowPlan | None] = {}


def split_row(coerced: Coerced) -> Prepared:
    """The second half of :func:`prepare`: a coerced event split into its row (its fields are
    consumed); TypeError when a value has no JSON form."""
    key, ts, dataset, fields = coerced
    return (key, ts, dataset, *split_fields(fields))
