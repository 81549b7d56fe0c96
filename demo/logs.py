"""The day of the 政务云's servers, in the files their collectors read: Linux auth.log (RFC 3164,
sshd/PAM/cron), nginx access logs (combined) and Apache access logs (vhost_combined).

Citizens' identity-card and mobile numbers are planted in query strings of the portal's
certificate look-up API (a 等保/个人信息 finding: personal data in URLs), counted in the truth.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote

from govsoc.demo.day import Day, clf_time, syslog_time
from govsoc.demo.people import mobile, resident_id
from govsoc.demo.truth import Attack, PlantedData

__all__ = ["AUTH", "NGINX", "APACHE", "server_day", "web_day"]

AUTH, NGINX, APACHE = "servers/auth.log", "web/nginx_access.log", "web/apache_access.log"
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
PAGES = ("/", "/index.html", "/static/app.js", "/static/style.css", "/api/v1/notice/list", "/api/v1/service/catalog",
         "/bszn/detail?id=1021", "/login", "/api/v1/user/info", "/favicon.ico")


def _auth(day: Day, when: datetime, host: str, text: str) -> None:
    day.add(AUTH, when, f"{syslog_time(when)} {host} {text}")


def server_day(day: Day) -> None:
    """Operators' logins from the bastion, cron sessions, one typo now and then; an SSH brute force."""
    city, rng = day.city, day.rng
    for system in city.systems:
        host = system.app_host
        for _ in range(max(4, city.scale.busy // 4)):
            when = day.any_time(8, 19)
            pid = rng.randrange(1000, 60000)
            port = rng.randrange(30000, 60000)
            if rng.random() < 0.03:  # a mistyped password, then the right one
                _auth(day, when - timedelta(seconds=9), host,
                      f"sshd[{pid}]: Failed password for ops from {city.bastion} port {port} ssh2")
            _auth(day, when, host, f"sshd[{pid}]: Accepted password for ops from {city.bastion} port {port} ssh2")
            _auth(day, when, host, f"sshd[{pid}]: pam_unix(sshd:session): session opened for user ops(uid=1001) "
                                   "by (uid=0)")
        for hour in range(0, 24, 2):
            when = day.at(hour, 17)
            _auth(day, when, host, f"CRON[{rng.randrange(1000, 60000)}]: pam_unix(cron:session): session opened for "
                                   "user root(uid=0) by (uid=0)")
    ip, start, host = day.public_ip(), day.at(3, 2, 11), city.systems[1 % len(city.systems)].app_host
    users = ("root", "admin", "oracle", "test", "postgres", "ubuntu")
    for i in range(36):
        _auth(day, start + timedelta(seconds=6 * i), host,
              f"sshd[{7000 + i}]: Failed password for {'invalid user ' if i % 6 > 1 else ''}{users[i % 6]} "
              f"from {ip} port {40000 + i} ssh2")
    day.plant(Attack(id="ssh-bruteforce", kind="brute force", title="政务云主机SSH口令暴力破解", source=AUTH,
                     channel="file", start=start, records=36, ips=frozenset({ip}), rules=("ssh_bruteforce.yml",)))


def _access(when: datetime, client: str, request: str, status: int, size: int, agent: str,
            vhost: str | None = None) -> str:
    head = f"{vhost}:443 " if vhost else ""
    return f'{head}{client} - - [{clf_time(when)}] "{request}" {status} {size} "-" "{agent}"'


def web_day(day: Day) -> None:
    """Agencies and citizens using the portal (nginx) and two older systems (Apache); web attacks;
    personal data in the certificate look-up's query strings."""
    city, rng = day.city, day.rng
    for agency in city.agencies:
        for _ in range(city.scale.busy):
            when = day.any_time(8, 18)
            page = rng.choice(PAGES)
            day.add(NGINX, when, _access(when, agency.host(rng.randrange(20, 200)), f"GET {page} HTTP/1.1", 200,
                                         rng.randrange(300, 40000), BROWSER))
    apache = [s for s in city.systems if s.level == 3][-2:]
    for system in apache:
        for _ in range(city.scale.busy * 10):
            when = day.any_time(8, 18)
            client = rng.choice(city.agencies).host(rng.randrange(20, 200))
            day.add(APACHE, when, _access(when, client, f"GET /{system.code}/index.jsp HTTP/1.1", 200,
                                          rng.randrange(300, 9000), BROWSER, vhost=system.domain))
    _personal_data_in_urls(day)
    _web_attacks(day)


def _personal_data_in_urls(day: Day) -> None:
    city, rng = day.city, day.rng
    count = max(5, len(city.agencies) // 3)
    clients = set()
    for i in range(count):
        when = day.any_time(9, 17)
        query = f"sfzh={resident_id(rng)}&sjhm={mobile(rng)}&page=1"
        client = city.agencies[i % len(city.agencies)].host(245)  # the clerks' desks that use the old API
        clients.add(client)
        day.add(NGINX, when, _access(when, client, f"GET /api/v1/dzzz/query?{query} HTTP/1.1", 200,
                                     rng.randrange(500, 3000), BROWSER))
    day.truth.planted += [PlantedData(source=NGINX, entity="cn_resident_id", count=count),
                          PlantedData(source=NGINX, entity="cn_mobile", count=count)]
    day.plant(Attack(id="pii-in-url", kind="personal data", title="电子证照查询接口在URL中明文传递身份证号和手机号",
                     source=NGINX, channel="file", start=day.at(9), records=count, ips=frozenset(clients),
                     rules=("egov_classification_personal_data_in_url_query.yml",)))


def _web_attacks(day: Day) -> None:
    cases = (
        ("web-sqli", "SQL注入", "sqlmap/1.7.2#stable (https://sqlmap.org)",
         ["/api/v1/notice/list?id=1" + quote("' UNION SELECT username,password FROM sys_user--"),
          "/api/v1/notice/list?id=1" + quote(" AND 1=1"), "/api/v1/notice/list?id=1" + quote("' OR '1'='1")],
         ("web_sql_injection.yml", "web_scanner_user_agent.yml")),
        ("web-path-traversal", "目录遍历读取系统文件", BROWSER,
         ["/static/../../../../etc/passwd", "/download?file=" + quote("../../../../etc/shadow")],
         ("web_path_traversal.yml",)),
        ("web-webshell", "访问WebShell", "Mozilla/5.0 (compatible; Baiduspider/2.0)",
         ["/upload/2026/img/help.jsp?cmd=whoami", "/upload/2026/img/help.jsp?cmd=cat%20/etc/passwd"],
         ("web_webshell_access.yml",)),
    )
    for n, (ident, title, agent, paths, rules) in enumerate(cases):
        ip, start = day.public_ip(), day.at(21, 10 + 7 * n, 0)
        for i, path in enumerate(paths * 3):
            when = start + timedelta(seconds=2 * i)
            day.add(NGINX, when, _access(when, ip, f"GET {path} HTTP/1.1", 200 if "jsp" in path else 404, 512, agent))
        day.plant(Attack(id=ident, kind="web attack", title=f"门户网站{title}", source=NGINX, channel="file",
                         start=start, records=len(paths) * 3, ips=frozenset({ip}), rules=rules))

