"""Linux-PAM module messages (pam_unix, pam_sss, pam_faillock, pam_succeed_if, ...) as a table.

Current PAM prefixes the message with ``module(service:type): `` inside the calling program's
line (``sshd[812]: pam_unix(sshd:auth): authentication failure; ...``); PAM of Red Hat 9 era
logged under its own tag ``service(module)`` without a prefix (loghub Linux_2k:
``sshd(pam_unix)[19939]: authentication failure; ...``). Both become the same fields, plus
``linux.auth.pam.module`` / ``.service`` / ``.type``.

Actions are those of Elastic's system/auth pipeline: ``authentication_failure``, ``logged-on``,
``logged-off``, ``password-changed``, ``account-locked``; the rest are govsoc's own.
"""

from __future__ import annotations

import re

from govsoc.collectors.linux.messages import MessageRule, MessageTable, rule

#: ``module(service:type): `` at the start of a message.
PAM_PREFIX = re.compile(r"(pam_[\w-]+)\(([^:()\s]*):(\w+)\): ")
_KV = (r"logname=(?P<linux__auth__pam__logname>\S*) uid=\d* euid=\d* tty=(?P<linux__auth__pam__tty>\S*) "
       r"ruser=(?P<linux__auth__pam__ruser>\S*) rhost=(?P<ip>\S*)(?:\s+user=(?P<user>\S+))?\s*$")
_SESSION = ("session",)
_IAM_CHANGE = (("iam",), ("user", "change"))

PAM_RULES: tuple[MessageRule, ...] = (
    rule(r"^authentication failure; " + _KV, "authentication_failure", "failure"),
    # pam_unix logs the first failure of a handle at once and the rest when the handle ends
    rule(r"^PAM (?P<count>\d+) more authentication failures?; " + _KV, "authentication_failure", "failure"),
    rule(r"^PAM service\((?P<linux__auth__pam__service>[^)]*)\) ignoring max retries; \d+ > \d+$",
         "max-retries-exceeded", "failure"),
    rule(r"^check pass; user unknown$", "unknown-user", "failure"),
    rule(r"^session opened for user (?P<foruser>[^\s(]+)(?:\(uid=(?P<foruid>\d+)\))?"
         r"(?: by (?P<byuser>[^\s(]*)(?:\(uid=(?P<byuid>\d+)\))?)?$", "logged-on", "success", _SESSION, ("start",)),
    rule(r"^session closed for user (?P<user>[^\s(]+)(?:\(uid=(?P<uid>\d+)\))?$", "logged-off", "success",
         _SESSION, ("end",)),
    rule(r"^password changed for (?P<user>\S+)$", "password-changed", "success", *_IAM_CHANGE),
    rule(r"^new password not acceptable$", "password-changed", "failure", *_IAM_CHANGE),
    rule(r"^Consecutive login failures for user (?P<user>\S+) account temporarily locked$",
         "account-locked", "failure"),
    rule(r"^requirement \"(?P<linux__auth__pam__requirement>[^\"]*)\" not met by user \"(?P<user>[^\"]*)\"$",
         "requirement-not-met", "failure"),
    rule(r"^account (?P<user>\S+) has expired \(account expired\)$", "account-expired", "failure"),
    rule(r"^user (?P<user>\S+) logged in as root$", "logged-on", "success", _SESSION, ("start",)),
)

PAM = MessageTable(PAM_RULES)
