"""Each version of a tender as its clarifications amend it, and what changed between two.

A clarification (更正公告, 87号令 第27条) keeps in ``Announcement.fields`` its free text
(``text``: "更正（澄清）内容") and, when it moves the deadline, ``new_deadline``
(``procurement.announcements.render_clarification``). The tender's own text is rendered
from its fields (``BODY_OF``), so the text as amended is the tender's fields with each
clarification's new deadline applied (bid deadline, opening time, end of the documents'
period, as ``announcement_clarify`` moves them on the project), followed by the
clarifications' texts so far. Version 0 is the tender as published; version n follows
the n-th clarification. Nothing is stored: the versions are computed from the notices,
which are never edited.

The diff is computed line by line (``difflib.SequenceMatcher``); a changed line is
compared word by word, the words cut by jieba (Chinese has no spaces), so that the
page marks the words that changed. The result is plain data (text and an operation):
the template escapes the text, no HTML is built here.
"""

import datetime as dt
import difflib
from dataclasses import dataclass, field

import jieba
from django.utils import timezone

from procurement.announcements import BODY_OF
from procurement.models import Announcement

from .search.segment import _ready

K = Announcement.Kind
CONTEXT = 2  # unchanged lines shown around a change


@dataclass
class Version:
    number: int
    notice: Announcement
    text: str


@dataclass
class Line:
    op: str                      # "equal", "insert", "delete", "replace" or "skip"
    old: str = ""
    new: str = ""
    parts: list = field(default_factory=list)  # [(op, text)] for a replaced line


def _base(project) -> Announcement | None:
    return (project.announcements.filter(kind__in=(K.TENDER, K.SINGLE_SOURCE,
                                                   K.QUALIFICATION))
            .order_by("published_at", "pk").first())


def _render(base: Announcement, fields: dict) -> str:
    render = BODY_OF.get(base.kind)
    if render is None:
        return base.body
    try:
        return render(fields)
    except (KeyError, TypeError, ValueError):  # an older notice's fields: its own text
        return base.body


def versions(project) -> list[Version]:
    """The tender (version 0) and the text after each clarification, oldest first."""
    base = _base(project)
    clarifications = list(project.announcements.filter(kind=K.CLARIFICATION)
                          .order_by("published_at", "pk"))
    if base is None:
        return []
    found = [Version(0, base, base.body)]
    fields = dict(base.fields or {})
    tender, texts = base.body, []
    for n, notice in enumerate(clarifications, start=1):
        f = notice.fields or {}
        moved = f.get("new_deadline")
        if moved:
            fields["bid_deadline"] = fields["opening_at"] = moved
            until = fields.get("documents_until")
            if until and dt.datetime.fromisoformat(until) < dt.datetime.fromisoformat(moved):
                fields["documents_until"] = moved
        when = timezone.localtime(notice.published_at).strftime("%Y年%m月%d日")
        texts.append(f"（{n}）{when}更正（澄清）：{f.get('text') or notice.body}")
        if moved:
            tender = _render(base, fields)
        found.append(Version(n, notice, tender + "\n\n更正（澄清）事项：\n" + "\n".join(texts)))
    return found


def _words(line: str) -> list[str]:
    _ready()
    return list(jieba.cut(line))


def _inline(old: str, new: str) -> list[tuple[str, str]]:
    a, b = _words(old), _words(new)
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("delete", "".join(a[i1:i2])))
        if j2 > j1:
            parts.append(("insert", "".join(b[j1:j2])))
    return parts


def diff(old: str, new: str, *, context: int = CONTEXT) -> list[Line]:
    """The lines of ``new`` against ``old``: unchanged runs longer than the context are
    folded into one "skip" line."""
    a, b = old.splitlines(), new.splitlines()
    lines: list[Line] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            lines += [Line("equal", old=x, new=x) for x in a[i1:i2]]
        elif op == "delete":
            lines += [Line("delete", old=x) for x in a[i1:i2]]
        elif op == "insert":
            lines += [Line("insert", new=x) for x in b[j1:j2]]
        else:
            pairs = list(zip(a[i1:i2], b[j1:j2], strict=False))
            lines += [Line("replace", old=x, new=y, parts=_inline(x, y)) for x, y in pairs]
            lines += [Line("delete", old=x) for x in a[i1 + len(pairs):i2]]
            lines += [Line("insert", new=y) for y in b[j1 + len(pairs):j2]]
    return _fold(lines, context)


def _fold(lines: list[Line], context: int) -> list[Line]:
    changed = [i for i, line in enumerate(lines) if line.op != "equal"]
    keep = {j for i in changed for j in range(i - context, i + context + 1)}
    folded: list[Line] = []
    for i, line in enumerate(lines):
        if line.op != "equal" or i in keep:
            folded.append(line)
        elif not folded or folded[-1].op != "skip":
            folded.append(Line("skip"))
    return folded


def changes(notice: Announcement) -> list[dict]:
    """What the page shows for ``notice``: for a clarification, the text before it and
    after it; for the tender, each clarification's step in turn."""
    found = versions(notice.project)
    steps = [{"before": found[n - 1], "after": found[n],
              "lines": diff(found[n - 1].text, found[n].text)} for n in range(1, len(found))]
    if notice.kind == K.CLARIFICATION:
        return [s for s in steps if s["after"].notice.pk == notice.pk]
    return steps
