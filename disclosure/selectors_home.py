"""What the portal's home shows: the latest publications, a card per group of kinds.

One query for all the cards: a ``UNION ALL`` of one small query per kind, each reading
the newest rows of its kind down the ``disclosure_pub_kind_idx`` index (kind,
-published_at, -id) — with a million notices, a rare kind's newest rows are found as
fast as a common one's, which one ``kind IN (…)`` query ordered by date is not."""

from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import Publication, kind_label
from .models import PublicationKind as K


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    icon: str
    kinds: tuple


GROUPS = (
    Group("tenders", _("Tenders and intentions"), "bi-megaphone",
          (K.TENDER, K.INTENTION, K.QUALIFICATION, K.SINGLE_SOURCE)),
    Group("results", _("Results and contracts"), "bi-trophy",
          (K.RESULT, K.CONTRACT, K.OPENING, K.ACCEPTANCE)),
    Group("changes", _("Changes and failures"), "bi-arrow-repeat",
          (K.CLARIFICATION, K.RESULT_CHANGE, K.FAILURE, K.CANCELLATION)),
    Group("disputes", _("Challenges, complaints and penalties"), "bi-shield-exclamation",
          (K.CHALLENGE_ANSWER, K.COMPLAINT_DECISION, K.PENALTY, K.BAD_BEHAVIOUR)),
    Group("policies", _("Policies and approvals"), "bi-journal-text",
          (K.NORMATIVE, K.APPROVAL)),
)

FIELDS = ("id", "kind", "title", "url", "published_at")


@dataclass
class Card:
    group: Group
    rows: list = field(default_factory=list)

    @property
    def kinds(self):
        """(value, label) of the group's kinds, for the links to the notices list."""
        return [(kind.value, kind.label) for kind in self.group.kinds]


def latest_by_group(per_group: int = 6) -> list[Card]:
    """Each group's newest ``per_group`` publications, newest first."""
    parts = [Publication.objects.filter(kind=kind).order_by("-published_at", "-id")
             .values(*FIELDS)[:per_group] for group in GROUPS for kind in group.kinds]
    if connection.features.supports_slicing_ordering_in_compound:
        rows = list(parts[0].union(*parts[1:], all=True))
    else:  # SQLite (the embedded mode): no LIMIT inside a UNION's parts; one each
        rows = [row for part in parts for row in part]
    cards = {group.key: Card(group) for group in GROUPS}
    group_of = {kind: group.key for group in GROUPS for kind in group.kinds}
    language = get_language()
    for row in sorted(rows, key=lambda r: (r["published_at"], r["id"]), reverse=True):
        card = cards[group_of[row["kind"]]]
        if len(card.rows) < per_group:
            row["kind_label"] = kind_label(row["kind"], language)
            card.rows.append(row)
    return list(cards.values())
