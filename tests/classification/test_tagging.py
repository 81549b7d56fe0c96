"""The ingest enrichment hook alone: tags, levels, findings, masking per source."""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import pytest

from govsoc.classification.grading import rank
from govsoc.classification.recognizer import Match
from govsoc.classification.spans import Spans
from govsoc.classification.tagging import ClassificationTagger

TAGGER = ClassificationTagger(mask_sources=["/secure/*", "udp://*"])
ID = "11010519491231002X"


def test_sshd_lines_carry_nothing_personal() -> None:
    # machine identifiers (IPs) are the SOC's own fields, not tagged at ingest
    assert TAGGER.enrich({"message": "Accepted password for root from 10.1.2.3 port 22 ssh2"}, "file:///a") == {}


def test_an_id_number_in_a_log_message() -> None:
    out = TAGGER.enrich({"message": f"核验失败 身份证号{ID}"}, "file:///var/log/app.log")
    assert out["govsoc.classification.tags"] == ["cn_resident_id"]
    assert out["govsoc.classification.findings"] == ["personal_data_in_log_message"]
    assert "message" not in out  # not a masked source: the text is untouched


def test_cleartext_http_body_and_masking_by_origin() -> None:
    fields = {"http.request.body.content": "name=张三&mobile=13812345678", "network.protocol": "http",
              "event.original": "POST /form mobile=13812345678"}
    out = TAGGER.enrich(fields, "udp://10.0.0.5:514")
    assert out["govsoc.classification.findings"] == ["personal_data_in_cleartext_http"]
    assert out["http.request.body.content"] == "name=张**&mobile=138****5678"  # a name after its key too (R15at-4)
    assert out["event.original"] == "POST /form mobile=138****5678" and out["govsoc.flags"] == ["masked"]


def test_a_bank_card_raises_the_level_and_keeps_existing_tags() -> None:
    out = TAGGER.enrich({"message": "card 6222021234567890128", "govsoc.classification.tags": ["manual"]},
                        "file:///secure/pay.log")
    assert out["govsoc.classification.level"] == "G4"
    assert out["govsoc.classification.tags"] == ["cn_bank_card", "manual"]
    assert out["message"] == "card 6222 **** **** 0128"


def test_masking_covers_the_fields_parsers_cut_out_of_the_message() -> None:
    # sshd's "invalid user" line: the parser puts the ID in user.name and related.user as well
    line = f"Failed password for invalid user {ID} from 10.1.2.3 port 22 ssh2"
    fields = {"message": line, "event.original": f"Nov 30 08:00:00 h sshd[1]: {line}", "user.name": ID,
              "related.user": [ID], "related.ip": ["10.1.2.3"], "url.path": f"/u/{ID}/profile",
              "source.port": 22}
    out = TAGGER.enrich(fields, "file:///secure/auth.log")
    masked = "110105********002X"
    assert out["message"] == line.replace(ID, masked) and out["event.original"].endswith(line.replace(ID, masked))
    assert out["user.name"] == masked and out["related.user"] == [masked]
    assert out["url.path"] == f"/u/{masked}/profile"
    assert "related.ip" not in out and "source.port" not in out and out["govsoc.flags"] == ["masked"]
    stored = {**fields, **out}
    assert not any(ID in str(v) for v in stored.values())


def test_a_masked_source_masks_a_field_even_when_the_message_has_nothing() -> None:
    out = TAGGER.enrich({"message": "login failed", "user.name": ID, "client.phone": "13812345678"},
                        "file:///secure/auth.log")
    assert out["user.name"] == "110105********002X" and out["client.phone"] == "138****5678"
    assert out["govsoc.flags"] == ["masked"]
    # and the event says what it carried (tagged), as when the message holds it
    assert out["govsoc.classification.tags"] == ["cn_mobile", "cn_resident_id"]
    assert out["govsoc.classification.fields"] == ["client.phone", "user.name"]
    levels = [TAGGER.scanner.recognizers[i].level for i in ("cn_mobile", "cn_resident_id")]
    assert out["govsoc.classification.level"] == max(levels, key=rank)


def test_full_width_numbers_next_to_a_character_nfkc_lengthens() -> None:
    # '……' (NFKC: six dots), '™' and '½' lengthen under NFKC: the full-width ID and mobile
    # number must still be found, and masked at their place in the original text
    fw_id = ID.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    fw_mobile = "１３８１２３４５６７８"
    text = f"核验失败……身份证号{fw_id}™ 手机{fw_mobile}½"
    out = TAGGER.enrich({"message": text}, "file:///secure/app.log")
    assert out["govsoc.classification.tags"] == ["cn_mobile", "cn_resident_id"]
    assert out["message"] == "核验失败……身份证号110105********002X™ 手机138****5678½"


def test_a_decimal_holds_no_mobile_number() -> None:
    for text in ("latency=0.13812345678", "ratio 13812345678.5 s", "v=1.13812345678.2"):
        assert TAGGER.enrich({"message": text}, "file:///secure/app.log") == {}, text
    # a sentence's full stop is not a decimal point
    out = TAGGER.enrich({"message": "call 13812345678. then 13912345678"}, "file:///secure/app.log")
    assert out["message"] == "call 138****5678. then 139****5678"


def test_a_percent_encoded_id_in_a_url_is_found_and_masked() -> None:
    encoded = "".join(f"%{ord(c):02X}" for c in ID[:-1]) + "X"
    url = f"/q?name=%E5%BC%A0&sfzh={encoded}&x=1"
    out = TAGGER.enrich({"url.original": url, "url.query": url[3:],
                         "event.original": f'"GET {url} HTTP/1.1" 200'}, "file:///secure/access.log")
    assert out["govsoc.classification.tags"] == ["cn_resident_id"]
    assert out["url.original"] == "/q?name=%E5%BC%A0&sfzh=110105********002X&x=1"
    assert out["url.query"] == "name=%E5%BC%A0&sfzh=110105********002X&x=1"
    assert out["event.original"] == '"GET /q?name=%E5%BC%A0&sfzh=110105********002X&x=1 HTTP/1.1" 200'


@pytest.mark.parametrize("field,url,tag", [
    # R15t-5: an ID number or a mobile in a REST path is logged as a query string is: a finding too
    ("url.original", f"/api/users/{ID}/profile", "cn_resident_id"),
    ("url.original", "/api/phone/13800138000", "cn_mobile"),
    ("url.full", f"https://zwfw.example.gov.cn/api/user/{ID}/detail?t=1", "cn_resident_id"),
    # (was /u/13800138000/orders: an 11-digit number after /u/ is a user id as often as a mobile, R15y-2)
    ("http.request.referrer", "http://portal.example.gov.cn/u/mobile/13800138000/orders", "cn_mobile"),
    ("url.original", "/api/v1/sjhm/13800138000", "cn_mobile"),
])
def test_personal_data_in_a_url_path_is_a_finding(field: str, url: str, tag: str) -> None:
    out = TAGGER.enrich({field: url}, "file:///var/log/nginx/access.log")
    assert out["govsoc.classification.tags"] == [tag]
    assert "personal_data_in_url_path" in out["govsoc.classification.findings"]
    assert "personal_data_in_url_query" not in out["govsoc.classification.findings"]


def test_a_path_finding_is_masked_on_a_masked_source_and_a_query_is_no_path() -> None:
    url = f"/api/users/{ID}/profile"
    out = TAGGER.enrich({"url.original": url, "url.path": url, "event.original": f'"GET {url} HTTP/1.1" 200'},
                        "file:///secure/access.log")
    assert out["url.original"] == out["url.path"] == "/api/users/110105********002X/profile"
    assert ID not in out["event.original"]
    query = TAGGER.enrich({"url.original": "/q?phone=13812345678"}, "file:///var/log/nginx/access.log")
    assert query["govsoc.classification.findings"] == ["personal_data_in_url_query"]


@pytest.mark.parametrize("url", [
    # R15y-2: ids of REST resources in a mobile's or a card's shape, no word of the path naming them:
    # 54 % of 11-digit ids from 1e10 to 2e10 read as mobiles, 1 in 10 16-digit ids pass Luhn
    "/api/orders/13912345678/items",
    "/api/v2/users/15012345678",
    "/trade/6222020200112230/status",  # Luhn-valid 16 digits
])
def test_a_number_of_a_mobiles_or_cards_shape_in_a_path_is_no_finding_unless_the_path_names_it(url: str) -> None:
    out = TAGGER.enrich({"url.original": url}, "file:///var/log/nginx/access.log")
    assert "personal_data_in_url_path" not in (out.get("govsoc.classification.findings") or [])
    named = url.replace("/orders/", "/phone/").replace("/users/", "/mobile/").replace("/trade/", "/bankcard/")
    assert "personal_data_in_url_path" in TAGGER.enrich({"url.original": named}, "file:///x.log")[
        "govsoc.classification.findings"]


MASKING_MODULES = ("tagging.py", "free_text.py", "labelled_values.py", "ingest_masking.py")


def test_masking_modules_define_each_function_once() -> None:
    """RRR15bq-5 (STYLE.md, one module per thing): no module-level function of one masking module is
    written again in another (_keep was in free_text.py and labelled_values.py word for word; it is
    Spans.keep now)."""
    names: Counter[str] = Counter()
    for name in MASKING_MODULES:
        tree = ast.parse((Path(__file__).parents[2] / "classification" / name).read_text(encoding="utf-8"))
        names.update(node.name for node in tree.body if isinstance(node, ast.FunctionDef))
    assert [name for name, count in names.items() if count > 1] == []
    taken, out = Spans(), []
    hit = Match(recognizer="cn_mobile", start=3, end=14, masked="138****8000", score=1.0, reason="")
    taken.keep(out, hit)
    assert out == [hit] and not taken.free(5, 6) and taken.free(14, 20)


@pytest.mark.parametrize("name", MASKING_MODULES)
def test_masking_modules_say_what_they_do_and_stay_small(name: str) -> None:
    """STYLE.md: modules under ~400 lines, and a docstring or comment says the behaviour, not the
    commit it came from ("as 0056c357 did" named tagging's fallback and carried values, RRR15bn-4;
    free_text.py was 426 lines)."""
    source = (Path(__file__).parents[2] / "classification" / name).read_text(encoding="utf-8")
    assert len(source.splitlines()) <= 400
    commits = [w for w in re.findall(r"(?<![0-9A-Za-z\"'])[0-9a-f]{7,12}(?![0-9A-Za-z])", source)
               if not w.isdigit() and not w.isalpha()]
    assert commits == []
