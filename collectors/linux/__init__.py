"""Linux host logs: syslog lines (auth.log, secure, messages) of sshd, PAM, sudo, su, login,
gdm, ftpd, klogind, systemd-logind, cron and the shadow-utils account tools, and the kernel's
netfilter LOG lines (iptables, nftables, ufw), to ECS; and the audit records of auditd."""

from __future__ import annotations

from govsoc.collectors.linux.auditd import LinuxAuditdParser
from govsoc.collectors.linux.auth import LinuxAuthParser

__all__ = ["LinuxAuditdParser", "LinuxAuthParser"]
