"""SigmaHQ compatibility, measured: every rule of the shared SigmaHQ corpus (2,840 rules in
rules/, rules-compliance/, rules-emerging-threats/ and rules-threat-hunting/) loaded, converted for
each store, active (govsoc collects its log source). Each count is kept from falling.

The floors, and why they are what they are (checked against the corpus, not copied from a run):
- loaded 2,840: every file of the four folders holds one valid rule (2,840 .yml files).
- SQLite 2,840: govsoc's SQLite backend expresses every SigmaHQ construct, keywords included
  (plain pySigma's sqlite backend refuses the 82 keyword rules).
- Elasticsearch 2,840: every rule. The 4 rules with ``|fieldref`` (grep: 4 files, 3 Windows and 1
  AWS; Lucene cannot compare two fields) and the 2 Windows rules whose ``|re`` uses ``\\b``, a word
  boundary Lucene regexps do not have (proc_creation_win_susp_obfuscated_ip_download/_via_cli), go
  to Elasticsearch as a superset checked exactly by the store (rules/backends/lucene.py).
- active 75, all in rules/linux: the 15 ``product: linux`` keyword rules, sshd 1, syslog 2, cron,
  vsftpd, clamav and guacamole 1 each (the syslog lines govsoc's Linux collector reads) and the
  53 auditd rules (audit.log records). The other 135 Linux rules need process creation, file or
  network events.
- active 2,393 in rules/windows: all 2,407 but the 14 whose log source no Windows collector
  produces (file_access 7 and file_rename 1, which Sysmon does not log; iis-configuration 4,
  ldap 1, smbserver-connectivity 1, channels outside pySigma's Windows table); with the 9
  emerging-threats and the 1 threat-hunting Windows rules, 2,425 active.
- active 13 in rules/web: the 13 ``category: webserver`` rules (grep: 13 files), read over the nginx
  and Apache access logs.
- active 16 in rules/application: the 16 Kubernetes audit rules (kubernetes.audit events).
- active 57 in rules/cloud: the 57 ``product: aws, service: cloudtrail`` rules (grep: 57 files in
  rules/cloud/aws/cloudtrail), read over CloudTrail records.
- active 21 in rules/network: the 21 ``product: zeek`` rules (grep: 21 files in rules/network/zeek;
  dns, http, smb_files, dce_rpc, x509, rdp, kerberos), read over Zeek's logs; with the 53 auditd
  rules, 2,585 active in total.
- runs (active and converted for both stores) 2,585: every active rule; 2,393 in rules/windows.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.rules import load_rules
from govsoc.rules.health import HealthTable, check_rules

FOLDERS = ("rules", "rules-compliance", "rules-emerging-threats", "rules-threat-hunting")

#: group -> column -> the least it may be.
FLOORS: dict[str, dict[str, int]] = {
    "total": {"loaded": 2840, "sqlite": 2840, "elasticsearch": 2840, "active": 2585, "runs": 2585},
    "rules/linux": {"loaded": 210, "sqlite": 210, "elasticsearch": 210, "active": 75, "runs": 75},
    "rules/windows": {"loaded": 2407, "sqlite": 2407, "elasticsearch": 2407, "active": 2393, "runs": 2393},
    "rules-emerging-threats": {"loaded": 9, "sqlite": 9, "elasticsearch": 9, "active": 9},
    "rules-threat-hunting": {"loaded": 1, "sqlite": 1, "elasticsearch": 1, "active": 1},
    "rules/cloud": {"loaded": 83, "sqlite": 83, "elasticsearch": 83, "active": 57, "runs": 57},
    "rules/web": {"loaded": 45, "sqlite": 45, "elasticsearch": 45, "active": 13, "runs": 13},
    "rules/network": {"loaded": 53, "sqlite": 53, "elasticsearch": 53, "active": 21, "runs": 21},
    "rules/application": {"loaded": 29, "sqlite": 29, "elasticsearch": 29, "active": 16, "runs": 16},
}


def group(root: Path, path: Path | None) -> str:
    assert path is not None
    parts = path.relative_to(root).parts
    return "/".join(parts[:2]) if parts[0] == "rules" else parts[0]


@pytest.mark.slow
def test_sigmahq_compatibility_counts_do_not_fall(corpus: Path) -> None:
    root = corpus / "sigma"
    files = [f for folder in FOLDERS for f in (root / folder).rglob("*.yml")]
    assert len(files) == 2840
    ruleset = load_rules([root / f for f in FOLDERS])
    checks = check_rules(ruleset)
    table = HealthTable.of(checks, ruleset.errors, lambda p: group(root, p))
    counts = {name: dict(row) for name, row in table.rows.items()} | {"total": dict(table.total())}
    below = {(name, column): (counts.get(name, {}).get(column, 0), floor)
             for name, floors in FLOORS.items() for column, floor in floors.items()
             if counts.get(name, {}).get(column, 0) < floor}
    assert below == {}, table.render()
    assert table.total()["load failed"] == 0
    # Every rule that is not active says which log source it needs, and the counts add up.
    assert sum(table.no_source.values()) == len(checks) - table.total()["active"]
    assert table.no_source["product: linux, category: process_creation"] == 122
    assert "product: zeek, service: rdp" not in table.no_source  # Zeek's logs are collected
    assert table.no_source["product: cisco, service: aaa"] == 13  # grep: 13 files
    assert table.no_source["product: windows, category: file_access"] == 7
    text = table.render()
    assert text.splitlines()[0].split() == ["group", "loaded", "load", "failed", "sqlite", "elasticsearch",
                                            "active", "runs"]
    # Elasticsearch carries every rule SQLite does (what Lucene cannot say, as a checked superset).
    assert table.total()["elasticsearch"] == table.total()["sqlite"]
    assert text.rstrip().endswith("not converted for elasticsearch (reason -> rules):"), text
