"""The passive check: TLS, SSH and cleartext services seen in traffic to a system's endpoints
(crypto_eval.passive observations), read as channels the way probe reports are. Traffic shows
what clients really negotiate: a server whose probe shows TLS 1.2 but whose clients are seen on
TLS 1.0 has a TLS 1.0 channel in use.
"""

from __future__ import annotations

from govsoc.core.inventory_model import Endpoint
from govsoc.crypto_eval.algorithms import (
    DEPRECATED_PROTOCOL,
    Assessment,
    classify_certificate,
    classify_ssh,
    classify_suite,
    classify_version,
)
from govsoc.crypto_eval.checks import CHECKS, SystemContext, endpoint_key, object_name
from govsoc.crypto_eval.checks.channel_view import ChannelView, ssh_199_notes
from govsoc.crypto_eval.checks.channels import NetworkChannelCheck, channel_findings, is_admin
from govsoc.crypto_eval.finding import Finding
from govsoc.crypto_eval.passive import PassiveObservation

__all__ = ["PassiveTrafficCheck", "view_of_observation", "PASSIVE_AUTH"]

#: Why traffic alone never shows authentication: a passive observer sees a handshake's algorithms,
#: not whether the server's signature verified or its certificate chains to a declared trust anchor
#: (crypto_eval.chain), which only an active probe checks.
PASSIVE_AUTH = "流量中观察到的握手无法验证服务端的私钥签名和证书链（需主动探测）：身份鉴别缺少证据"


def view_of_observation(obs: PassiveObservation) -> ChannelView:
    """A passive observation as a channel."""
    seen = f"{obs.endpoint}: 流量中观察到（{obs.events} 条事件）"
    if obs.kind == "sensitive":
        why = f"个人信息（{obs.get('data')}，{obs.get('level')}）经明文HTTP传输"
        return ChannelView(protocol="cleartext", observed=seen, authentication=(False, why),
                           confidentiality=(False, why), integrity=(False, why))
    if obs.kind == "cleartext":
        why = f"流量中发现 {obs.get('service')} 明文传输"
        return ChannelView(protocol="cleartext", observed=seen, authentication=(False, why),
                           confidentiality=(False, why), integrity=(False, why))
    algos: list[Assessment] = []
    if obs.kind == "ssh":
        server = obs.get("server") or ""
        if obs.get("version") == "1" or (server.startswith("SSH-1.") and not server.startswith("SSH-1.99")):
            why = f"流量中发现SSH-1（{server}）：{DEPRECATED_PROTOCOL}（高风险）"
            return ChannelView(protocol="SSH", observed=seen, authentication=(False, why),
                               confidentiality=(False, why), integrity=(False, why))
        algos = [classify_ssh(obs.get(k) or "") for k in ("kex_alg", "host_key_alg", "cipher_alg", "mac_alg")
                 if obs.get(k)]
        detail = ", ".join(f"{k} {obs.get(k)}" for k in ("cipher_alg", "mac_alg", "kex_alg") if obs.get(k))
        ok = (True, f"流量中的SSH-2：{detail}")
        return ChannelView(protocol="SSH", observed=f"{seen}: {detail}", authentication=None, confidentiality=ok,
                           integrity=ok, algorithms=tuple(algos) + ssh_199_notes(server or ""),
                           notes=(f"SSH: {PASSIVE_AUTH}",))
    version, cipher = obs.get("version"), obs.get("cipher")
    if version:
        algos.append(classify_version(version))
    if cipher:
        algos.append(classify_suite(cipher))
    signature, key_type, key_bits = obs.get("signature"), obs.get("key_type"), obs.get("key_bits")
    certificate = ""
    if signature and key_type and key_bits and key_bits.isdigit():  # the cleartext certificate of TLS <= 1.2
        algos += classify_certificate(signature, key_type, int(key_bits))
        certificate = f"，证书 {signature} / {key_type}-{key_bits}"
    null = bool(cipher and "NULL" in cipher)
    text = f"{version or '?'} {cipher or '?'}{certificate}"
    anonymous = bool(cipher and "anon" in cipher)
    return ChannelView(protocol="TLCP" if version == "TLCP" else "TLS", observed=f"{seen}: {text}",
                       authentication=((False, f"流量中的 {text}：匿名密钥交换，未鉴别服务端身份") if anonymous
                                       else None),
                       notes=() if anonymous else (f"{version or 'TLS'}: {PASSIVE_AUTH}",),
                       confidentiality=(not null, f"流量中的 {text}"),
                       integrity=(True, f"流量中的 {text}"), algorithms=tuple(algos))


@CHECKS.register("passive.flows")
class PassiveTrafficCheck:
    """Findings from traffic seen to the system's endpoints (provenance "passive")."""

    def __init__(self, context: SystemContext) -> None:
        self.context = context
        # traffic names the address a listing resolves to, however the inventory spells it (the first
        # listing of an address and port is the object its traffic is judged under)
        self.endpoints: dict[str, Endpoint] = {}
        for e in context.endpoints:
            self.endpoints.setdefault(endpoint_key(context.endpoint_key(e)[0], e.port), e)
        self.seen: list[tuple[Endpoint, PassiveObservation]] = []

    def evaluate(self, evidence: object) -> None:
        """Keep observations of this system's endpoints."""
        if isinstance(evidence, PassiveObservation) and evidence.endpoint in self.endpoints:
            self.seen.append((self.endpoints[evidence.endpoint], evidence))

    def finalize(self) -> list[Finding]:
        """Channel findings per observation."""
        out: list[Finding] = []
        for endpoint, obs in self.seen:
            view = view_of_observation(obs)
            obj = object_name(self.context, endpoint)  # the probe's object for the same channel
            if is_admin(endpoint):
                out += channel_findings(self.context, "gbt39786.l3.8.3.b", obj, view, "confidentiality",
                                        "passive.flows", "device", "passive")
            elif endpoint.boundary:
                items = NetworkChannelCheck.ITEMS if obs.kind != "sensitive" else NetworkChannelCheck.ITEMS[2:]
                for item_id, aspect in items:
                    out += channel_findings(self.context, item_id, obj, view, aspect, "passive.flows",
                                            "network", "passive")
            if obs.kind == "sensitive":  # 8.4 d): the important data itself travelled in the clear
                for data in (obs.get("data") or "personal_data").split(","):
                    out += channel_findings(self.context, "gbt39786.l3.8.4.d", data, view, "confidentiality",
                                            "passive.flows", "application", "passive")
        return out
