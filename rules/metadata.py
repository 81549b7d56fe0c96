"""What an alert carries from its rule: id, title, level, author, references and tags.

SigmaHQ's Detection Rule License requires the rule author to be shown wherever matches are
shown, so the author is copied into every alert.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sigma.correlations import SigmaCorrelationRule
from sigma.rule import SigmaRule


@dataclass(frozen=True, slots=True)
class RuleMetadata:
    """The alert-facing attributes of one rule."""

    id: str
    title: str
    level: str
    author: str | None
    references: tuple[str, ...]
    tags: tuple[str, ...]

    def alert_fields(self) -> dict[str, Any]:
        """Keyword arguments for Alert (a new dict each call: callers may add to it)."""
        return {"rule_id": self.id, "rule_title": self.title, "level": self.level, "author": self.author,
                "references": self.references, "tags": self.tags}


def rule_metadata(rule: SigmaRule | SigmaCorrelationRule) -> RuleMetadata:
    """The metadata of a loaded rule."""
    level = rule.level.name.lower() if rule.level is not None else "medium"
    return RuleMetadata(
        id=str(rule.id),
        title=rule.title,
        level=level,
        author=rule.author,
        references=tuple(getattr(rule, "references", None) or ()),
        tags=tuple(f"{t.namespace}.{t.name}" for t in (rule.tags or ())),
    )
