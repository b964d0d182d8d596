"""Which comps count for an item (each with its reason) and the price they support."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from market.relevance import Item, comp_judge, comps_judge
from market.sources.base import Comp
from market.stats import recommend, stats_per_platform

ITEM = Item(brand="Sony", model="WH-1000XM4", gtin="4548736112094", name="Sony WH-1000XM4 headphones", grade="GOOD")


def sold(title="Sony WH-1000XM4 Wireless Headphones Black", price="150", shipping="10", condition="Pre-Owned",
         flags=(), source="ebay_sold", kind="sold", currency="USD", item_id="1"):
    return Comp(source=source, title=title, price=Decimal(price) if price is not None else None,
                shipping=Decimal(shipping) if shipping is not None else None, currency=currency, item_id=item_id,
                sold_at=date(2026, 3, 3), condition=condition, flags=tuple(flags), kind=kind)


def reason(comp, item=ITEM):
    judged = comp_judge(comp, item)
    return judged.kept, judged.reason


def test_the_same_item_counts_and_says_why():
    assert reason(sold()) == (True, "same brand and model")
    assert reason(sold(title="Wireless headphones 4548736112094")) == (True, "same GTIN")


def test_what_is_not_a_comp_is_dropped_with_its_reason():
    assert reason(sold(price=None, flags=("price_range",))) == (False, "a price range, not a price")
    assert reason(sold(flags=("best_offer",)))[1].startswith("best offer accepted")
    assert reason(sold(title="Sony WH-1000XM4 for parts not working")) == (False, "for parts or not working")
    assert reason(sold(title="Lot of 3 Sony WH-1000XM4 headphones")) == (False, "a lot or bundle")
    assert reason(sold(title="Hard case for Sony WH-1000XM4")) == (False, "an accessory or part for the item, not the item")
    assert reason(sold(title="Replacement ear pads for Sony WH-1000XM4"))[0] is False
    assert reason(sold(title="Sony WH-1000XM5 Wireless Headphones")) == (False, "another model (no WH-1000XM4 in the title)")
    assert reason(sold(title="Bose QC45 headphones like WH-1000XM4"))[1] == "another brand (no Sony in the title)"
    assert reason(sold(currency="GBP")) == (False, "priced in GBP")


def test_for_parts_comps_count_for_an_item_graded_poor():
    assert reason(sold(title="Sony WH-1000XM4 for parts"), Item(**{**ITEM.__dict__, "grade": "POOR"}))[0] is True


def test_a_converted_price_is_kept_and_flagged():
    assert reason(sold(flags=("converted",))) == (True, "same brand and model (price converted from another currency)")


def test_outliers_are_dropped_by_the_iqr_rule():
    judged = comps_judge([sold(price=p, item_id=p) for p in ("100", "105", "110", "95", "102", "400")], ITEM)
    dropped = [j for j in judged if not j.kept]
    assert [j.comp.price for j in dropped] == [Decimal("400")] and dropped[0].reason.startswith("outlier")


def test_no_price_without_enough_sold_comps_and_the_reason_says_so():
    judged = comps_judge([sold(), sold(item_id="2")], ITEM)
    price, why, confidence = recommend(judged, grade="GOOD", min_comps=3)
    assert price is None and confidence == "none"
    assert why == "no price: 2 matching sold comp(s) in used condition, at least 3 needed"


def test_the_price_is_the_condition_matched_median_delivered_price():
    comps = [sold(price="100", shipping="10"), sold(price="120", shipping="0"), sold(price="130", shipping="5"),
             sold(price="300", shipping="0", condition="Brand New"), sold(price="310", condition="Brand New"),
             sold(price="90", kind="active", source="ebay_active")]
    judged = comps_judge(comps, ITEM)
    price, why, _ = recommend(judged, grade="GOOD", min_comps=3)
    assert price == Decimal("120.00")  # delivered 110, 120, 135 of the used ones
    assert "3 sold comp(s) in used condition" in why
    new_price, _, _ = recommend(comps_judge(comps, ITEM), grade="NEW", min_comps=2)
    assert new_price == Decimal("310.00")  # delivered 300 and 320
    less_shipping, _, _ = recommend(judged, grade="GOOD", min_comps=3, seller_shipping=Decimal("8"))
    assert less_shipping == Decimal("112.00")


def test_statistics_per_platform_and_condition_with_sell_through():
    comps = [sold(price="100"), sold(price="120"), sold(price="140", condition="New"),
             sold(price="90", kind="active", source="ebay_active"),
             sold(price="80", source="mercari_sold", condition="Good", shipping=None)]
    stats = stats_per_platform(comps_judge(comps, ITEM))
    ebay = stats["ebay"]
    assert (ebay["count"], ebay["median"], ebay["active"], ebay["sell_through"]) == (3, 120.0, 1, 0.75)
    assert ebay["delivered_median"] == 130.0 and ebay["by_condition"]["new"]["count"] == 1
    assert stats["mercari"]["delivered_median"] is None and stats["mercari"]["sell_through"] is None
