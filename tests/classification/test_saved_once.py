"""A table saved by two scans counts once in what the reports read (R15e-25): a file scanned by
itself, as part of its folder, and by a path with '..' was three sources in the compliance report."""

from __future__ import annotations

from govsoc.classification.saved import one_scan_per_table


def test_sources_that_are_not_paths_are_never_inside_one_another() -> None:
    def inv(source: str, generated: str, datasets: list[str]) -> dict[str, object]:
        return {"source": source, "generated": generated, "summary": {"tables": len(datasets)},
                "tables": [{"dataset": d, "table": d, "level": "G3", "fields": []} for d in datasets]}
    # a SQLite file scanned by itself: its source is its path, its tables named by its DSN
    sql = inv("/data/x.db", "2026-01-02", ["sqlite:////data/x.db"])
    dsn = inv("sqlite:///rel.db", "2026-01-04", ["sqlite:///rel.db"])
    es = inv("people", "2026-01-03", ["people"])
    folder = inv("/data", "2026-01-01", ["/data/a.csv", "sqlite:////data/x.db", "/data2/c.csv"])
    kept = one_scan_per_table([sql, es, folder, dsn])
    by = {str(i["source"]): i for i in kept}
    # the DSN of a SQLite file under /data is that file: the newer scan of it takes its table
    assert set(by) == {"/data/x.db", "people", "/data", "sqlite:///rel.db"}
    assert [t["dataset"] for t in by["/data"]["tables"]] == ["/data/a.csv", "/data2/c.csv"]  # type: ignore[index]
