"""The product lifecycle: only the seed's moves are possible, each leaves an event, and two
workers racing on one product cannot both win."""
import threading

import pytest
from django.db import transaction
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from boomer_site.models import AnalyticsEvent
from products.models import Product, Stage
from products.services import IllegalTransition, product_transition

ALLOWED = {
    ("start_analysis", Stage.DROPPED): Stage.ANALYZING,
    ("finish_analysis", Stage.ANALYZING): Stage.ANALYZED,
    ("start_research", Stage.ANALYZED): Stage.RESEARCHING,
    ("start_optimizing", Stage.RESEARCHING): Stage.OPTIMIZING,
    ("ready_for_review", Stage.OPTIMIZING): Stage.PENDING,
    ("approve", Stage.PENDING): Stage.PUBLISHING,
    ("reject", Stage.PENDING): Stage.REJECTED,
    ("mark_published", Stage.PUBLISHING): Stage.PUBLISHED,
    ("return_to_review", Stage.PUBLISHING): Stage.PENDING,
    ("activate", Stage.PUBLISHED): Stage.ACTIVE,
    ("mark_sold", Stage.PUBLISHED): Stage.SOLD,
    ("mark_sold", Stage.ACTIVE): Stage.SOLD,
    ("expire", Stage.PUBLISHED): Stage.EXPIRED,
    ("expire", Stage.ACTIVE): Stage.EXPIRED,
    ("retry", Stage.FAILED): Stage.DROPPED,
    **{("fail", s): Stage.FAILED for s in (Stage.DROPPED, Stage.ANALYZING, Stage.ANALYZED,
                                          Stage.RESEARCHING, Stage.OPTIMIZING)},
}
TRANSITIONS = sorted({name for name, _ in ALLOWED})


def _product(owner, stage):
    product = Product.objects.create(owner=owner, sku=f"T-{stage}-{Product.objects.count()}")
    Product.objects.filter(pk=product.pk).update(stage=stage)
    return Product.objects.get(pk=product.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("stage", [s.value for s in Stage])
def test_every_move_from_every_stage_is_allowed_or_refused_without_change(owner, stage):
    for name in TRANSITIONS:
        product = _product(owner, stage)
        expected = ALLOWED.get((name, stage))
        if expected is None:
            with pytest.raises(IllegalTransition) as refused:
                product_transition(product_id=product.pk, transition=name, reason="x")
            assert refused.value.stage == stage
            product.refresh_from_db()
            assert product.stage == stage, f"{name} from {stage} changed the stage"
            assert not AnalyticsEvent.objects.filter(product=product).exists()
        else:
            moved = product_transition(product_id=product.pk, transition=name, reason="because")
            assert moved.stage == expected
            assert Product.objects.get(pk=product.pk).stage == expected
            event = AnalyticsEvent.objects.get(product=product)
            assert event.event_data == {"transition": name, "from": stage, "to": expected, "reason": "because"}


@pytest.mark.django_db
def test_stage_cannot_be_assigned_directly(owner):
    product = _product(owner, Stage.DROPPED)
    with pytest.raises(AttributeError):
        product.stage = Stage.PENDING


@pytest.mark.django_db
def test_failure_keeps_its_reason_and_retry_clears_it(owner):
    product = _product(owner, Stage.ANALYZING)
    product_transition(product_id=product.pk, transition="fail", reason="photo unreadable")
    assert Product.objects.get(pk=product.pk).failure_reason == "photo unreadable"
    product_transition(product_id=product.pk, transition="retry")
    product = Product.objects.get(pk=product.pk)
    assert (product.stage, product.failure_reason) == (Stage.DROPPED, "")


@pytest.mark.django_db
def test_a_stale_copy_cannot_overwrite_a_newer_stage(owner):
    """ConcurrentTransitionMixin: two copies loaded at DROPPED, the second save is refused."""
    product = _product(owner, Stage.DROPPED)
    first, second = Product.objects.get(pk=product.pk), Product.objects.get(pk=product.pk)
    first.start_analysis()
    first.save()
    second.fail(reason="late")
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        second.save()
    assert Product.objects.get(pk=product.pk).stage == Stage.ANALYZING


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_on_one_product_only_one_wins(owner):
    product = _product(owner, Stage.DROPPED)
    barrier = threading.Barrier(2)
    outcomes = []

    def worker():
        from django.db import connection

        barrier.wait()
        try:
            product_transition(product_id=product.pk, transition="start_analysis")
            outcomes.append("won")
        except IllegalTransition:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused", "won"]
    assert AnalyticsEvent.objects.filter(product=product, event_type="product.stage").count() == 1


@pytest.mark.django_db
def test_model_level_refusal_raises_transition_not_allowed(owner):
    product = _product(owner, Stage.PENDING)
    with pytest.raises(TransitionNotAllowed):
        product.start_analysis()
