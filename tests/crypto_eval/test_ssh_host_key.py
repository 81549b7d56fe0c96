"""SSH host keys (review R16 finding 14): the report named no fingerprint and the inventory had no
place to declare one, though the evaluation asked for a manual comparison with "the declared
fingerprint". Now the probe reports the verified key's SHA256 fingerprint (as `ssh-keygen -lf`
prints it), an endpoint may declare ``host_key_fingerprints``, and a verified key among them
authenticates the server while another key is ✗. A real Debian sshd on loopback."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path

import pytest
from pydantic import ValidationError

from govsoc.core.inventory import InventoryModel
from govsoc.crypto_eval.evaluate import evaluate_inventory
from govsoc.crypto_eval.probes.ssh import probe_ssh
from tests.servers.sshd import running_sshd

OTHER = "SHA256:" + "A" * 43  # a well-formed fingerprint of no key here


def _keygen_fingerprint(host_key: Path) -> str:
    keygen = shutil.which("ssh-keygen")
    assert keygen is not None
    line = subprocess.run([keygen, "-lf", f"{host_key}.pub"], capture_output=True, text=True, check=True).stdout
    return line.split()[1]


@pytest.mark.parametrize(("declared", "d", "words"), [
    (None, True, "需与该设备的主机密钥人工核对"),      # nothing declared: the fingerprint shown for a person
    ("own", True, "与声明的指纹一致"),                  # the server's own key: authenticated
    ("other", False, "不是声明的指纹"),                 # another key: another machine or one in the middle
])
def test_declared_host_key_fingerprints_decide_ssh_authentication(tmp_path: Path, sshd_binary: Path,
                                                                  declared: str | None, d: bool, words: str) -> None:
    with running_sshd(tmp_path) as sshd:
        own = _keygen_fingerprint(tmp_path / "host_ed25519")
        probed = asyncio.run(probe_ssh("127.0.0.1", sshd.port, timeout=3.0))
        endpoint: dict[str, object] = {"host": "127.0.0.1", "port": sshd.port, "protocol": "ssh", "kind": "admin"}
        if declared is not None:
            endpoint["host_key_fingerprints"] = [own if declared == "own" else OTHER]
        (system,) = InventoryModel.model_validate({"systems": [{"name": "s", "level": 3,
                                                               "endpoints": [endpoint]}]}).systems
        (e,) = evaluate_inventory([system], question_timeout=3.0)
    assert probed.host_key_verified is True and probed.host_key_fingerprint == own
    # a management port: 8.3 b) is D ✗ when the key is another one (the channel reaches another party)
    channel = [f for f in e.findings if f.item == "gbt39786.l3.8.3.b" and f.factor == "D"]
    assert [f.satisfied for f in channel] == [d], e.findings
    assert any(words in f.why and own in f.why for f in e.findings if f.item == "gbt39786.l3.8.3.b") or (
        declared == "own"), e.findings
    assert not any(f.why == "SSH无证书体系：主机密钥指纹需与声明的指纹人工核对" for f in e.findings)


@pytest.mark.parametrize("bad", ["MD5:12:34", "SHA256:short", "ssh-ed25519 AAAA"])
def test_a_fingerprint_not_as_ssh_keygen_prints_it_is_refused(bad: str) -> None:
    with pytest.raises(ValidationError, match="no SHA256 host-key fingerprint"):
        InventoryModel.model_validate({"systems": [{"name": "s", "level": 3, "endpoints": [
            {"host": "127.0.0.1", "port": 22, "protocol": "ssh", "host_key_fingerprints": [bad]}]}]})


@pytest.mark.parametrize("declared_type", ["rsa", "ecdsa", "ed25519"])
def test_a_server_with_several_host_keys_matches_the_declared_one_of_any_type(
        tmp_path: Path, sshd_binary: Path, declared_type: str) -> None:
    # review R16c 2: sshd with RSA, ECDSA and Ed25519 host keys signs with the type the client prefers
    # (the probe's Ed25519 first); an inventory declaring the RSA key's fingerprint got a false "another
    # host / MITM". Every key the server has is compared; only none of them declared is ✗
    with running_sshd(tmp_path, more_key_types=("rsa", "ecdsa")) as sshd:
        own = {kind: _keygen_fingerprint(tmp_path / f"host_{kind}") for kind in ("rsa", "ecdsa", "ed25519")}
        findings = {}
        for case, declared in (("own", own[declared_type]), ("other", OTHER)):
            endpoint = {"host": "127.0.0.1", "port": sshd.port, "protocol": "ssh", "kind": "admin",
                        "host_key_fingerprints": [declared]}
            (system,) = InventoryModel.model_validate({"systems": [{"name": "s", "level": 3,
                                                                   "endpoints": [endpoint]}]}).systems
            (e,) = evaluate_inventory([system], question_timeout=3.0)
            findings[case] = [f for f in e.findings if f.item == "gbt39786.l3.8.3.b"]
    (good,) = [f for f in findings["own"] if f.factor == "D"]
    assert good.satisfied and not any("均不是声明的指纹" in f.why for f in findings["own"]), findings["own"]
    # the control: a fingerprint of none of its keys is still another host, and every key seen is named
    (bad,) = [f for f in findings["other"] if f.factor == "D"]
    assert not bad.satisfied and "均不是声明的指纹" in bad.why and all(fp in bad.why for fp in own.values()), bad
