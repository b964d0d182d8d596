"""Generate a few sample product photos (printed labels, real barcodes) and run them through
the whole pipeline, so a new user sees BOOMER work in one command."""
import time

from django.conf import settings
from django.core.management import call_command

from boomer_site.commands import DatabaseCommand
from products.samples import make_product_photo

SAMPLES = [
    ("sony-headphones.jpg", "SONY WH-1000XM4 Wireless Noise Cancelling Headphones", "4548736112094",
     "new, sealed"),
    ("nintendo-controller.jpg", "NINTENDO Switch Pro Controller HAC-013", "0045496430528",
     "like new, works great, no scratches"),
    ("lego-technic", None, "5702016616378", "used, complete set, light scratches on the box"),
    ("canon-camera.jpg", "CANON EOS 80D Digital Camera Body", None, ""),
]


class Command(DatabaseCommand):
    help = "Make sample photos under var/demo/ and run them through the pipeline (--wait)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        as_json = options["json"]
        folder = settings.VAR_DIR / "demo" / time.strftime("%Y%m%d-%H%M%S")
        folder.mkdir(parents=True)
        seed = time.time_ns() % 1_000_000  # new photos each run, so a second demo is not all duplicates
        paths = []
        for name, label, ean, notes in SAMPLES:
            if label is None:  # a folder: one item with three photos
                item = folder / name
                item.mkdir()
                for i, view in enumerate(["LEGO Technic 42115 Lamborghini", "LEGO Technic 42115 side", "LEGO box back"]):
                    make_product_photo(item / f"{i}.jpg", label=view, ean13=ean if i == 0 else None,
                                       size=(1200, 900), seed=seed + i)
                (item / "notes.txt").write_text(notes)
                paths.append(str(item))
                continue
            path = folder / name
            make_product_photo(path, label=label, ean13=ean, seed=seed)
            if notes:
                path.with_suffix(".txt").write_text(notes)
            paths.append(str(path))
        self.stderr.write(f"sample photos in {folder}")
        call_command("process_images", *paths, wait=True, json=as_json, stdout=self.stdout, stderr=self.stderr)
        if not as_json:
            self.stdout.write("\nOpen the admin to review them: http://127.0.0.1:8000/admin/products/product/?stage__exact=PENDING")
