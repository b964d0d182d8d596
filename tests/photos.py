"""Test photos come from the project's own sample generator (also used by `demo` and the benchmark)."""
from products.samples import load_font, make_product_photo, render_ean13  # noqa: F401
