"""Who is told what when a statutory clock moves: the one table of the clocks' messages.

One overdue clock used to send fifteen messages (every channel to every officer, leader
and supervisor). The rule now: the people who must act hear about each clock, at once,
on the urgent channels; the people who supervise get one digest per sweep listing
their clocks. Each row of ``FANOUT`` is an audience, the channels it is reached on and
whether it gets the clock on its own or in a digest. ``docs/architecture.md`` (Statutory
clocks) prints this table; change both together.

Audiences:
- ``responsible``: the people named on the clock, else the responsible organisation's
  officers and administrators — they must do the act;
- ``leaders``: the responsible organisation's leaders — they answer for it;
- ``supervisors``: the finance bureau's staff — they supervise every organisation.

Channels go through ``notifications.notify_many``: SMS only for statutory categories and
people with a mobile number, e-mail only for people with an address. Every category
here is statutory, so nobody can switch them off.
"""

from dataclasses import dataclass

from notifications.models import Message

INAPP, SMS, EMAIL = Message.Channel.INAPP, Message.Channel.SMS, Message.Channel.EMAIL

RESPONSIBLE, LEADERS, SUPERVISORS = "responsible", "leaders", "supervisors"


@dataclass(frozen=True)
class Route:
    audience: str
    channels: tuple[str, ...]
    # True: the audience gets one digest per sweep listing its clocks (deadlines.digest).
    digest: bool = False


# event → (routes); "reminder" covers every reminder before the due time.
FANOUT: dict[str, tuple[Route, ...]] = {
    # The clock started: the people who must act, by SMS and in the inbox — many
    # statutory clocks are two working days long, so this is their first warning.
    "opened": (Route(RESPONSIBLE, (INAPP, SMS)),),
    # Before the due time: an SMS and the inbox, one per reminder of the schedule.
    "reminder": (Route(RESPONSIBLE, (INAPP, SMS)),),
    # Past due: the people who must act, at once; their leaders and the finance bureau
    # in the sweep's digest (the inbox, one SMS naming how many, the list by e-mail).
    "overdue": (Route(RESPONSIBLE, (INAPP, SMS)),
                Route(LEADERS, (INAPP, SMS, EMAIL), digest=True),
                Route(SUPERVISORS, (INAPP, SMS, EMAIL), digest=True)),
}

# The message category (notifications.categories) of each event, and of the digest.
CATEGORY = {"opened": "deadline.opened", "reminder": "deadline.reminder",
            "overdue": "deadline.overdue", "digest": "deadline.escalation"}


def routes(event: str, *, digest: bool) -> tuple[Route, ...]:
    return tuple(r for r in FANOUT[event] if r.digest == digest)


def event_of(kind: str) -> str:
    """The table's event for a reminder kind ("before_1wd" → "reminder")."""
    return kind if kind in FANOUT else "reminder"


def has_digest(kind: str) -> bool:
    return bool(routes(event_of(kind), digest=True))


def table_rows() -> list[tuple[str, str, str, str]]:
    """(event, audience, channels, how) for the documentation and the tests."""
    return [(event, r.audience, ", ".join(r.channels), "digest" if r.digest else "each")
            for event, rs in FANOUT.items() for r in rs]
