"""Web server access logs govsoc collects: nginx and Apache httpd access lines read by the
``nginx.access`` and ``apache.access`` parsers (govsoc.collectors.web), as Elastic's nginx and
apache integrations store them (``http.*``, ``url.*``, ``user_agent.original``).

SigmaHQ's ``category: webserver`` rules name the W3C extended log fields. ``cs-uri-query`` is
read as the whole request target (``url.original``), not only the part after ``?``: the rules use
it so (``cs-uri-query|endswith: '/mgmt/tm/util/bash'``, ``|contains: '../../../etc/'``), and IIS,
whose W3C names they are, is not collected. Keyword rules search the access line itself
(``event.original``).

Error logs are not ``category: webserver``: SigmaHQ's rules over them (Apache segmentation
faults and threading errors, nginx core dumps: rules/web/product/) name the server as the
service, ``service: apache`` and ``service: nginx``, without a product, and search the error
line by keywords (``event.original``). Those two rows take the ``apache.error`` and
``nginx.error`` events only; access lines stay with ``category: webserver``.
"""

from __future__ import annotations

from govsoc.rules.mappings import LogSource

#: W3C extended log field (as SigmaHQ's web rules write them) -> ECS field of an access event.
WEB_FIELDS: dict[str, str] = {
    "cs-method": "http.request.method",
    "cs-uri-query": "url.original",
    "cs-uri": "url.original",
    "cs-uri-stem": "url.path",
    "cs-user-agent": "user_agent.original",
    "c-useragent": "user_agent.original",
    "sc-status": "http.response.status_code",
    "cs-referer": "http.request.referrer",
    "c-ip": "source.ip",
    "cs-host": "destination.domain",
    "cs-username": "user.name",
}

SOURCES: tuple[LogSource, ...] = (
    LogSource(category="webserver", condition={"event.dataset": ["nginx.access", "apache.access"]},
              collector="nginx.access, apache.access", fields=WEB_FIELDS),
    LogSource(service="apache", condition={"event.dataset": "apache.error"}, collector="apache.error"),
    LogSource(service="nginx", condition={"event.dataset": "nginx.error"}, collector="nginx.error"),
)
