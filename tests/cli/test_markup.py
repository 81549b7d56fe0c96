"""Log text is data wherever govsoc shows it: never terminal markup, never unescaped HTML, never a
control sequence for the terminal, never 50,000 lines for one value (issue 12 "Triage", issue 11
"Hostile records")."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from govsoc.cli.output import CELL_LIMIT, printable, shown
from govsoc.cli.terminal import terminal_json

SSHD = "Dec 10 07:{m:02d}:{s:02d} LabSZ sshd[24200]: {text}\n"

Run = Callable[..., tuple[int, str, str]]  # the `govsoc` fixture of tests/cli/conftest.py


def write_log(path: Path, texts: list[str]) -> Path:
    path.write_text("".join(SSHD.format(m=n // 60, s=n % 60, text=t) for n, t in enumerate(texts)),
                    encoding="utf-8")
    return path


def test_preauth_stays_on_screen_in_every_openssh_line(govsoc: Run, corpus: Path) -> None:
    # before: rich read "[preauth]" as a markup tag and dropped it from 618 of the 2,000 lines
    log = corpus / "loghub/OpenSSH/OpenSSH_2k.log"
    expected = log.read_text(encoding="utf-8").count("[preauth]")
    assert expected == 618
    assert govsoc("ingest", str(log))[0] == 0
    code, out, _ = govsoc("events", "--text", "[preauth]", "-n", "2000")
    assert code == 0
    assert out.count("[preauth]") == expected


def test_a_user_named_like_a_closing_tag_does_not_break_events_or_alerts(
        govsoc: Run, tmp_path: Path) -> None:
    # before: `govsoc events` failed with rich's MarkupError on a login attempt as "[/bold]"
    log = write_log(tmp_path / "auth.log", [
        "Failed password for invalid user [/bold] from 203.0.113.9 port 4242 ssh2",
        "Failed password for invalid user [red]root[/red] from 203.0.113.9 port 4243 ssh2",
        *(f"Failed password for invalid user u{n} from 203.0.113.9 port 425{n} ssh2" for n in range(3)),
    ])
    assert govsoc("ingest", str(log))[0] == 0
    code, out, err = govsoc("events")
    assert (code, err) == (0, "")
    assert "[/bold]" in out and "[red]root[/red]" in out
    assert govsoc("detect")[0] == 0
    code, out, err = govsoc("alerts")
    assert (code, err) == (0, "")
    alert_id = re.search(r"\b([0-9a-f]{32})\b", out)
    assert alert_id is not None
    # the brute-force alert (five failures; single failures raise none of their own) shows the raw lines
    code, out, _ = govsoc("alerts", "show", alert_id[1])
    assert code == 0 and "invalid user [/bold] from" in out and "[red]root[/red]" in out and "203.0.113.9 port" in out


def test_control_characters_are_shown_not_sent_to_the_terminal(govsoc: Run,
                                                                tmp_path: Path) -> None:
    # an escape sequence in a log line would clear the analyst's screen or recolour it
    log = write_log(tmp_path / "auth.log", ["Invalid user evil\x1b[2J\x1b[31m from 203.0.113.7"])
    assert govsoc("ingest", str(log))[0] == 0
    code, out, _ = govsoc("events")
    assert code == 0
    assert "\x1b" not in out
    assert "\\x1b[2J" in out


def test_a_5_mb_line_is_one_cut_cell_with_a_note(govsoc: Run, tmp_path: Path) -> None:
    # before: a 5 MB line was printed whole: 50,000 terminal lines
    log = write_log(tmp_path / "auth.log", ["Invalid user " + "A" * 5_000_000 + " from 203.0.113.7"])
    assert govsoc("ingest", str(log))[0] == 0
    code, out, _ = govsoc("events")
    assert code == 0
    assert out.count("A") < 2 * CELL_LIMIT
    assert len(out.splitlines()) < 40
    assert "more characters; --format json shows all" in out


@pytest.mark.parametrize(("value", "expected"), [
    ("[bold]x[/bold]", "[bold]x[/bold]"),     # markup is text
    ("a\x00b", "a\\x00b"),                   # NUL shown
    ("bell\x07", "bell\\x07"),               # BEL would ring
    ("c1\x9bm", "c1\\x9bm"),                 # C1 CSI is an escape too
    ("tab\tand\nnewline", "tab\tand\nnewline"),  # layout characters stay
    ("登录失败", "登录失败"),                    # CJK untouched
    # R49a-5: invisible format characters made "ro<U+200B>ot" look like "root" on the screen
    ("ro\u200bot", "ro\\u200bot"),             # zero-width space
    ("adm\u2060in", "adm\\u2060in"),           # word joiner
    ("ev\u00adil", "ev\\xadil"),                # soft hyphen
    ("x\u2028Dec 10 fake", "x\\u2028Dec 10 fake"),  # a line separator some terminals break on
    ("\ufeffroot", "\\ufeffroot"),              # BOM / zero-width no-break space
    ("tag\U000e0041", "tag\\U000e0041"),        # a tag character (hidden ASCII)
    # R49b-6: the other invisible code points (Default_Ignorable, blank letters)
    ("ro\u034fot", "ro\\u034fot"),             # combining grapheme joiner
    ("ro\u3164ot", "ro\\u3164ot"),             # Hangul filler
    ("ro\u2800ot", "ro\\u2800ot"),             # braille blank
    ("ro\ufe0fot", "ro\\ufe0fot"),             # a variation selector
])
def test_printable(value: str, expected: str) -> None:
    assert printable(value) == expected
    assert shown(value).plain == expected


def test_every_format_character_is_shown_escaped() -> None:
    # the written-out class of cli.terminal against the running Python's Unicode database: every
    # format character (Cf) and line or paragraph separator (Zl, Zp) is escaped, in text and in
    # JSON, and JSON reads back the same text (characters beyond U+FFFF as surrogate pairs); the
    # class is Unicode 15.1's, a superset of 3.11's 14.0 (R49b-3)
    hidden = "".join(chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) in ("Cf", "Zl", "Zp"))
    assert len(hidden) > 150
    assert all(ch not in printable(hidden) for ch in hidden)
    text = json.dumps({"v": hidden}, ensure_ascii=False)
    assert all(ch not in terminal_json(text) for ch in hidden)
    assert json.loads(terminal_json(text)) == {"v": hidden}


def test_html_report_escapes_log_text(govsoc: Run, tmp_path: Path) -> None:
    # a log emptied through sudo by a user named like a script: a single-event alert with the name
    log = tmp_path / "auth.log"
    log.write_text("Dec 10 07:00:00 LabSZ sudo: <script>alert(1)</script> : TTY=pts/0 ; PWD=/root ; USER=root ; "
                   "COMMAND=/usr/bin/truncate -s 0 /var/log/secure\n", encoding="utf-8")
    assert govsoc("ingest", str(log))[0] == 0
    assert govsoc("detect")[0] == 0
    report = tmp_path / "r.html"
    code, _, _ = govsoc("report", "-o", str(report), "--unmasked", "--lang", "en", "--unsigned")
    html = report.read_text(encoding="utf-8")
    assert code == 0
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


#: A C1 control (U+009B is CSI: an 8-bit terminal obeys "\x9b2J" as "clear the screen") and a
#: bidirectional override (U+202E reverses what follows on screen, CVE-2021-42574): json.dumps
#: with ensure_ascii=False leaves both raw, so every --format json output must escape them.
HOSTILE = "evil\x9b2J\u202eved"
RAW = ("\x9b", "\u202e")


def _json_shown_escaped(out: str) -> object:
    """The JSON document of ``out``, after checking no hostile character reached the terminal raw."""
    assert not any(c in out for c in RAW), out
    assert "\\u009b" in out and "\\u202e" in out
    return json.loads(out)


def test_every_json_output_escapes_c1_and_bidi_controls(govsoc: Run, tmp_path: Path) -> None:
    # before: only `govsoc crypto-eval --format json` escaped them; events, alerts, alerts show,
    # rules check and status printed U+009B and U+202E raw
    log = write_log(tmp_path / f"auth{HOSTILE}.log",
                    [f"Failed password for invalid user {HOSTILE} from 203.0.113.9 port 424{n} ssh2" for n in range(5)])
    assert govsoc("ingest", str(log))[0] == 0
    assert govsoc("detect")[0] == 0
    code, out, _ = govsoc("events", "--format", "json")
    assert code == 0 and HOSTILE in json.dumps(_json_shown_escaped(out), ensure_ascii=False)
    code, out, _ = govsoc("alerts", "--format", "json")
    alerts = _json_shown_escaped(out)
    assert code == 0 and isinstance(alerts, list) and alerts
    code, out, _ = govsoc("alerts", "show", alerts[0]["alert.id"], "--format", "json")
    assert code == 0 and HOSTILE in json.dumps(_json_shown_escaped(out), ensure_ascii=False)
    code, out, _ = govsoc("status", "--format", "json")
    status = _json_shown_escaped(out)
    assert code == 0 and HOSTILE in json.dumps(status, ensure_ascii=False)
    rule = tmp_path / "rule.yml"
    # a double-quoted YAML string: the YAML reader refuses C1 controls written raw
    rule.write_text('title: "Tevil\\u009b2J\\u202eved"\nid: 5f1d4b3e-1111-4c2a-9d7e-0123456789ab\n'
                    "logsource: {product: linux}\n"
                    "detection: {sel: {user.name: x}, condition: sel}\nlevel: low\n", encoding="utf-8")
    code, out, _ = govsoc("rules", "check", str(rule), "--format", "json")
    assert f"T{HOSTILE}" in [row["title"] for row in _json_shown_escaped(out)["rules"]]  # type: ignore[index]


def test_every_table_shows_c1_and_bidi_controls_escaped(govsoc: Run, tmp_path: Path) -> None:
    # the plain-text side of the JSON test above: tables and lines show the characters as \x9b, \u202e
    log = write_log(tmp_path / f"auth{HOSTILE}.log",
                    [f"Failed password for invalid user {HOSTILE} from 203.0.113.9 port 424{n} ssh2" for n in range(5)])
    assert govsoc("ingest", str(log))[0] == 0
    code, out, err = govsoc("detect")
    assert code == 0 and not any(c in out + err for c in RAW)
    code, out, _ = govsoc("alerts", "--format", "json")
    alert_id = json.loads(out)[0]["alert.id"]
    code, out, err = govsoc("alerts")  # the brute-force alert is grouped by source, no user shown
    assert code == 0 and not any(c in out + err for c in RAW)
    for args in (("events",), ("alerts", "show", alert_id), ("status",)):
        code, out, err = govsoc(*args)
        assert code == 0 and not any(c in out + err for c in RAW), args
        assert "\\x9b" in out and "\\u202e" in out, args
