"""SSH server authentication against declared host-key fingerprints (GB/T 39786 8.2 a / 8.3: the
server's identity). SSH has no certificate chain: the probe verifies that the server holds the
host key it sent (its signature over the exchange hash, RFC 4253 8), and whether that key is the
system's is what the owner declares per endpoint (``host_key_fingerprints``, as `ssh-keygen -lf`
prints them). A verified key among the declared ones is the server authenticated; another key is
✗, and so is the channel (it reaches another machine, or one in the middle); with none declared
the fingerprint seen is reported for the evaluator to compare by hand (review R16 finding 14).
A server with keys of several types (RSA, ECDSA, Ed25519) signs with the type the client prefers:
when that key is not declared, the probe asks for each other type the server lists (probes.runner)
and the channel is ✗ only when none of the server's keys is declared (review R16c 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from govsoc.crypto_eval.checks.channel_view import ChannelView
from govsoc.crypto_eval.probes.runner import EndpointReport

__all__ = ["with_host_keys", "MANUAL_NOTE"]

#: The note channel_view gives a verified SSH host key (replaced here by what the fingerprint says).
MANUAL_NOTE = "SSH无证书体系：主机密钥指纹需与声明的指纹人工核对"


def with_host_keys(view: ChannelView, report: EndpointReport, declared: Sequence[str]) -> ChannelView:
    """``view`` with its SSH authentication decided by the declared fingerprints (unchanged for a
    channel that is not SSH or whose host key was not verified)."""
    ssh = report.ssh
    seen = ssh.host_key_fingerprint if ssh is not None and ssh.host_key_verified is True else None
    if view.protocol != "SSH" or ssh is None or seen is None:
        return view
    notes = tuple(n for n in view.notes if n != MANUAL_NOTE)
    if not declared:
        return replace(view, notes=(f"SSH无证书体系：服务端主机密钥指纹为 {seen}，需与该设备的主机密钥人工核对"
                                    "（可在端点 host_key_fingerprints 中声明）",) + notes)
    keys = [(ssh.host_key_algorithm or "", seen), *ssh.other_host_keys]
    match = next(((algorithm, fp) for algorithm, fp in keys if fp in declared), None)
    if match is not None:
        # a server holds one key per type and signs with the one the client asks for: a declared key of
        # one type is the server authenticated, whichever type the probe negotiated first (review R16c 2)
        others = [f"{a} {fp}" for a, fp in keys if fp not in declared]
        extra = (f"（服务端另有未声明的主机密钥：{'、'.join(others)}，建议一并声明或删除）" if others else "")
        proof = (f"SSH-2 服务端主机密钥对交换哈希的签名已验证，{match[0]} 主机密钥指纹 {match[1]} 与声明的指纹一致"
                 + extra)
        # the channel's D (8.3 b) says which key it reached, as the authentication does (review R16d F8)
        channel = (True, f"SSH-2 加密通道（{ssh.banner}）；{proof}")
        return replace(view, notes=notes, authentication=(True, proof), confidentiality=channel, integrity=channel)
    shown = "、".join(f"{a} {fp}" for a, fp in keys)
    why = (f"SSH服务端主机密钥指纹 {shown} 均不是声明的指纹（{'、'.join(declared)}）：对端不是声明的主机"
           "（或存在中间人），身份鉴别无效")
    # the encrypted channel reaches a party that is not the declared host: not a secure channel to it
    # (8.3 b for a management port, 8.2 for a communication one)
    return replace(view, authentication=(False, why), confidentiality=(False, why), integrity=(False, why),
                   notes=notes)
