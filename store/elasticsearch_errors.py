"""What the Elasticsearch store makes of a failed call or a refused item (store/elasticsearch.py):
a StoreError naming what failed and why, as the node or the TLS library said it."""

from __future__ import annotations

import ssl
from typing import Any

from elasticsearch import ApiError

from govsoc.core.errors import Location, StoreConfigError, StoreError


def overloaded_item(result: dict[str, Any]) -> bool:
    """Whether the node refused an item for now (overloaded, or recovering), not for good."""
    status = int(result.get("status") or 0)
    return status == 429 or status >= 500


def item_reason(result: dict[str, Any]) -> str:
    """Why Elasticsearch refused one bulk item."""
    error = result.get("error", {})
    return str(error.get("reason", error)) if isinstance(error, dict) else str(error)


def failure(what: str, e: Exception, where: Location) -> StoreError:
    """The StoreError of a failed call: a StoreConfigError when the node's certificate did not
    verify (R11i-7: an outage to the pipeline, spooled for ever, not a word about certificates),
    naming the problem as the TLS library states it and the setting that fixes it."""
    problem = _unverified(e)
    if problem is None:
        return StoreError(f"{what}: {describe(e)}", location=where)
    return StoreConfigError(f"the node's TLS certificate does not verify: {problem}; set store.elasticsearch.ca_certs "
                            "(or GOVSOC_ES_CA) to the CA that signed it, or fix the URL's host name", location=where)


def _unverified(e: BaseException) -> str | None:
    """Why the certificate did not verify (ssl's verify message), when ``e`` comes of that."""
    seen: set[int] = set()
    todo: list[BaseException] = [e]
    while todo:
        error = todo.pop()
        if id(error) in seen:
            continue
        seen.add(id(error))
        if isinstance(error, ssl.SSLCertVerificationError):
            return str(error.verify_message or error.reason or "certificate verify failed")
        todo += [x for x in (error.__cause__, error.__context__, *getattr(error, "errors", ()))
                 if isinstance(x, BaseException)]
        todo += [x for x in error.args if isinstance(x, BaseException)]
    return None


def describe(e: Exception) -> str:
    if isinstance(e, ApiError):
        info = e.info if isinstance(e.info, dict) else {}
        return f"HTTP {e.meta.status} {error_reason(info.get('error')) or e.message}"
    return type(e).__name__ + ": " + str(e).split("\n")[0]


#: Lucene's words for a regexp whose automaton it will not build (Operations.determinize).
_TOO_COMPLEX = ("Determinizing automaton", "too_complex_to_determinize")


def error_reason(error: Any) -> str:
    """What an error answer says went wrong: the first root cause's reason where the top one
    only counts shards ("all shards failed" said nothing of which regexp the node refused, F12k),
    and, for a regexp Lucene will not determinize, what that means for a rule."""
    if not isinstance(error, dict):
        return "" if error is None else str(error)
    reason = str(error.get("reason") or error.get("type") or "")
    causes = [c for c in error.get("root_cause") or () if isinstance(c, dict) and c.get("reason")]
    if causes and str(causes[0]["reason"]) != reason:
        reason = f"{reason}: {causes[0]['reason']}" if reason else str(causes[0]["reason"])
    if any(words in reason for words in _TOO_COMPLEX):
        reason = ("the node refused a regular expression of this rule as too complex to build (a count such as "
                  "{12} after text its repeated part can also match: [ab]*a[ab]{12}); the SQLite store runs it. "
                  + reason)
    return reason

