"""Report rendering benchmark (issue 18): seconds per report in each format beside a baseline
measured in the same run.

    python -m bench.reports              # a situation-sized document, 3 rounds
    python -m bench.reports --rows 200   # longer tables

The document is what a monthly situation report holds: ten sections, each with headline figures,
a top-N table, a 30-day line chart, a bar chart and a few findings, in Chinese with ordinary log
text (no hostile strings). Baseline: the same document through a bare Jinja2 template with
autoescape, tables and figures but no charts and no fonts (what the renderer was before issue 18).
"Cold" is the first render in a fresh cache (fonts read and cut); "warm" the best of the rounds
after it (same characters: the font subsets come from the cache, as in a scheduler that renders
several formats of one report).
"""

from __future__ import annotations

import argparse
import time

from jinja2 import Environment, select_autoescape

from govsoc.reports import document as doc
from govsoc.reports import renderers
from govsoc.reports.document import Document
from govsoc.reports.font_embedding import _cmap, _subset

BASELINE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{{ d.title }}</title></head><body>
<h1>{{ d.title }}</h1>{% for s in d.sections %}<section><h2>{{ s.title }}</h2>{% for b in s.blocks %}
{% if b.items is defined and b.items and b.items[0].value is defined %}{% for f in b.items %}
<div>{{ f.label }} {{ f.value }}</div>{% endfor %}{% elif b.rows is defined %}<table>{% for r in b.rows %}<tr>
{% for v in r %}<td>{{ v }}</td>{% endfor %}</tr>{% endfor %}</table>{% elif b.items is defined %}
{% for f in b.items %}<p>{{ f.title }} {{ f.text }}</p>{% endfor %}{% endif %}{% endfor %}</section>{% endfor %}
</body></html>"""


def situation(rows: int) -> Document:
    """A monthly situation-sized report in Chinese."""
    days = tuple(f"11-{d:02d}" for d in range(1, 31))
    sections = []
    for k in range(10):
        sections.append(doc.Section(id=f"s{k}", title=f"第{k + 1}部分 告警与事件态势", blocks=(
            doc.Figures(items=(doc.Figure(label="告警总数", value=12_345 + k), doc.Figure(label="受影响系统", value=17),
                           doc.Figure(label="明文流量占比", value=3.25, unit="%"))),
            doc.Chart(kind="line", title="每日告警", categories=days, series=(
                doc.Series(name="高危", values=tuple(float((d * 7 + k) % 40) for d in range(30))),
                doc.Series(name="中危", values=tuple(float((d * 5 + k) % 60) for d in range(30))))),
            doc.Chart(kind="bar", title="攻击来源单位", categories=tuple(f"市{u}局" for u in "公安民政财政人社卫健"),
                  series=(doc.Series(name="告警数", values=(120.0, 80.0, 45.0, 30.0, 12.0)),)),
            doc.Table(columns=("源地址", "单位", "规则", "告警数"), total=rows * 5, rows=tuple(
                (f"203.0.113.{i % 250}", f"市政务服务中心{i}", "SSH 暴力破解（egov.ssh_bruteforce）", 1000 - i)
                for i in range(rows))),
            doc.Findings(items=tuple(doc.Finding(level="high", title=f"政务云主机遭受 SSH 暴力破解 {i}",
                                         text="来自境外地址的大量失败登录后出现一次成功登录。",
                                         evidence=(f"sshd[{4000 + i}]: Accepted password for root from 198.51.100.7",),
                                         advice="封禁来源地址，重置口令并启用双因素认证。",
                                         reference="GB/T 22239-2019 8.1.4.2") for i in range(3))),
        )))
    return Document(kind="situation", title="电子政务外网安全态势感知报告（月报）", lang="zh",
                    generated="2026-12-01T08:00:00+08:00", timezone="Asia/Shanghai", masked=True,
                    period_start="2026-11-01T00:00:00+08:00", period_end="2026-12-01T00:00:00+08:00",
                    sections=tuple(sections))


def timed(render: object, document: Document) -> tuple[float, int]:
    start = time.perf_counter()
    out = render(document)  # type: ignore[operator]
    return time.perf_counter() - start, len(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50, help="rows per table (default 50)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    document = situation(args.rows)
    template = Environment(autoescape=select_autoescape(default=True)).from_string(BASELINE)
    base_runs = [timed(lambda d: template.render(d=d).encode(), document) for _ in range(args.repeat)]
    base = min(t for t, _ in base_runs)
    print(f"document: 10 sections, {args.rows} rows per table, 20 charts; baseline (bare Jinja2, no charts/fonts) "
          f"{base * 1000:.1f} ms, {base_runs[0][1]:,} bytes")
    print(f"{'format':8} {'cold s':>8} {'warm s':>8} {'warm/baseline':>14} {'bytes':>12}")
    for fmt in ("html", "pdf", "md", "json"):
        _cmap.cache_clear()
        _subset.cache_clear()
        render = renderers.get(fmt)().render
        cold, size = timed(render, document)
        warm = min(timed(render, document)[0] for _ in range(args.repeat))
        print(f"{fmt:8} {cold:8.3f} {warm:8.3f} {warm / base:13.1f}x {size:12,}")


if __name__ == "__main__":
    main()
