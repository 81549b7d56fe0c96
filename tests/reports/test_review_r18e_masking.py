"""Review r18e findings 3 and 4 through a whole report: phone numbers written with separators and
values after a label (address, landline, birth date, plate), quoted as alert evidence in the
situation report, are masked in JSON, Markdown and HTML (the renderers all take the text that
classification.free_text masked), and shown as they were in an unmasked report."""

from __future__ import annotations

from govsoc.store.sqlite import SqliteStore
from tests.reports.test_review_r18d import alert, rendered, situation

LINES = (
    "GET /contact?tel=138+1234+5678&x=1 HTTP/1.1",
    "申请人 电话 (0755)8888-1234 备用 +86 139 8765 4321",
    "登记 地址：广东省深圳市南山区科技园路1号 出生日期：1990-01-01",
    "车辆 车牌号 粤B12345 addr=北京市朝阳区建国路88号 电话：0571-86661234",
)
#: What each line holds in the clear, and must not show masked.
CLEAR = ("1234+5678", "8888-1234", "8765", "科技园路1号", "1990-01-01", "粤B12345", "建国路88号", "86661234")


def test_separated_phones_and_labelled_values_are_masked_in_every_format(sqlite_store: SqliteStore) -> None:
    sqlite_store.write_alerts([alert(i, i, "high", original=line) for i, line in enumerate(LINES)])
    for fmt, text in rendered(situation(sqlite_store)).items():
        for clear in CLEAR:
            assert clear not in text, (fmt, clear)
        shown = text.replace("\\*", "*")  # Markdown escapes the stars
        for masked in ("138****5678", "0755****34", "139****4321", "广东省深圳市南山区****", "1990-**-**", "粤B1***5",
                       "北京市朝阳区****", "0571****34"):
            assert masked in shown, (fmt, masked)
    shown = rendered(situation(sqlite_store, masked=False))["json"]
    assert all(clear in shown for clear in CLEAR)
