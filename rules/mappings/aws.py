"""AWS log sources govsoc collects: CloudTrail, read by the ``aws.cloudtrail`` parser
(govsoc.collectors.cloud), which keeps every key of a record under ``aws.cloudtrail.*`` as
CloudTrail spells it.

SigmaHQ's CloudTrail rules name the record's keys (``eventName``, ``userIdentity.type``,
``requestParameters.attribute``), so they go under that prefix, dotted ones included. Two rules
look for text anywhere in the whole ``requestParameters`` or ``responseElements`` object: those
names go to the objects' text, which the parser keeps as Elastic's integration does
(``aws.cloudtrail.request_parameters`` / ``response_elements``).
"""

from __future__ import annotations

from govsoc.rules.mappings import LogSource

_PREFIX = "aws.cloudtrail."
FIELDS: dict[str, str] = {"requestParameters": _PREFIX + "request_parameters",
                          "responseElements": _PREFIX + "response_elements"}

SOURCES: tuple[LogSource, ...] = (
    LogSource(product="aws", service="cloudtrail", condition={"event.dataset": "aws.cloudtrail"},
              collector="aws.cloudtrail", fields=FIELDS, field_prefix=_PREFIX, prefix_dotted=True),
)
