"""sshd and its PAM messages as a table: pattern -> ECS action, outcome, category and type.

Action names follow Filebeat's system.auth module where one exists (ssh_login), so that
dashboards and rules written for ECS read them. Patterns are matched in order; named groups
``user``, ``ip``, ``port``, ``rhost`` and ``method`` become ECS fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MessageRule:
    """One known message shape and what it means in ECS."""

    pattern: re.Pattern[str]
    action: str
    outcome: str | None
    category: tuple[str, ...]
    type: tuple[str, ...]


def _rule(pattern: str, action: str, outcome: str | None, category: tuple[str, ...] = ("authentication",),
          kind: tuple[str, ...] = ("info",)) -> MessageRule:
    return MessageRule(re.compile(pattern), action, outcome, category, kind)


_FROM = r"(?P<ip>\S+?)(?: port (?P<port>\d+))?"

SSHD_MESSAGES: tuple[MessageRule, ...] = (
    _rule(r"^Accepted (?P<method>\S+) for (?P<user>.+?) from " + _FROM + r"(?: ssh2)?(?::.*)?$",
          "ssh_login", "success", kind=("start",)),
    _rule(r"^Failed (?P<method>\S+) for (?:invalid user )?(?P<user>.*?) from " + _FROM + r"(?: ssh2)?$",
          "ssh_login", "failure"),
    _rule(r"^Invalid user (?P<user>.*?) from " + _FROM + r"$", "invalid_user", "failure"),
    _rule(r"^input_userauth_request: invalid user (?P<user>.*?) \[preauth\]$", "invalid_user", "failure"),
    # PAM of old releases logs as program "sshd(pam_unix)" without the "pam_unix(sshd:...)" prefix
    _rule(r"^(?:pam_unix\(sshd:auth\): )?authentication failure;.*?rhost=(?P<rhost>\S*)(?:\s+user=(?P<user>\S+))?\s*$",
          "pam_authentication_failure", "failure"),
    _rule(r"^(?:pam_unix\(sshd:auth\): )?check pass; user unknown$", "pam_check_pass", "failure"),
    _rule(r"^PAM (?P<count>\d+) more authentication failures?;.*?rhost=(?P<rhost>\S*)(?:\s+user=(?P<user>\S+))?\s*$",
          "pam_authentication_failure", "failure"),
    _rule(r"^PAM service\(sshd\) ignoring max retries; \d+ > \d+$", "pam_max_retries", "failure"),
    _rule(r"^(?:pam_unix\(sshd:session\): )?session opened for user (?P<user>\S+)(?: by .*)?$",
          "session_opened", "success", ("session",), ("start",)),
    _rule(r"^(?:pam_unix\(sshd:session\): )?session closed for user (?P<user>\S+)$",
          "session_closed", "success", ("session",), ("end",)),
    _rule(r"^reverse mapping checking getaddrinfo for (?P<domain>\S+) \[(?P<ip>[^\]]+)\] failed"
          r" - POSSIBLE BREAK-IN ATTEMPT!$", "reverse_mapping_failed", None, ("network",)),
    _rule(r"^(?:error: )?Received disconnect from " + _FROM + r":\s*(?P<code>\d+):.*$",
          "ssh_disconnect", None, ("network",), ("end",)),
    _rule(r"^Disconnecting: Too many authentication failures for (?P<user>\S+)(?: \[preauth\])?$",
          "ssh_too_many_failures", "failure"),
    _rule(r"^Connection closed by " + _FROM + r"(?: \[preauth\])?$", "ssh_connection_closed", None,
          ("network",), ("end",)),
    _rule(r"^Did not receive identification string from " + _FROM + r"$", "ssh_no_identification", None,
          ("network",)),
)

#: "message repeated N times: [ inner ]" wraps another message (rsyslog's repeat reduction).
REPEATED = re.compile(r"^message repeated (?P<times>\d+) times: \[ ?(?P<inner>.*?) ?\]$")
