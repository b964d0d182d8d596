from agents.local.text_facts import extract_identity, load_brands, load_categories

LABEL_LINES = ["SONY WH-1000XM4", "Wireless Headphones", "4006381333931"]


def test_brand_model_category_from_ocr():
    identity = extract_identity(LABEL_LINES, "", barcode="4006381333931")
    assert identity.brand == "Sony"
    assert identity.model == "WH-1000XM4"
    assert identity.category == "Electronics > Audio"
    assert identity.name == "Sony WH-1000XM4 Wireless Headphones"  # the printed label
    assert identity.unknowns == ()
    assert identity.evidence["brand"] == "ocr"
    assert identity.evidence["model"] == "ocr"
    assert identity.attributes["gtin"] == "4006381333931"
    assert identity.evidence["gtin"] == "barcode"


def test_explicit_note_fields_win_over_ocr():
    notes = "Brand: bose\nMODEL: QC45\ncategory: headphones\nname: Bose QuietComfort 45"
    identity = extract_identity(LABEL_LINES, notes)
    assert identity.brand == "Bose"  # canonical spelling from the list
    assert identity.model == "QC45"
    assert identity.category == "Electronics > Audio"
    assert identity.name == "Bose QuietComfort 45"
    assert {identity.evidence[k] for k in ("brand", "model", "category", "name")} == {"notes"}


def test_model_is_not_taken_from_another_brands_line():
    identity = extract_identity(LABEL_LINES, "brand: Bose")
    assert identity.brand == "Bose"
    assert identity.model is None
    assert "model" in identity.unknowns


def test_longest_brand_wins_and_whole_words_only():
    identity = extract_identity(["Polo Ralph Lauren oxford shirt"], "")
    assert identity.brand == "Polo Ralph Lauren"
    assert extract_identity(["SONYX 3000"], "").brand is None  # not a whole word


def test_common_word_brand_needs_capital_letter():
    assert extract_identity([], "leather coach bag").brand is None
    assert extract_identity([], "leather Coach bag").brand == "Coach"


def test_accents_and_apostrophes_are_tolerated():
    assert extract_identity(["POKEMON trading cards"], "").brand == "Pokémon"
    assert extract_identity(["LEVIS 501 jeans"], "").brand == "Levi's"


def test_model_after_model_keyword():
    identity = extract_identity(["iPad", "Model A1566", "Designed by Apple in California"], "")
    assert identity.brand == "Apple"
    assert identity.model == "A1566"
    assert identity.category.startswith("Computers/Tablets")


def test_model_like_tokens_exclude_units():
    identity = extract_identity(["Samsung 256GB 1080p 20V"], "")
    assert identity.brand == "Samsung"
    assert identity.model is None
    assert identity.attributes["capacity"] == "256GB"


def test_unknowns_listed_never_invented():
    identity = extract_identity([], "")
    assert (identity.name, identity.brand, identity.model, identity.category) == (None, None, None, None)
    assert identity.unknowns == ("name", "brand", "model", "category")
    assert identity.evidence == {}


def test_first_notes_line_is_the_name_but_condition_talk_is_not():
    identity = extract_identity([], "Vintage Nike Air Max 90 sneakers, like new\nsize 10, black")
    assert identity.name == "Vintage Nike Air Max 90 sneakers"
    assert identity.brand == "Nike"
    assert identity.category == "Clothing, Shoes & Accessories > Shoes"
    assert identity.attributes["size"] == "10"
    assert identity.attributes["color"] == "Black"
    assert extract_identity(LABEL_LINES, "new, sealed").name == "Sony WH-1000XM4 Wireless Headphones"


def test_attributes_sizes_and_capacity():
    attrs = extract_identity(["Hoodie XL"], "Size: M\n64 GB, rose gold").attributes
    assert attrs == {"color": "Rose Gold", "size": "M", "capacity": "64GB"}
    assert extract_identity(["Hoodie XL"], "").attributes == {"size": "XL"}


def test_brand_words_are_not_colours():
    identity = extract_identity(["BLACK+DECKER 20V MAX cordless drill"], "")
    assert identity.brand == "Black+Decker"
    assert "color" not in identity.attributes
    assert identity.category == "Home & Garden > Tools & Workshop Equipment"


def test_data_files_are_sane():
    brands = load_brands()
    assert 250 <= len(brands) <= 500
    assert len(set(brands)) == len(brands)
    categories = set(load_categories().values())
    assert 20 <= len(categories) <= 40
    assert "Toys & Hobbies" in categories and "Cameras & Photo" in categories
