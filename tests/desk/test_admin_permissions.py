"""The review desk's own pages and bulk actions take the model's change permission, not only
is_staff (issue 13 item 6): a staff member who may only look cannot approve, reject or retry."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from boomer_site.models import DeadLetter
from listings.models import Listing, ListingStatus
from products.models import Product, Stage
from tests.factories import listing_make, product_make, user_make

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:products_product_changelist")


def staff_with(*codenames):
    user = user_make(f"staff-{'-'.join(codenames) or 'none'}", role=None, staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def pending(db):
    return product_make(owner=user_make("seller_p"), stage=Stage.PENDING)


@pytest.fixture
def viewer(client):
    client.force_login(staff_with("view_product", "view_listing", "view_deadletter"))
    return client


def test_a_viewer_sees_the_desk_but_its_buttons_answer_403(viewer, pending):
    assert viewer.get(CHANGELIST).status_code == 200
    for name, data in (("approve", {"apply": "1", "platforms": ["ebay"], "policy": "best_effort"}),
                       ("reject", {"apply": "1", "reason": "blurry"}), ("retry", {})):
        response = viewer.post(reverse(f"admin:products_product_{name}", args=[pending.pk]), data)
        assert response.status_code == 403, name
    assert viewer.get(reverse("admin:products_product_ebay", args=[pending.pk])).status_code == 403
    assert Product.objects.get(pk=pending.pk).stage == Stage.PENDING


def test_a_viewer_is_not_offered_the_bulk_actions_and_posting_one_does_nothing(viewer, pending):
    page = viewer.get(CHANGELIST).content.decode()
    for action in ("approve_selected", "reject_selected", "retry_selected", "research_selected"):
        assert f'value="{action}"' not in page
    viewer.post(CHANGELIST, {"action": "reject_selected", "_selected_action": [pending.pk], "apply": "1",
                             "reason": "forged"})
    assert Product.objects.get(pk=pending.pk).stage == Stage.PENDING


def test_with_the_change_permission_the_same_pages_work(client, pending):
    client.force_login(staff_with("view_product", "change_product"))
    assert 'value="reject_selected"' in client.get(CHANGELIST).content.decode()
    response = client.post(reverse("admin:products_product_reject", args=[pending.pk]), {"apply": "1", "reason": "blurry"})
    assert response.status_code == 302
    assert Product.objects.get(pk=pending.pk).stage == Stage.REJECTED


def test_replaying_dead_letters_and_republishing_listings_take_the_change_permission(viewer, pending):
    listing = listing_make(product=pending)
    Listing.objects.filter(pk=listing.pk).update(status=ListingStatus.FAILED)
    letter = DeadLetter.objects.create(task_name="listings.publish", args=[listing.pk], kwargs={}, error="boom")
    page = viewer.get(reverse("admin:listings_listing_changelist")).content.decode()
    assert 'value="publish_again"' not in page
    viewer.post(reverse("admin:boomer_site_deadletter_changelist"), {"action": "requeue", "_selected_action": [letter.pk]})
    assert DeadLetter.objects.get(pk=letter.pk).requeued_at is None
