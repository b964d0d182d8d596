"""Every FSM transition of a Product or Listing becomes an AnalyticsEvent, in the same
transaction as the change itself (a refused or rolled-back move leaves no event)."""
from django.dispatch import receiver
from django_fsm.signals import post_transition

from listings.models import AnalyticsEvent, Listing
from products.models import Product


@receiver(post_transition)
def record_transition(sender, instance, name, source, target, method_kwargs=None, **extra):
    if sender not in (Product, Listing):
        return
    kwargs = method_kwargs or {}
    actor = kwargs.get("by")
    data = {"transition": name, "from": source, "to": target}
    if kwargs.get("reason"):
        data["reason"] = kwargs["reason"]
    if sender is Product:
        AnalyticsEvent.objects.create(
            event_type="product.stage", product=instance, actor=actor if getattr(actor, "pk", None) else None,
            event_data=data,
        )
    else:
        AnalyticsEvent.objects.create(
            event_type="listing.status", product_id=instance.product_id, listing=instance,
            actor=actor if getattr(actor, "pk", None) else None, event_data=data,
        )
