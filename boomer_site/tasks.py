"""Beat jobs of the ground."""
from django.core.mail import mail_admins

from boomer_site.layered_cache import cache_purge
from boomer_site.models import DeadLetter
from boomer_site.tasking import boomer_task


@boomer_task(name="boomer_site.dead_letter_report", queue="default")
def dead_letter_report_task():
    """Beat, daily: tell the operators how many dead letters wait to be replayed."""
    waiting = DeadLetter.objects.filter(requeued_at__isnull=True)
    count = waiting.count()
    if count:
        lines = "\n".join(f"#{d.pk} {d.task_name}{tuple(d.args)}: {d.error[:120]}" for d in waiting[:50])
        mail_admins(f"{count} dead letter(s) waiting", f"Replay with manage.py requeue_dead_letters.\n\n{lines}")
    return count


@boomer_task(name="boomer_site.purge_cache", queue="default")
def purge_cache_task():
    """Beat, daily: the layered cache's PostgreSQL rows past their 7 days are deleted."""
    return cache_purge()
