"""The review desk in real headless Chromium (Debian's /usr/bin/chromium through Playwright):
log in, open the first PENDING item, change the eBay title, approve for eBay + Mercari, and
reject another item with a reason."""
import os

import pytest
from playwright.sync_api import expect, sync_playwright

from listings.models import Listing
from products.models import Product, Stage
from tests.factories import product_make, user_make

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def browser(release_stray_sessions):
    assert os.path.exists(CHROMIUM), "Debian's chromium is required: apt-get install -y chromium"
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_reviewer_edits_approves_and_rejects_in_the_admin(live_server, browser):
    desk = user_make("desk", role="reviewer", staff=True)
    desk.is_superuser = True
    desk.save()
    seller = user_make("seller_a")
    first = product_make(owner=seller, brand="Sony", model="WH-1000XM4", with_photo=True)
    second = product_make(owner=seller, brand="Bose", model="QC45", with_photo=True)
    Product.objects.filter(pk=second.pk).update(created_at=first.created_at.replace(year=2020))

    page = browser.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", "pw-Boomer-2026")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/products/product/?stage__exact=PENDING")
    page.click("#result_list tbody tr:first-child th a")
    expect(page.locator("img.boomer-photo")).to_have_count(1)
    assert "Sony" in page.locator("#id_name").input_value()

    ebay_title = page.locator("select[name$='-platform']").evaluate_all(
        "els => els.map(e => e.value)").index("ebay")
    page.fill(f"#id_drafts-{ebay_title}-title", "Sony WH-1000XM4 headphones, barely used")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_have_count(1)

    page.click("a.boomer-approve")
    page.uncheck("input[name=platforms][value=facebook]")
    page.check("input[name=platforms][value=ebay]")
    page.check("input[name=platforms][value=mercari]")
    page.click("input[type=submit][value=Approve]")
    expect(page.locator(".messagelist")).to_contain_text("1 item(s) approved")
    expect(page.locator(".field-stage")).to_contain_text("Publishing")
    expect(page.locator("#listings-group")).to_contain_text("eBay")
    expect(page.locator("#listings-group")).to_contain_text("Mercari")
    expect(page.locator("#listings-group")).not_to_contain_text("Facebook")

    first.refresh_from_db()
    assert first.stage == Stage.PUBLISHING
    listings = {item.platform: item for item in Listing.objects.filter(product=first)}
    assert set(listings) == {"ebay", "mercari"}
    assert {item.status for item in listings.values()} == {"DRAFT"}
    assert listings["ebay"].title == "Sony WH-1000XM4 headphones, barely used"

    # Reject the other one, from the list, with a reason.
    page.goto(f"{live_server.url}/admin/products/product/?stage__exact=PENDING")
    page.check(f"input[name=_selected_action][value='{second.pk}']")
    page.select_option("select[name=action]", "reject_selected")
    page.click("button[name=index]")
    page.fill("textarea[name=reason]", "photos show a crack the notes do not mention")
    page.click("input[type=submit][value=Reject]")
    expect(page.locator(".messagelist")).to_contain_text("1 item(s) rejected")
    second.refresh_from_db()
    assert second.stage == Stage.REJECTED
    event = second.events.get(event_data__to="REJECTED")
    assert event.actor == desk and event.event_data["reason"] == "photos show a crack the notes do not mention"
