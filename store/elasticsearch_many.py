"""Many searches of the Elasticsearch store in few requests: the first page of each query of a
detection pass comes from one ``_msearch`` request per :data:`CHUNK` queries, and the first
request is sent as soon as the queries are handed over.

A pass of many rules that find a few hits each was bound by requests, not by matching: one
search per rule, each a round trip and a query phase of its own. ``_msearch`` sends a chunk of
rules' searches at once and the node runs them side by side. Each query still gets exactly the
hits :meth:`ElasticsearchStore.search` gives it, in the same order: the first page comes from the
chunk's answer, and a query whose first page is full goes on alone with ``search_after``. An
error of one query (a regexp the node refuses) is raised by that query's iterator only; a
request that fails as a whole is tried again for the next query that needs it.

While the pass reads one chunk's hits (building and writing alerts: the client's work), the next
chunk's request is already with the node (its work), on a thread of its own: a pass of 100 rules
over 1,000,000 events otherwise alternated between the two, each idle while the other worked.
A chunk fetched ahead that failed as a whole fails the query that asked for it, as it would have
without fetching ahead; the chunk's other queries are asked for again. Memory is at most two
chunks of first pages (2 x :data:`CHUNK` x :data:`FIRST_PAGE` hits), large enough that a rule of
a few thousand hits needs no request of its own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Any

__all__ = ["CHUNK", "FIRST_PAGE", "FirstPages", "page_body"]

#: Queries per ``_msearch`` request.
CHUNK = 20
#: Hits of each query in the shared request; a rule that finds more pages on alone.
FIRST_PAGE = 2500

Hit = dict[str, Any]


def page_body(es_query: dict[str, Any], sort: Sequence[tuple[str, str]], size: int,
              after: list[Any] | None) -> dict[str, Any]:
    """One page of a search sorted on a total order, after the sort values of the last hit."""
    body: dict[str, Any] = {"query": es_query, "size": size, "track_total_hits": False,
                            "sort": [{f: {"order": o}} for f, o in sort]}
    if after is not None:
        body["search_after"] = after
    return body


class FirstPages:
    """The first pages of a list of searches, fetched a chunk at a time: the first chunk at
    once, each next one when the one before it is first read.

    ``send`` runs one ``_msearch`` over search bodies and returns its responses (a response with
    ``error`` for a search the node refused); ``refused`` turns such a response into the
    exception the query's reader raises. A ``None`` body is a query read some other way.
    """

    def __init__(self, send: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
                 refused: Callable[[dict[str, Any]], Exception], bodies: list[dict[str, Any] | None]) -> None:
        self._send, self._refused, self._bodies = send, refused, bodies
        self._pages: dict[int, list[Hit] | Exception] = {}
        self._fetched: set[int] = set()
        #: The chunk being fetched ahead, and its answer to come.
        self._ahead: tuple[list[int], Future[list[dict[str, Any]]]] | None = None
        # The first chunk is asked for at once: its caller has more to do before it reads (a
        # detection pass converts the next batch of rules meanwhile: rules.engine).
        self._ask(0)

    def size(self, index: int) -> int:
        """The page size asked for query ``index``: a page this long may have more after it."""
        body = self._bodies[index]
        return 0 if body is None else int(body["size"])

    def take(self, index: int) -> list[Hit]:
        """The first page of query ``index`` (handed out once; its memory goes with it)."""
        if index in self._fetched and index not in self._pages:
            raise ValueError(f"the first page of search {index} was taken already")
        if index not in self._pages:
            self._fetch(index)
        page = self._pages.pop(index)
        if isinstance(page, Exception):
            raise page
        return page

    def _chunk(self, start: int) -> list[int]:
        """The next :data:`CHUNK` queries from ``start`` on not fetched yet (nor being fetched)."""
        ahead = self._ahead[0] if self._ahead is not None else ()
        return [i for i in range(start, len(self._bodies))
                if self._bodies[i] is not None and i not in self._fetched and i not in ahead][:CHUNK]

    def _fetch(self, index: int) -> None:
        if self._ahead is not None and index in self._ahead[0]:
            wanted, answer = self._ahead
            self._ahead = None
            responses = answer.result()  # a request that failed fails this query; the others ask again
        else:
            wanted = self._chunk(index)
            responses = self._request(wanted)
        if len(responses) != len(wanted):
            raise ValueError(f"_msearch answered {len(responses)} searches of {len(wanted)}")
        for i, response in zip(wanted, responses, strict=True):
            self._pages[i] = self._refused(response) if "error" in response else response["hits"]["hits"]
            self._fetched.add(i)
        if wanted:
            self._ask(wanted[-1] + 1)

    def _ask(self, start: int) -> None:
        """Send the next chunk from ``start`` on, on a thread of its own, unless one is in flight."""
        if self._ahead is None and (following := self._chunk(start)):
            self._ahead = (following, self._later(following))

    def _request(self, wanted: list[int]) -> list[dict[str, Any]]:
        return self._send([b for i in wanted if (b := self._bodies[i]) is not None])

    def _later(self, wanted: list[int]) -> Future[list[dict[str, Any]]]:
        """The answer to ``wanted``'s request, sent on a thread of its own."""
        answer: Future[list[dict[str, Any]]] = Future()

        def send() -> None:
            try:
                answer.set_result(self._request(wanted))
            except BaseException as e:  # noqa: BLE001 - raised on the pass's thread by result()
                answer.set_exception(e)

        threading.Thread(target=send, name="govsoc-msearch-ahead", daemon=True).start()
        return answer
