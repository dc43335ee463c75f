from celery import shared_task

from .services import deadlines_recompute_provisional, deadlines_sweep


@shared_task(ignore_result=True)
def sweep() -> dict:
    result = deadlines_sweep()
    return {"examined": result.examined, "overdue": result.overdue,
            "reminders": result.reminders, "escalations": result.escalations,
            "failed": len(result.failed)}


@shared_task(ignore_result=True)
def recompute_provisional(year: int) -> int:
    return deadlines_recompute_provisional(year=year)
