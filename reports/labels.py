"""Report labels in Chinese (default) and English: templates/labels.yml, one row per label."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from govsoc.core.errors import ReportError

LABELS = Path(__file__).parent / "templates" / "labels.yml"
LANGUAGES = ("zh", "en")


@lru_cache(maxsize=4)
def labels(lang: str) -> dict[str, str]:
    """Every label in ``lang`` ('zh' or 'en')."""
    if lang not in LANGUAGES:
        raise ReportError(f"unknown report language {lang!r} (known: {', '.join(LANGUAGES)})")
    table = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    return {key: str(value[lang]) for key, value in table.items()}
