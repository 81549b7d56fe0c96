"""SSH in the 密评 reading of a channel (crypto_eval.checks.channel_view): every verified host
key by type and size, and an "SSH-1.99" banner (RFC 4253 5.1: SSH-1 clients still accepted), a
flawed technique by the 高风险判定指引.
"""

from __future__ import annotations

from dataclasses import replace

from govsoc.crypto_eval.algorithms import (
    Assessment,
    classify_key,
)
from govsoc.crypto_eval.probes.ssh import SshProbeResult


def ssh_host_keys(s: SshProbeResult) -> tuple[Assessment, ...]:
    """Every verified host key of the server by type and size (an RSA key under 2048 bits is high
    risk whichever signature hash names it), named with its algorithm."""
    keys = ([(s.host_key_algorithm or "", *s.host_key_size)] if s.host_key_size is not None else [])
    out = []
    for algorithm, key_type, bits in [*keys, *s.other_host_key_sizes]:
        judged = classify_key(key_type, bits, role="主机密钥：")
        out.append(replace(judged, name=f"{algorithm} {judged.name}"))
    return tuple(out)


def ssh_199_notes(banner: str) -> tuple[Assessment, ...]:
    """An "SSH-1.99" banner: SSH-2, and SSH-1 clients still accepted (RFC 4253 5.1 compatibility).
    The 高风险判定指引 names SSH 1.0 with SSL 2.0/3.0 and TLS 1.0 as flawed techniques; a server that
    still accepts SSH-1 is A ✗, high risk, as a TLS server still accepting TLS 1.0 is (review R16
    finding 8). Its SSH-2 channel keeps D ✓."""
    if not banner.startswith("SSH-1.99-"):
        return ()
    return (Assessment(name="SSH-1.99", klass="weak", bits=0, high_risk=True,
                       why=f"标识为SSH-1.99（{banner}）：仍兼容SSH-1客户端（RFC 4253 5.1），SSH-1为已废弃的密码技术"
                           "（高风险）；应关闭SSH-1兼容"),)
