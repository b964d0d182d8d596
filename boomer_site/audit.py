"""Every django-fsm transition of a model that declares `audit_refs()` becomes an
AnalyticsEvent, in the same transaction as the change itself (a refused or rolled-back move
leaves no event). The ground knows no domain model: each says what its events point at."""
from django.dispatch import receiver
from django_fsm.signals import post_transition

from boomer_site.models import AnalyticsEvent


@receiver(post_transition)
def record_transition(sender, instance, name, source, target, field=None, method_kwargs=None, **extra):
    refs = getattr(instance, "audit_refs", None)
    if refs is None:
        return
    kwargs = method_kwargs or {}
    actor = kwargs.get("by")
    data = {"transition": name, "from": source, "to": target}
    if kwargs.get("reason"):
        data["reason"] = kwargs["reason"]
    AnalyticsEvent.objects.create(
        event_type=f"{sender._meta.model_name}.{getattr(field, 'name', field)}", actor=actor if getattr(actor, "pk", None) else None,
        event_data=data, **refs(),
    )
