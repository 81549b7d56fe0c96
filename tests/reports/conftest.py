"""A report Document with every block type, in Chinese and English, full of hostile text.

The hostile strings are what logs really carry into a report: markup and script (an attacker's
User-Agent or URL), a template expression, terminal escapes, bidi overrides that reorder a file
name, RTL scripts, emoji and ZWJ sequences, characters outside GB 2312 and the Basic Plane, and
strings with no break opportunity that would push a table off the page.
"""

from __future__ import annotations

import pytest

from govsoc.reports.document import (
    Chart,
    Document,
    Figure,
    Figures,
    Finding,
    Findings,
    Paragraph,
    Section,
    Series,
    Table,
)

SCRIPT = "<script>document.title='PWNED';window.pwned=1</script>"
IMG = "<img src=x onerror=\"document.title='PWNED'\">"
BREAKOUT = "\"></td></tr></table></style><svg onload=\"document.title='PWNED'\">"
TEMPLATE = "{{ 7*7 }}{% raw %}"
ANSI = "\x1b[31mRED\x1b[0m\x07"
BIDI = "invoice\u202egpj.exe"  # shows as "invoiceexe.jpg" if the override is obeyed
RTL = "مرحبا بالعالم שלום עולם"
EMOJI = "🔥😀👩\u200d💻"
RARE = "𠀀𪚥龘堃喆"  # Ext B, Ext B, and three outside GB 2312 in the BMP
LONG = "A" * 600 + "/very/long/path?" + "q=" + "x" * 400
LONG_ZH = "超长的中文日志内容没有任何空格" * 30
HOSTILE = (SCRIPT, IMG, BREAKOUT, TEMPLATE, ANSI, BIDI, RTL, EMOJI, RARE, LONG, LONG_ZH)

WORDS = {
    "zh": {"title": "电子政务外网安全态势感知报告", "overview": "总体态势", "alerts": "告警总数", "events": "事件总数",
           "systems": "受影响系统", "rate": "明文流量占比", "none": "未评估", "trend": "告警趋势",
           "high": "高危", "medium": "中危", "level": "按级别统计", "zones": "各安全域流量", "top": "攻击来源前十",
           "ip": "源地址", "agency": "单位", "count": "告警数", "findings": "重要事件", "mipin": "密码应用安全性评估",
           "system": "政务云统一身份认证系统", "verdict": "评估结论", "empty": "空图表", "stacked": "各系统告警构成",
           "advice": "立即封禁该地址并核查账号。", "text": "本期共检测到多起暴力破解与 Web 攻击。",
           "zone_a": "政务外网", "zone_b": "政务云", "zone_c": "互联网区"},
    "en": {"title": "E-government network security situation report", "overview": "Overview",
           "alerts": "Alerts", "events": "Events", "systems": "Systems affected", "rate": "Cleartext share",
           "none": "Not assessed", "trend": "Alert trend", "high": "High", "medium": "Medium",
           "level": "Alerts by level", "zones": "Traffic by zone", "top": "Top attacking sources",
           "ip": "Source", "agency": "Agency", "count": "Alerts", "findings": "Notable incidents",
           "mipin": "Commercial cryptography assessment", "system": "Unified identity system",
           "verdict": "Verdict", "empty": "Empty chart", "stacked": "Alerts per system",
           "advice": "Block the address and review the account now.",
           "text": "Brute force and web attacks were seen this period.", "zone_a": "Extranet",
           "zone_b": "Government cloud", "zone_c": "Internet zone"},
}


def every_block_document(lang: str) -> Document:
    """Every block type (nested sections too), real-looking figures, and every hostile string."""
    w = WORDS[lang]
    hours = tuple(f"{h:02d}:00" for h in range(24))
    rows = tuple((f"203.0.113.{i}", f"{w['agency']}{i} {HOSTILE[i % len(HOSTILE)]}", 1000 - i * 37)
                 for i in range(12))
    return Document(
        kind="situation", title=f"{w['title']} {SCRIPT}", lang=lang, generated="2026-11-30T09:00:00+08:00",
        timezone="Asia/Shanghai", masked=True, period_start="2026-11-29T00:00:00+08:00",
        period_end="2026-11-30T00:00:00+08:00", meta={"store": "sqlite", "generator": f"govsoc {IMG}"},
        data={"alerts": 1234},
        sections=(
            Section(id="overview", title=w["overview"], blocks=(
                Figures(items=(Figure(label=w["alerts"], value=1234), Figure(label=w["events"], value=2_345_678),
                               Figure(label=w["systems"], value=17, note=BIDI),
                               Figure(label=w["rate"], value=12.5, unit="%"),
                               Figure(label=w["none"], value=None, note=SCRIPT))),
                Paragraph(text=f"{w['text']}\n{ANSI} {RTL} {EMOJI} {RARE}"),
            )),
            Section(id="alerts.trend", title=w["trend"], blocks=(
                Chart(kind="line", title=w["trend"], categories=hours, series=(
                    Series(name=w["high"], values=tuple(float((h * 7) % 23) for h in range(24))),
                    Series(name=w["medium"], values=tuple(float((h * 5) % 31 + 3) for h in range(24))))),
                Chart(kind="bar", title=w["level"], categories=(w["high"], w["medium"], SCRIPT),
                      series=(Series(name=w["count"], values=(40.0, 125.0, 3.0)),)),
                Chart(kind="pie", title=w["zones"], unit="GB", categories=(w["zone_a"], w["zone_b"], w["zone_c"]),
                      series=(Series(name="GB", values=(61.5, 30.25, 8.0)),)),
                Chart(kind="stacked", title=w["stacked"], categories=(w["system"], f"{w['system']} {EMOJI}", BIDI),
                      series=(Series(name=w["high"], values=(5.0, 2.0, 0.0)),
                              Series(name=w["medium"], values=(9.0, 4.0, 1.0)))),
                Chart(kind="stacked", title=w["trend"], categories=hours, series=(  # 24 columns on a time axis
                    Series(name=w["high"], values=tuple(float(h % 5) for h in range(24))),
                    Series(name=w["medium"], values=tuple(float((h * 3) % 7) for h in range(24))))),
                Chart(kind="bar", title=w["empty"], categories=(), series=()),
            )),
            Section(id="sources", title=w["top"], blocks=(
                Table(columns=(w["ip"], w["agency"], w["count"]), rows=rows, total=250,
                      caption=f"{w['top']} {IMG}"),
                Table(columns=(w["ip"], w["count"]), rows=()),
            )),
            Section(id="incidents", title=w["findings"], blocks=(
                Findings(items=(
                    Finding(level="critical", title=f"SSH {w['high']} {SCRIPT}", text=LONG_ZH,
                            evidence=(f"sshd[123]: Failed password for root from 203.0.113.9 {ANSI}", LONG, BIDI),
                            advice=w["advice"], reference="egov.ssh_bruteforce"),
                    Finding(level="medium", title=f"{RTL} {EMOJI}", text=TEMPLATE, evidence=(RARE,),
                            reference="GB/T 22239-2019 8.1.4.3"),
                    Finding(level="info", title=BREAKOUT))),
                Findings(items=()),
            )),
            Section(id="mipin", title=w["mipin"], blocks=(
                Section(id="mipin.idp", title=w["system"], blocks=(
                    Figures(items=(Figure(label=w["verdict"], value=w["none"]),)),
                    Section(id="mipin.idp.network", title=f"{w['system']} {LONG}", blocks=(
                        Paragraph(text=f"{TEMPLATE} {BREAKOUT}"),)),
                )),
            )),
        ),
    )


@pytest.fixture(params=["zh", "en"])
def document(request: pytest.FixtureRequest) -> Document:
    """The every-block document in each language."""
    return every_block_document(request.param)
