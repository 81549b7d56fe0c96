"""Report signing (issue 18 "Integrity", reports/signing.py): SM2 over the GB/T 32918 sample
vectors, keys that OpenSSL reads, signatures that OpenSSL verifies, `govsoc keys init`, and
`govsoc verify` on real report files changed in every way a signature must catch."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from govsoc.cli import main
from govsoc.core.errors import ConfigError
from govsoc.crypto_eval import kat, sm2
from govsoc.reports import signing
from tests.conftest import need

# GB/T 32918.2 / GM/T 0003.5 signature example on the recommended curve (shared/reference/crypto-eval.md §4.4)
D = int("3945208F7B2144B13F36E38AC6D39F9588939369" "2860B51A42FB81EF4DF7C5B8", 16)
K = int("59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21", 16)
PX = int("09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020", 16)
PY = int("CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13", 16)
R = "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
S = "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"
REPORT = "<!doctype html><html lang=zh><body><h1>态势感知报告</h1><p>告警总数 1,234</p></body></html>\n"


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_standard_sm2_vector_through_the_signing_primitives() -> None:
    assert sm2.public_key(D) == (PX, PY)
    raw = bytes.fromhex(R + S)
    # the standard's (r, s) as GM/T 0009 DER and back, and verified as verify_report verifies
    der = signing._der_signature(raw)
    assert signing._raw_signature(der) == raw
    assert kat.sm2_verify((PX, PY), b"message digest", raw, user_id=sm2.DEFAULT_ID)
    assert not kat.sm2_verify((PX, PY), b"message digesT", raw, user_id=sm2.DEFAULT_ID)
    # with the standard's k the signing path reproduces r and s exactly
    assert kat.sm2_sign(D, b"message digest", k=K) == raw
    # GB/T 32905 A.1: SM3("abc"), through the digest the signature files carry
    assert signing.sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_openssl_reads_the_key_files_with_the_standard_key(tmp_path: Path, openssl: str) -> None:
    key = tmp_path / "std.key"
    key.write_text(signing._pem("PRIVATE KEY", signing._pkcs8(D, (PX, PY))), encoding="ascii")
    text = subprocess.run([openssl, "pkey", "-in", str(key), "-text", "-noout"], check=True, capture_output=True,
                          text=True).stdout
    pub = "".join(text.split("pub:")[1].split("ASN1 OID")[0].split()).replace(":", "")
    assert pub == f"04{PX:064x}{PY:064x}" and "SM2" in text
    spki = subprocess.run([openssl, "pkey", "-in", str(key), "-pubout"], check=True, capture_output=True,
                          text=True).stdout
    assert spki == signing._pem("PUBLIC KEY", signing._spki((PX, PY)))
    assert signing.read_public_key(spki) == (PX, PY)


def test_keys_init(govsoc_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["keys", "init", "--signer", "市大数据局 管理员"], capsys)
    assert code == 0, err
    folder = govsoc_home / "keys"
    private = folder / signing.KEY_FILE
    assert stat.S_IMODE(private.stat().st_mode) == 0o600 and stat.S_IMODE(folder.stat().st_mode) == 0o700
    key = signing.load_key(folder)
    assert key is not None and key.key_id in out and key.signer == "市大数据局 管理员"
    secret = f"{key._d:064x}"
    assert "PRIVATE" not in out and secret not in out.lower() and secret not in repr(key)
    before = private.read_bytes()
    code, out, err = _run(["keys", "init"], capsys)  # refuses to overwrite
    assert code == 2 and "--force" in err and private.read_bytes() == before
    code, out, _ = _run(["keys", "show"], capsys)
    assert code == 0 and "BEGIN PUBLIC KEY" in out and "PRIVATE" not in out and secret not in out.lower()
    os.chmod(private, 0o644)  # a key others can read is refused, with the fix
    with pytest.raises(Exception, match="chmod 600"):
        signing.load_key(folder)


def test_sign_and_verify_with_openssl_as_the_peer(govsoc_home: Path, tmp_path: Path, openssl: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["keys", "init"], capsys)[0] == 0
    report = tmp_path / "situation.html"
    report.write_text(REPORT, encoding="utf-8")
    assert signing.sign_report(report, govsoc_home / "keys") == tmp_path / "situation.html.sig"
    fields = json.loads((tmp_path / "situation.html.sig").read_text(encoding="utf-8"))
    # OpenSSL verifies the SM2 signature over the signed fields with our public key file
    message, sig = tmp_path / "signed.bin", tmp_path / "sig.der"
    message.write_bytes(signing._signed_bytes(fields))
    sig.write_bytes(bytes.fromhex(fields["signature"]))
    public = govsoc_home / "keys" / signing.PUBLIC_FILE
    done = subprocess.run([openssl, "pkeyutl", "-verify", "-in", str(message), "-rawin", "-digest", "sm3", "-pubin",
                           "-inkey", str(public), "-pkeyopt", "distid:1234567812345678", "-sigfile", str(sig)],
                          capture_output=True, text=True)
    assert done.returncode == 0 and "Verified Successfully" in done.stdout
    assert fields["digest"] == subprocess.run([openssl, "dgst", "-sm3", "-r", str(report)], check=True,
                                              capture_output=True, text=True).stdout.split()[0]
    code, out, err = _run(["verify", str(report)], capsys)
    assert code == 0 and out.startswith("OK "), err


def test_a_key_made_by_openssl_signs_too(govsoc_home: Path, tmp_path: Path, openssl: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    folder = govsoc_home / "keys"
    folder.mkdir(parents=True)
    key = folder / signing.KEY_FILE
    subprocess.run([openssl, "genpkey", "-algorithm", "SM2", "-out", str(key)], check=True, capture_output=True)
    os.chmod(key, 0o600)
    public = tmp_path / "openssl.pub"
    subprocess.run([openssl, "pkey", "-in", str(key), "-pubout", "-out", str(public)], check=True)
    report = tmp_path / "r.json"
    report.write_text('{"kind": "compliance"}', encoding="utf-8")
    assert _run(["keys", "sign", str(report)], capsys)[0] == 0
    code, out, err = _run(["verify", "--only-key", "--key", str(public), str(report)], capsys)
    assert code == 0, err


@pytest.fixture
def signed(govsoc_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert _run(["keys", "init"], capsys)[0] == 0
    report = tmp_path / "compliance.html"
    report.write_text(REPORT, encoding="utf-8")
    assert _run(["keys", "sign", str(report)], capsys)[0] == 0
    return report


@pytest.mark.parametrize("change", [
    lambda b: bytes([b[0] ^ 1]) + b[1:],      # one bit of the first byte
    lambda b: b[:-1],                          # the last byte removed
    lambda b: b + b" ",                        # a space appended
    lambda b: b.replace(b"1,234", b"1,235"),  # a figure edited
])
def test_a_changed_report_fails(signed: Path, capsys: pytest.CaptureFixture[str], change: object) -> None:
    signed.write_bytes(change(signed.read_bytes()))  # type: ignore[operator]
    code, out, err = _run(["verify", str(signed)], capsys)
    assert code == 1 and "was changed after it was signed" in err and not out


def _mutations(fields: dict[str, object]) -> list[tuple[str, dict[str, object]]]:
    out = []
    for name, value in fields.items():
        if isinstance(value, int):
            changed: object = value + 1
        else:
            text = str(value)
            last = text[-1]
            changed = text[:-1] + ("0" if last != "0" else "1")
        out.append((name, {**fields, name: changed}))
    out.append(("extra field", {**fields, "comment": "reviewed"}))
    out.append(("field removed", {k: v for k, v in fields.items() if k != "time"}))
    return out


def test_every_change_to_the_signature_file_fails(signed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sig = signing.signature_path(signed)
    fields = json.loads(sig.read_text(encoding="utf-8"))
    for name, changed in _mutations(fields):
        sig.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
        code, out, err = _run(["verify", str(signed)], capsys)
        assert code == 1 and not out, name
        assert any(word in err for word in ("altered", "changed after", "unsupported")), (name, err)
    sig.write_text("{", encoding="utf-8")
    assert _run(["verify", str(signed)], capsys)[0] == 1
    sig.unlink()
    code, _, err = _run(["verify", str(signed)], capsys)
    assert code == 1 and "not signed" in err


def test_a_report_resigned_by_another_key_fails(signed: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    # an attacker edits the report and signs it with a key of their own, carried in the signature
    signed.write_text(REPORT.replace("1,234", "12"), encoding="utf-8")
    other = signing.init_key(tmp_path / "attacker", signer="attacker")
    signing.sign_file(signed, other)
    code, _, err = _run(["verify", str(signed)], capsys)
    assert code == 1 and "another key" in err and other.key_id in err
    # trusted only when the verifier is handed that public key on purpose
    attacker_pub = tmp_path / "attacker" / signing.PUBLIC_FILE
    assert _run(["verify", "--key", str(attacker_pub), str(signed)], capsys)[0] == 0


def test_key_replacement_keeps_old_reports_verifiable(signed: Path, govsoc_home: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    old_pub = (govsoc_home / "keys" / signing.PUBLIC_FILE).read_text(encoding="ascii")
    code, _, err = _run(["keys", "init", "--force"], capsys)
    assert code == 0, err
    assert (govsoc_home / "keys" / signing.PUBLIC_FILE).read_text(encoding="ascii") != old_pub
    assert _run(["verify", str(signed)], capsys)[0] == 0  # the old public key moved to trusted/
    newer = tmp_path / "newer.html"
    newer.write_text(REPORT, encoding="utf-8")
    assert _run(["keys", "sign", str(newer)], capsys)[0] == 0
    assert _run(["verify", str(signed), str(newer)], capsys)[0] == 0
    # an auditor holding only the old public key accepts the old report and refuses the new one
    held = tmp_path / "auditor.pub"
    held.write_text(old_pub, encoding="ascii")
    assert _run(["verify", "--only-key", "--key", str(held), str(signed)], capsys)[0] == 0
    code, _, err = _run(["verify", "--only-key", "--key", str(held), str(newer)], capsys)
    assert code == 1 and "another key" in err


def test_without_a_key(govsoc_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "r.md"
    report.write_text("# 报告\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="govsoc keys init"):  # never a quiet unsigned report
        signing.sign_report(report, govsoc_home / "keys")
    assert not signing.signature_path(report).exists()
    code, _, err = _run(["verify", str(report)], capsys)
    assert code == 2 and "keys init" in err
    code, _, err = _run(["keys", "sign", str(report)], capsys)
    assert code == 2 and "keys init" in err


def test_main_lists_the_commands() -> None:
    from govsoc.cli.main import COMMANDS

    assert COMMANDS["keys"] == "govsoc.cli.commands.keys" and COMMANDS["verify"] == "govsoc.cli.commands.verify"


def test_encrypted_key(govsoc_home: Path, tmp_path: Path, openssl: str, monkeypatch: pytest.MonkeyPatch,
                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(signing.PASSPHRASE_ENV, "正确 horse battery")
    code, out, err = _run(["keys", "init"], capsys)
    assert code == 0 and "encrypted" in out, err
    private = govsoc_home / "keys" / signing.KEY_FILE
    assert "BEGIN ENCRYPTED PRIVATE KEY" in private.read_text(encoding="ascii")
    # OpenSSL decrypts it (PBES2, SM4-CBC) to the same key
    spki = subprocess.run([openssl, "pkey", "-in", str(private), "-passin", f"env:{signing.PASSPHRASE_ENV}",
                           "-pubout"], check=True, capture_output=True, text=True).stdout
    assert spki == (govsoc_home / "keys" / signing.PUBLIC_FILE).read_text(encoding="ascii")
    report = tmp_path / "r.html"
    report.write_text(REPORT, encoding="utf-8")
    assert _run(["keys", "sign", str(report)], capsys)[0] == 0
    assert _run(["verify", str(report)], capsys)[0] == 0
    monkeypatch.setenv(signing.PASSPHRASE_ENV, "wrong")
    code, _, err = _run(["keys", "sign", str(report)], capsys)
    assert code == 2 and "wrong passphrase" in err
    monkeypatch.delenv(signing.PASSPHRASE_ENV)
    code, _, err = _run(["keys", "sign", str(report)], capsys)
    assert code == 2 and signing.PASSPHRASE_ENV in err


def test_a_wrong_passphrase_that_decrypts_to_valid_padding_is_still_a_wrong_passphrase() -> None:
    # About 1 wrong passphrase in 256 decrypts the sealed key to garbage whose last byte is valid
    # PKCS#7 padding (seen once in a test run: "bad DER length" instead of "wrong passphrase").
    # Sealing garbage with the right passphrase gives that case every time.
    sealed = signing._pem("ENCRYPTED PRIVATE KEY", signing._encrypt_pkcs8(b"\x30\x82\xff\xff garbage", "p"))
    with pytest.raises(ValueError, match="wrong passphrase"):
        signing._read_private_key(sealed, "p")


def test_a_key_openssl_encrypted_loads(tmp_path: Path, openssl: str, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "keys"
    folder.mkdir()
    plain, sealed = tmp_path / "plain.key", folder / signing.KEY_FILE
    subprocess.run([openssl, "genpkey", "-algorithm", "SM2", "-out", str(plain)], check=True, capture_output=True)
    monkeypatch.setenv("M16_PASS", "openssl-made")
    subprocess.run([openssl, "pkcs8", "-topk8", "-in", str(plain), "-v2", "sm4-cbc", "-v2prf", "hmacWithSHA256",
                    "-passout", "env:M16_PASS", "-out", str(sealed)], check=True, capture_output=True)
    os.chmod(sealed, 0o600)
    key = signing.load_key(folder, passphrase="openssl-made")
    spki = subprocess.run([openssl, "pkey", "-in", str(plain), "-pubout"], check=True, capture_output=True,
                          text=True).stdout
    assert key is not None and key.public == signing.read_public_key(spki)


def test_no_second_spelling_of_a_valid_signature_file(signed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sig = signing.signature_path(signed)
    text = sig.read_text(encoding="utf-8")
    fields = json.loads(text)
    r_s = signing._raw_signature(bytes.fromhex(fields["signature"]))
    r, s = int.from_bytes(r_s[:32], "big"), int.from_bytes(r_s[32:], "big")
    padded = signing._tlv(0x30, signing._tlv(0x02, b"\x00" + r.to_bytes(33, "big").lstrip(b"\x00").rjust(33, b"\x00"))
                          + signing._int(s))  # r with a needless leading zero byte: BER, not DER
    respelt = [
        text.replace(fields["signature"], fields["signature"].upper()),   # the same bytes in capitals
        text.replace(fields["signature"], padded.hex()),                   # non-minimal INTEGER
        text.replace("\n", "\r\n"),                                        # line ends
        text.replace('  "', '    "'),                                      # indentation
        json.dumps(fields, ensure_ascii=True, indent=2) + "\n",            # \\u escapes for the signer
    ]
    for variant in respelt:
        if variant == text:
            continue
        sig.write_bytes(variant.encode("utf-8"))
        code, out, err = _run(["verify", str(signed)], capsys)
        assert code == 1 and "altered" in err and not out, variant[:80]
    sig.write_text(text, encoding="utf-8")
    assert _run(["verify", str(signed)], capsys)[0] == 0


def _key_id(govsoc_home: Path) -> str:
    key = signing.load_key(govsoc_home / "keys")
    assert key is not None
    return key.key_id


def test_verify_names_the_key_and_the_file_that_trusts_it(signed: Path, govsoc_home: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["verify", str(signed)], capsys)
    own = govsoc_home / "keys" / signing.PUBLIC_FILE
    assert code == 0 and f"key id {_key_id(govsoc_home)} trusted by {own}" in out, err
    other = signing.init_key(tmp_path / "colleague", signer="colleague")
    signing.sign_file(signed, other)
    code, out, err = _run(["verify", "--key", str(tmp_path / "colleague" / signing.PUBLIC_FILE), str(signed)], capsys)
    assert code == 0 and f"key id {other.key_id} trusted by {tmp_path / 'colleague' / signing.PUBLIC_FILE}" in out


def test_a_revoked_key_fails_verify_and_signs_nothing(signed: Path, govsoc_home: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    old = _key_id(govsoc_home)
    old_pub = tmp_path / "old.pub"
    old_pub.write_bytes((govsoc_home / "keys" / signing.PUBLIC_FILE).read_bytes())
    spaced = ":".join(old[i:i + 2] for i in range(0, 32, 2)).upper()  # as some tools print fingerprints
    code, out, err = _run(["keys", "revoke", spaced, "--reason", "laptop stolen"], capsys)
    assert code == 0 and f"revoked key id {old}" in out and "current signing key" in out, err
    assert stat.S_IMODE((govsoc_home / "keys" / "revoked.txt").stat().st_mode) == 0o644
    code, out, err = _run(["verify", str(signed)], capsys)
    assert code == 1 and "revoked key" in err and old in err and "laptop stolen" in err and not out
    # an auditor's own copy of the public key does not bring it back
    code, _, err = _run(["verify", "--only-key", "--key", str(old_pub), str(signed)], capsys)
    assert code == 1 and "revoked key" in err
    # the revoked key signs nothing more, until a new key replaces it
    newer = tmp_path / "newer.html"
    newer.write_text(REPORT, encoding="utf-8")
    code, _, err = _run(["keys", "sign", str(newer)], capsys)
    assert code == 2 and "revoked" in err and "keys init --force" in err
    assert not signing.signature_path(newer).exists()
    code, _, err = _run(["report", "--format", "json", "-o", str(tmp_path / "alerts.json")], capsys)
    assert code == 2 and "revoked" in err and not (tmp_path / "alerts.json").exists()
    assert "REVOKED" in _run(["keys", "show"], capsys)[1]
    assert _run(["keys", "init", "--force"], capsys)[0] == 0
    assert _run(["keys", "sign", str(newer)], capsys)[0] == 0
    assert _run(["verify", str(newer)], capsys)[0] == 0
    assert _run(["verify", str(signed)], capsys)[0] == 1  # its key moved to trusted/, still revoked
    code, out, _ = _run(["keys", "list"], capsys)
    rows = {line.split()[0]: line for line in out.splitlines()}
    assert "REVOKED" in rows[old] and "trusted/" in rows[old] and "trusted" in rows[_key_id(govsoc_home)]
    code, out, _ = _run(["keys", "revoke", old], capsys)
    assert code == 0 and "already revoked" in out
    code, _, err = _run(["keys", "revoke", "not-a-key-id"], capsys)
    assert code == 2 and "32 hex digits" in err


@pytest.mark.parametrize(("place", "mode"), [
    ("keys", 0o770),                       # the key folder writable by its group
    ("keys/trusted", 0o757),               # trusted/ writable by everyone
    ("keys/trusted/extra.pub", 0o666),     # a trusted key file anyone may rewrite
    ("keys/report-signing.pub", 0o664),    # the own public key, group-writable
    ("keys/revoked.txt", 0o646),           # anyone could drop a revocation
])
def test_a_key_folder_others_may_write_is_refused(signed: Path, govsoc_home: Path, tmp_path: Path, place: str,
                                                  mode: int, capsys: pytest.CaptureFixture[str]) -> None:
    keys = govsoc_home / "keys"
    (keys / "trusted").mkdir(mode=0o700)
    (keys / "trusted" / "extra.pub").write_bytes(signing.init_key(tmp_path / "x").folder.joinpath(
        signing.PUBLIC_FILE).read_bytes())
    (keys / "revoked.txt").write_text("# none yet\n", encoding="utf-8")
    for path in (keys / "trusted" / "extra.pub", keys / "revoked.txt"):
        os.chmod(path, 0o644)
    assert _run(["verify", str(signed)], capsys)[0] == 0
    os.chmod(govsoc_home / place, mode)
    code, out, err = _run(["verify", str(signed)], capsys)
    assert code == 2 and "chmod go-w" in err and str(govsoc_home / place) in err and not out


def test_verify_answers_for_every_report_even_after_a_failure(signed: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.html"
    good.write_text(REPORT, encoding="utf-8")
    assert _run(["keys", "sign", str(good)], capsys)[0] == 0
    signed.write_text(REPORT.replace("1,234", "1,235"), encoding="utf-8")
    unsigned = tmp_path / "unsigned.md"
    unsigned.write_text("# 报告\n", encoding="utf-8")
    code, out, err = _run(["verify", str(signed), str(unsigned), str(good)], capsys)
    assert code == 1 and out.startswith(f"OK {good}:") and out.count("OK ") == 1
    assert "changed after it was signed" in err and "not signed" in err and "2 of 3 reports failed" in err


def test_a_key_folder_another_user_owns_is_refused(signed: Path, govsoc_home: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    need(os.geteuid() == 0, "a key file another user owns needs root to make")
    trusted = govsoc_home / "keys" / "trusted"
    trusted.mkdir(mode=0o700)
    placed = trusted / "placed.pub"
    placed.write_bytes((govsoc_home / "keys" / signing.PUBLIC_FILE).read_bytes())
    os.chmod(placed, 0o644)
    assert _run(["verify", str(signed)], capsys)[0] == 0
    os.chown(placed, 65534, 65534)  # nobody: mode 0644 like ours, but not ours
    code, out, err = _run(["verify", str(signed)], capsys)
    assert code == 2 and "belongs to another user" in err and str(placed) in err and not out
