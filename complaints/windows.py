"""Each supplier's windows to file a 质疑 about a project: pure reads.

A supplier may challenge in writing within 7 working days of the day it knew, or should
have known, that its rights were harmed (法 第52条; 条例 第53条; rule ``challenge.file``).
What "knew" means depends on what is challenged (条例 第53条; 94号令 第10条):

- DOCUMENTS: from the day it obtained the documents, or the end of the period in which
  they are offered if that is later;
- PROCESS: from the end of each stage of the procedure (the lot's opening, the committee's
  report);
- RESULT: from the end of the result announcement's period.

Standing (94号令 第11条): to challenge the documents the supplier must have obtained them;
a stage or the result, it must have bid in the project. Each window is computed on the
working-day calendar (``deadlines.clock.compute_due``) and read by the filing service
(``complaints.services.challenges.challenge_file``), the supplier's pages and the API.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from deadlines.clock import compute_due, end_of, local_date
from procurement.models import Announcement, Bid, Committee, DocumentDownload, Lot, Project
from rules.registry import rule

from .models import Challenge

T = Challenge.Trigger

OPEN, CLOSED, NOT_YET = "open", "closed", "not_yet"
STATE_LABELS = {OPEN: _("Open"), CLOSED: _("Closed"), NOT_YET: _("Not yet open")}
STANDING_BASIS = "94号令 第11条"


def _fmt(message, **params) -> str:
    return str(message) % params


# A window's label and reason are read in the language of whoever reads them — the page,
# the API, or a refusal recorded now and shown later — so they stay lazy.
_fmt = lazy(_fmt, str)


@dataclass(frozen=True)
class Window:
    trigger: str
    stage: str              # documents | opening | evaluation | result
    label: str
    lot: Lot | None
    opened_at: dt.datetime | None
    closes_at: dt.datetime | None
    state: str
    standing: bool
    reason: str
    basis: str
    provisional: bool = False

    @property
    def key(self) -> str:
        """Which window a filing names: the trigger, the stage and the lot."""
        return f"{self.trigger}:{self.stage}:{self.lot.pk if self.lot else ''}"

    @property
    def can_file(self) -> bool:
        return self.standing and self.state == OPEN

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def trigger_label(self) -> str:
        return str(T(self.trigger).label)


def _state(opened_at, closes_at, now) -> str:
    if opened_at is None or now < opened_at:
        return NOT_YET
    return OPEN if closes_at is not None and now <= closes_at else CLOSED


def _seven_wd(start: dt.datetime) -> tuple[dt.datetime, bool]:
    r = rule("challenge.file")
    due = compute_due(start=start, amount=int(r.amount), unit=r.unit)
    return due.at, due.provisional


def _documents(project: Project, supplier, now) -> list[Window]:
    basis = rule("challenge.file").basis
    # verify: the documents window runs from the LATER of the day the supplier obtained
    # them and the end of the period they are offered in (条例 第53条 "收到采购文件之日
    # 或者采购文件公告期限届满之日"; 94号令 第10条). Read here as the later of the two.
    download = DocumentDownload.objects.filter(project=project, supplier=supplier).first()
    until = project.documents_until
    if download is None:
        closes_at, provisional = _seven_wd(until) if until else (None, False)
        # No standing: the window others have, shown with its dates.
        opened_at = project.documents_from
        return [Window(T.DOCUMENTS, "documents", _("The procurement documents"), None,
                       opened_at, closes_at, _state(opened_at, closes_at, now), False,
                       _("The supplier never obtained the procurement documents."),
                       f"{basis}; {STANDING_BASIS}", provisional)]
    knew = max(download.at, until) if until else download.at
    closes_at, provisional = _seven_wd(knew)
    return [Window(T.DOCUMENTS, "documents", _("The procurement documents"), None,
                   download.at, closes_at, _state(download.at, closes_at, now), True,
                   _fmt(_("Obtained the documents on %(date)s."),
                        date=f"{local_date(download.at):%Y-%m-%d}"),
                   basis, provisional)]


def _bid_lots(project: Project, supplier) -> set[int]:
    return set(Bid.objects.filter(lot__project=project, supplier=supplier)
               .exclude(status=Bid.Status.WITHDRAWN).values_list("lot_id", flat=True))


def _standing(bid_lots: set[int]) -> tuple[bool, str]:
    if bid_lots:
        return True, _("Bid in this project.")
    return False, _("The supplier did not bid in this project.")


def _process(project: Project, lots: list[Lot], bid_lots, now) -> list[Window]:
    basis = rule("challenge.file").basis
    standing, reason = _standing(bid_lots)
    reports = dict(Committee.objects.filter(lot__in=lots).values_list("lot_id", "report_at"))
    windows = []
    for lot in lots:
        for stage, label, ended in (
                ("opening", _("The opening of lot %(n)s"), lot.opened_at),
                ("evaluation", _("The evaluation of lot %(n)s"), reports.get(lot.pk))):
            closes_at, provisional = _seven_wd(ended) if ended else (None, False)
            windows.append(Window(T.PROCESS, stage, _fmt(label, n=lot.number), lot,
                                  ended, closes_at, _state(ended, closes_at, now), standing,
                                  reason, basis if standing else f"{basis}; {STANDING_BASIS}",
                                  provisional))
    return windows


def _result(project: Project, lots: list[Lot], bid_lots, now) -> list[Window]:
    basis = rule("challenge.file").basis
    standing, reason = _standing(bid_lots)
    by_lot = {lot.number: lot for lot in lots}
    windows = []
    seen = set()
    for notice in Announcement.objects.filter(project=project,
                                              kind=Announcement.Kind.RESULT).order_by(
            "-published_at", "-id"):
        lot = by_lot.get(notice.fields.get("lot"))
        if lot is None or lot.pk in seen:
            continue
        seen.add(lot.pk)
        challenge = notice.fields.get("challenge") or {}
        # The result notice stores its challenge period: it starts at the end of the
        # result announcement's period and ends on the date printed in the notice.
        opened_at = (dt.datetime.fromisoformat(challenge["start"]) if challenge.get("start")
                     else end_of(local_date(notice.published_at)))
        if challenge.get("end"):
            closes_at = end_of(dt.date.fromisoformat(challenge["end"]))
            provisional = bool(challenge.get("provisional"))
        else:
            closes_at, provisional = _seven_wd(opened_at)
        windows.append(Window(T.RESULT, "result",
                              _fmt(_("The result of lot %(n)s"), n=lot.number), lot,
                              opened_at, closes_at, _state(opened_at, closes_at, now),
                              standing, reason,
                              basis if standing else f"{basis}; {STANDING_BASIS}",
                              provisional))
    return windows


def challenge_windows(*, project: Project, supplier, now=None) -> list[Window]:
    """Every window of ``supplier`` on ``project``: documents, each stage of each lot,
    each lot's result."""
    now = now or timezone.now()
    lots = list(project.lots.order_by("number"))
    bid_lots = _bid_lots(project, supplier)
    return [*_documents(project, supplier, now), *_process(project, lots, bid_lots, now),
            *_result(project, lots, bid_lots, now)]


def window_for(windows: list[Window], *, trigger: str, lot=None) -> Window | None:
    """The window a challenge of ``trigger`` (about ``lot``) is filed in: of those of the
    trigger (and lot), an open one with standing first, then the latest to close."""
    lot_id = getattr(lot, "pk", lot)
    found = [w for w in windows if w.trigger == trigger
             and (lot_id is None or w.lot is None or w.lot.pk == lot_id)]
    if not found:
        return None
    open_ = [w for w in found if w.can_file]
    if open_:
        return max(open_, key=lambda w: w.closes_at)
    standing = [w for w in found if w.standing] or found
    dated = [w for w in standing if w.closes_at is not None]
    if dated:
        return max(dated, key=lambda w: w.closes_at)
    return standing[0]
