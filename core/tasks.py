import socket

from celery import shared_task

from .services import heartbeat_record


@shared_task(ignore_result=True)
def heartbeat(name: str = "worker") -> None:
    heartbeat_record(name=name, hostname=socket.gethostname())
