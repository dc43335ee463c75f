"""The fair-competition check (公平竞争审查) on a demand's text.

Patterns live in the database (FairnessPattern) so the finance bureau can
add and correct them; the defaults come from 春风行动 1–4, 条例 第20条 and
财库〔2019〕38号. The text is read clause by clause (split at 。；; and line
breaks): a pattern matches a clause unless the pattern's exception is also
found in that clause (e.g. a brand named "或相当于").
"""

import re
from dataclasses import dataclass

from .models import FairnessPattern

CLAUSE_SPLIT = re.compile(r"[。；;\n]+")


@dataclass(frozen=True)
class Hit:
    pattern: FairnessPattern
    field: str
    excerpt: str


def scan(texts: dict[str, str], patterns=None) -> list[Hit]:
    """Every clause of every field that a pattern flags, most severe first."""
    if patterns is None:
        patterns = list(FairnessPattern.objects.filter(is_active=True))
    compiled = []
    for p in patterns:
        try:
            compiled.append((p, re.compile(p.pattern),
                             re.compile(p.exception) if p.exception else None))
        except re.error:
            continue  # a broken admin pattern must not stop procurement; admin validates
    hits = []
    for field, text in texts.items():
        for clause in CLAUSE_SPLIT.split(text or ""):
            clause = clause.strip()
            if not clause:
                continue
            for pattern, rx, exception in compiled:
                if rx.search(clause) and not (exception and exception.search(clause)):
                    hits.append(Hit(pattern, field, clause[:300]))
    order = {FairnessPattern.Severity.BLOCK: 0, FairnessPattern.Severity.WARN: 1}
    return sorted(hits, key=lambda h: order[h.pattern.severity])
