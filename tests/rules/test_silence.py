"""Log sources that went silent (govsoc.rules.silence): real lines of two Linux hosts and two
Huawei devices through the real parsers, on SQLite and Elasticsearch; the host and the device
whose lines stop early are silent, the others are not; a host that stopped nine days before is
still silent (it was once dropped, being older than the seven-day baseline)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from govsoc.collectors import ingest_file
from govsoc.reports.log_audit import log_audit_section
from govsoc.reports.period import Period
from govsoc.reports.wording import words
from govsoc.rules.compliance import DJBH_CONTROLS
from govsoc.rules.silence import SILENCE_CONTROLS, silent_sources
from govsoc.store.base import Store

T0 = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
NOW = T0 + timedelta(days=1)
SSH = "{ts} {host} sshd[4121]: Accepted publickey for ops from 10.99.0.5 port 40022 ssh2"
HUAWEI = ("{ts} {host} %%01SHELL/5/CMDRECORD(s)[3]:Recorded command information. (Task=vt0, Ip=10.99.0.5, "
          "VpnName=, User=admin, AuthenticationMethod=\"Local-user\", Command=\"display version\")")
#: host -> hours after T0 at which it logs (web-02 and fw-02 stop after 10:00; web-03 logged
#: three lines nine days before T0, then nothing)
HOURS = {"web-01": range(0, 24), "web-02": range(0, 11), "fw-01": range(0, 24), "fw-02": range(0, 11),
         "web-03": range(-216, -213)}


@pytest.mark.es
@pytest.mark.parametrize("kind", ["sqlite", "elasticsearch"])
def test_sources_that_stopped_are_silent(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    store: Store = request.getfixturevalue("sqlite_store" if kind == "sqlite" else "elastic9_store")
    auth, devices = tmp_path / "auth.log", tmp_path / "devices.log"
    auth.write_text("".join(SSH.format(ts=(T0 + timedelta(hours=h)).strftime("%b %d %H:%M:%S"), host=host) + "\n"
                            for host in ("web-01", "web-02", "web-03") for h in HOURS[host]), encoding="utf-8")
    devices.write_text("".join(HUAWEI.format(ts=(T0 + timedelta(hours=h + 8)).strftime("%b %d %Y %H:%M:%S+08:00"),
                                             host=host) + "\n" for host in ("fw-01", "fw-02") for h in HOURS[host]),
                       encoding="utf-8")
    ingest_file(auth, parser_id="linux.auth", store=store, data_dir=tmp_path / "state", timezone="UTC")
    ingest_file(devices, parser_id="syslog.mixed", store=store, data_dir=tmp_path / "state", timezone="UTC")
    store.refresh()
    # quiet for 6 hours: the two that stopped at 10:00 (silent for 13 hours) and web-03 (silent for
    # nine days, longer than a week: still silent), nothing else
    silent = silent_sources(store, now=NOW, quiet=timedelta(hours=6))
    # a server is named by host.name, a network device by observer.name (its parser's); each of the two
    # sent one line an hour from 00:00 to 10:00
    assert [(s.field, s.value, s.last_event, s.events) for s in silent] == [
        ("host.name", "web-03", T0 + timedelta(hours=max(HOURS["web-03"])), len(HOURS["web-03"])),
        ("host.name", "web-02", T0 + timedelta(hours=max(HOURS["web-02"])), len(HOURS["web-02"])),
        ("observer.name", "fw-02", T0 + timedelta(hours=max(HOURS["fw-02"])), len(HOURS["fw-02"]))]
    # a baseline of two days asked for explicitly looks at nothing older: web-03 is out of it
    assert [s.value for s in silent_sources(store, now=NOW, quiet=timedelta(hours=6),
                                            baseline=timedelta(days=2))] == ["web-02", "fw-02"]
    # quiet for 14 hours: only web-03 was silent that long
    assert [s.value for s in silent_sources(store, now=NOW, quiet=timedelta(hours=14))] == ["web-03"]
    with pytest.raises(ValueError):
        silent_sources(store, now=NOW, quiet=timedelta(days=3), baseline=timedelta(days=2))
    # the compliance report's log-audit gaps name them too (silent for more than a day: web-03 only;
    # their datasets still flow, so no dataset is silent)
    _, numbers = log_audit_section(store, Period(start=NOW - timedelta(days=1), end=NOW, timezone="UTC"),
                                   words("en"), None)
    assert (numbers["silent"], numbers["silent_devices"]) == ([], ["host.name=web-03"])


def test_silence_names_real_controls() -> None:
    assert all(tag.partition(".")[2] in DJBH_CONTROLS for tag in SILENCE_CONTROLS)
