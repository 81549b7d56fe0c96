"""sshd's own messages (OpenSSH 3.x to 9.x, ``sshd`` and ``sshd-session``) as a table.

Actions: ``ssh_login`` for an accepted or failed authentication, as Elastic's system/auth
integration writes it (its brute-force rules count those); the other shapes have govsoc's own
``ssh_*`` actions. One deliberate difference from Elastic: ``Invalid user X from ...`` is
``invalid_user``, not a second ``ssh_login`` failure, because sshd logs ``Failed password for
invalid user X`` for the same attempt and a count of failures must not see it twice. PAM lines
that sshd writes (``pam_unix(sshd:auth): ...``, ``PAM 2 more ...``) are in pam_messages.
"""

from __future__ import annotations

from govsoc.collectors.linux.messages import MessageRule, MessageTable, rule

_FROM = r"(?P<ip>[^\s\]]+?)(?: port (?P<port>\d+))?"
_PREAUTH = r"(?: \[preauth\])?"
_INVALID = r"(?P<invalid>invalid user )?"
_AUTH_NET = ("authentication", "network")

SSHD_RULES: tuple[MessageRule, ...] = (
    rule(r"^Accepted (?P<linux__auth__ssh__method>\S+) for (?P<user>.+?) from " + _FROM +
         r"(?: ssh2)?(?:: (?P<linux__auth__ssh__signature>.*))?$",
         "ssh_login", "success", ("authentication", "session")),
    # OpenSSH 6.8 and later end a failed public key with its type and fingerprint, as an accepted one
    # (R58a-13: "Failed publickey for root from ... ssh2: RSA SHA256:..." was no login failure): two
    # words, no more, or a name holding " from A port 1 ssh2: y" would give the address the client
    # wrote, not its own (R58c-1: sshd logs an invalid user's name as sent, spaces and all)
    rule(r"^Failed (?P<linux__auth__ssh__method>\S+) for " + _INVALID + r"(?P<user>.*?) from " + _FROM +
         r"(?: ssh2)?(?:: (?P<linux__auth__ssh__signature>\S+ \S+))?$", "ssh_login", "failure"),
    rule(r"^Invalid user (?P<user>.*?) from " + _FROM + r"$", "invalid_user", "failure"),
    rule(r"^input_userauth_request: invalid user (?P<user>.*?)" + _PREAUTH + r"$", "invalid_user", "failure"),
    # OpenSSH >= 7.x: the client went away during authentication
    rule(r"^(?:Connection closed by|Disconnected from) (?:authenticating user |" + _INVALID[:-1] + r")"
         r"(?P<user>\S*) " + _FROM + _PREAUTH + r"$", "ssh_auth_aborted", "failure"),
    rule(r"^(?:error: )?maximum authentication attempts exceeded for " + _INVALID + r"(?P<user>.*?) from " +
         _FROM + r"(?: ssh2)?" + _PREAUTH + r"$", "ssh_max_attempts", "failure"),
    rule(r"^Disconnecting (?:authenticating user |" + _INVALID[:-1] + r")(?P<user>\S+) " + _FROM +
         r": Too many authentication failures" + _PREAUTH + r"$", "ssh_too_many_failures", "failure"),
    rule(r"^Disconnecting: Too many authentication failures for " + _INVALID + r"(?P<user>\S+)" + _PREAUTH + r"$",
         "ssh_too_many_failures", "failure"),
    rule(r"^reverse mapping checking getaddrinfo for (?P<domain>\S+) \[(?P<ip>[^\]]+)\] failed"
         r" - POSSIBLE BREAK-IN ATTEMPT!$", "reverse_mapping_failed", None, ("network",)),
    rule(r"^(?:error: )?Received disconnect from " + _FROM + r":\s*(?P<linux__auth__ssh__disconnect_code>\d+):.*$",
         "ssh_disconnect", None, ("network",), ("end",)),
    rule(r"^Disconnected from user (?P<user>\S+) " + _FROM + r"$", "ssh_disconnect", None, ("session",), ("end",)),
    rule(r"^Connection closed by " + _FROM + _PREAUTH + r"$", "ssh_connection_closed", None, ("network",), ("end",)),
    rule(r"^Connection reset by " + _FROM + _PREAUTH + r"$", "ssh_connection_closed", None, ("network",), ("end",)),
    rule(r"^Connection from " + _FROM + r" on \S+ port \d+(?: rdomain \S*)?$", "ssh_connection", None,
         ("network",), ("start",)),
    rule(r"^Did not receive identification string from " + _FROM + r"$", "ssh_no_identification", None,
         ("network",)),
    rule(r"^(?:error: )?kex_exchange_identification: .*$", "ssh_no_identification", None, ("network",)),
    rule(r"^banner exchange: Connection from " + _FROM + r": .*$", "ssh_no_identification", None, ("network",)),
    rule(r"^Unable to negotiate with " + _FROM + r": no matching (?P<linux__auth__ssh__negotiation>.+?) found\..*$",
         "ssh_negotiation_failed", "failure", ("network",)),
    rule(r"^(?:fatal: )?Timeout before authentication for " + _FROM + r"$", "ssh_timeout", "failure", _AUTH_NET),
    rule(r"^error: PAM: (?P<error__message>.+?) for (?:illegal user |invalid user )?(?P<user>\S+) from " + _FROM +
         r"$", "ssh_pam_error", "failure"),
    rule(r"^subsystem request for (?P<linux__auth__ssh__subsystem>\S+) by user (?P<user>\S+).*$",
         "ssh_subsystem", None, ("session",), ("info",)),
)

SSHD = MessageTable(SSHD_RULES)
