from django.utils import timezone

from .models import Heartbeat


def heartbeat_record(*, name: str, hostname: str = "", now=None) -> Heartbeat:
    now = now or timezone.now()
    beat, _created = Heartbeat.objects.update_or_create(
        name=name, defaults={"at": now, "hostname": hostname[:200]}
    )
    return beat
