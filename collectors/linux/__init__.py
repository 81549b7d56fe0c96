"""Linux host logs: authentication (sshd, PAM) now; sudo, su, cron and netfilter come with the
collectors issue."""

from __future__ import annotations

from govsoc.collectors.linux.auth import LinuxAuthParser

__all__ = ["LinuxAuthParser"]
