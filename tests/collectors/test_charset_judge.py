"""Issue 11, R11v-2: a short GBK text that is also valid UTF-8 (学校 -> ѧУ, 系统 -> ϵͳ) is read as
GBK when its source (a file; a syslog sender: address and HOSTNAME) has GBK evidence beyond doubt
(lines only GB18030 reads, at least 2 of a file, 3 of a sender, and more than twice its 3-byte
UTF-8 lines) and its UTF-8 reading is no text of any script (collectors.charset). Genuine UTF-8
(R11x's and R11y's corpora: Russian, Kazakh, Vietnamese, pinyin, «René», ½, µ ...) stays UTF-8
alone and in a GBK-leaning source; one file is decided alike in one run or many."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govsoc.collectors.charset import CharsetJudge, decode_message
from govsoc.collectors.pipeline import ingest_file
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore

#: R11x utf8_alone.py and R11y judge_corpus.py A: genuine UTF-8 of 2-byte letters and signs.
UTF8 = [
    # Russian of the letters а-п only (every GB18030 reading is GB2312 hanzi)
    "user=один", "login failed for user обед", "Пользователь иван вошёл", "user=иван", "host=база",
    "вид=код", "user=елена", "user=гена", "user=лена", "name=анна", "msg=мама папа",
    # Russian AD logins in CamelCase, abbreviations
    "pam_unix(sshd:auth): authentication failure; user=ИвановИИ", "sudo: ПетровАС : TTY=pts/1", "ИП Сидоров: оплата",
    "Отказано в доступе: РФ",
    # Ukrainian (ʼ inside a word), Kazakh, Mongolian, Azerbaijani letters
    "user=Марʼяна login ok", "user=ґанок", "user=Нұрлан login failed", "пайдаланушы Әлия кірді", "user=қайрат",
    "Серікқали Өтегенов кірді", "user=Өлзийбат login", "user=өнөр", "user=Məmmədov login", "user=həsən",
    # Greek
    "user=ελενη", "όνομα=γιάννης", "host=αθηνα", "user=Γιώργος login ok", "user=ΑΘΗΝΑ", "αβγ δεζ",
    # Vietnamese ư ơ (Latin Extended-B), pinyin tone letters
    "user=Trương login ok", "Failed password for dương from 10.0.0.9", "user=Lưu Hưng", "người=Phương", "user=Thư",
    "user=Lǚ Bù login", "name=Zhāng Sān", "user=Mǎ Lì", "owner=Wú Xiǎomíng",
    # Latin accents with no ASCII letter next to them, Turkish, Polish, German capitals
    "user=ü", "à bientôt", "dir=é", "é à", "Ålesund", "ÉTÉ", "Ça", "user=Ñ", "user=ÆØÅ", "user=ÄÖÜ", "kullanıcı=ışık",
    "user=ŞÜKRÜ", "użytkownik=żółw", "Łódź", "mot de passe refusé: «René»", "dir=/home/josé/été",
    # signs
    "« ok »", "¿qué?", "§ 5", "© 2024 ACME", "ratio=½", "user=µ", "latency 350µs", "temp=25°C", "±5%", "A·B",
    "size 1920×1080", "x² + y²",
    # Hebrew, Arabic, Uyghur
    "משתמש", "user=דוד", "مستخدم", "user=علي", "user=مۇھەممەت", "Failed password for ئەنۋەر",
    # NFD: combining marks after their letter
    "user=jose\u0301", "user=Tru\u031bo\u031bng",
    # Latin letters with no ASCII one, a Serbian digraph letter
    "user=ăđ", "user=øå", "user=ğü", "user=ǅ",
]
#: Lines only GB18030 reads (not UTF-8): a GBK device's ordinary messages, its evidence.
GBK_ONLY = ["%%01SHELL/5/CMDRECORD(s): 用户登录失败 原因=密码错误", "H3C 接口状态变为DOWN",
            "深信服 策略命中 源地址=10.0.0.1 动作=拒绝"]
#: R11v-2's short GBK texts that are also valid UTF-8, whose UTF-8 reading is no text.
SHORT_GBK = [
    ("policy=学校 src=10.1.1.1 action=deny", "ѧУ: an archaic Cyrillic letter, then a capital"),
    ("zone=医院 user=admin login failed", "ҽԺ: an Abkhaz letter, then an Armenian one"),
    ("系统 reboot", "ϵͳ: Greek symbols, no letters"),
    ("统一 auth failed for 姚 from 10.2.2.2", "ͳһ, Ҧ: no modern letters"),
    ("GE0/0/1为DOWN", "ΪDOWN: Greek and Latin in one word"),
    ("admin小8", "adminС: Latin and Cyrillic in one word"),
    ("policy=抓专", "ץר: a Hebrew final letter inside a word"),
]


def _gbk_leaning(least: int = 2) -> CharsetJudge:
    judge = CharsetJudge(least=least)
    for text in GBK_ONLY:
        assert judge.decide(text.encode("gbk")) == (text, "gb18030", False)
    return judge


@pytest.mark.parametrize("text", UTF8)
def test_genuine_utf8_stays_utf8_alone_and_in_a_gbk_leaning_source(text: str) -> None:
    assert decode_message(text.encode()) == (text, "utf-8", False)
    assert CharsetJudge().decide(text.encode()) == (text, "utf-8", False)
    assert _gbk_leaning().decide(text.encode()) == (text, "utf-8", False)


@pytest.mark.parametrize(("text", "why"), SHORT_GBK)
def test_short_gbk_in_a_gbk_leaning_source_is_gbk(text: str, why: str) -> None:
    assert _gbk_leaning().decide(text.encode("gbk")) == (text, "gb18030", False), why


@pytest.mark.parametrize(("text", "why"), SHORT_GBK)
def test_short_gbk_without_evidence_beyond_doubt_stays_utf8(text: str, why: str) -> None:
    """Rule 1: alone, or after fewer GBK lines than ``least``, or where 3-byte UTF-8 lines are at
    least half as many, the UTF-8 reading stands (one spoofed datagram decides nothing)."""
    data = text.encode("gbk")
    assert decode_message(data).charset == "utf-8"
    judge = CharsetJudge(least=3)
    for known in GBK_ONLY[:2]:
        judge.decide(known.encode("gbk"))
    assert judge.decide(data).charset == "utf-8", why
    for _ in range(2):
        judge.decide("用户 admin 登录成功".encode())  # 3 GBK lines, 2 UTF-8 ones: no margin
    judge.decide(GBK_ONLY[2].encode("gbk"))
    assert (judge.gbk, judge.utf8, judge.decide(data).charset) == (3, 2, "utf-8")


def test_a_line_read_again_adds_no_evidence() -> None:
    judge = CharsetJudge()
    for end in (10, 20, 20, 10, 30):  # lines ending at 10, 20, 30; two read twice
        judge.decide(GBK_ONLY[0].encode("gbk"), end=end)
    assert (judge.gbk, judge.counted_to) == (3, 30)
    judge.decide("用户 admin".encode(), end=40, evidence=False)  # an open line: counted once it ends
    assert (judge.utf8, judge.counted_to) == (0, 30)


def _ingest(log: Path, store: SqliteStore, state: Path) -> None:
    ingest_file(log, parser_id="syslog.mixed", store=store, data_dir=state, timezone="UTC", year=2026)


def _stored(store: SqliteStore) -> list[tuple[str, str | None]]:
    return [(e.get("event.original") or e.get("message"), e.get("govsoc.charset")) for e in
            sorted(store.search(Query()), key=lambda e: e.get("log.offset") or 0)]


def _file_lines() -> list[tuple[str, str]]:
    """A GBK device's log: 2 ordinary GBK lines, then R11v-2's short ones among more GBK lines
    and a Linux host's UTF-8 lines (a central file)."""
    lines = [(f"Dec  4 10:00:0{i} fw01 {text}", "gbk") for i, text in enumerate(GBK_ONLY[:2])]
    for i, (text, _why) in enumerate(SHORT_GBK):
        lines.append((f"Dec  4 10:01:{i:02d} fw01 {text}", "gbk"))
        lines.append((f"Dec  4 10:02:{i:02d} web01 sshd: Accepted password for {UTF8[i * 9]}", "utf-8"))
        lines.append((f"Dec  4 10:03:{i:02d} fw01 {GBK_ONLY[i % 3]}", "gbk"))
    return lines


def test_a_gbk_file_reads_its_short_lines_as_gbk_and_utf8_lines_as_utf8(tmp_path: Path) -> None:
    lines = _file_lines()
    log = tmp_path / "central.log"
    log.write_bytes(b"".join(f"{text}\n".encode(encoding) for text, encoding in lines))
    store = SqliteStore(tmp_path / "events.db")
    try:
        _ingest(log, store, tmp_path / "state")
        assert _stored(store) == [(text, "gb18030" if encoding == "gbk" else "utf-8") for text, encoding in lines]
    finally:
        store.close()


def test_eleven_runs_decide_as_one_and_count_each_line_once(tmp_path: Path) -> None:
    """R11x-4: the same bytes appended over 11 runs (a cron ingest) or read in one run give the
    same texts and the same kept evidence; a run that reads the file again counts nothing twice."""
    lines = _file_lines()
    blocks = [lines[:2]] + [lines[k:k + 3] for k in range(2, len(lines), 3)]
    kept, results = [], []
    for runs in (1, len(blocks)):
        log, store, state = tmp_path / f"{runs}.log", SqliteStore(tmp_path / f"{runs}.db"), tmp_path / f"{runs}.state"
        try:
            for block in [lines] if runs == 1 else blocks:
                with log.open("ab") as out:
                    out.write(b"".join(f"{text}\n".encode(encoding) for text, encoding in block))
                _ingest(log, store, state)
            results.append(_stored(store))
        finally:
            store.close()
        kept.append([json.loads(p.read_text()) for p in (state / "state" / "charsets").glob("*.json")])
    assert results[0] == results[1] == [(t, "gb18030" if e == "gbk" else "utf-8") for t, e in lines]
    assert kept[0] == kept[1] == [{"gbk": 2 + len(SHORT_GBK), "utf8": 0, "to": (tmp_path / "1.log").stat().st_size}]
