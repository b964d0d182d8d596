"""The offline provider: barcodes (zxing-cpp), printed text (RapidOCR), the seller's notes and
image quality. It states what it could not determine rather than guessing."""
from __future__ import annotations

import os
import threading

from agents.evidence import local_evidence
from agents.local import (
    barcodes,
    condition_rules,
    drafts,
    imaging,
    ocr,
    quality,
    text_facts,
)
from agents.providers.base import (
    ConditionReport,
    DraftRequest,
    DraftSet,
    Identity,
    Photo,
    Provider,
)

OCR_PHOTOS = 4  # text is read from the first photos only: OCR is the slow step
# Reading photos is CPU work: on a thread-pool worker (where the AI steps wait on a remote
# model) no more items are read at once than there are cores, so the reads do not thrash.
_READ_SLOTS = threading.BoundedSemaphore(os.cpu_count() or 2)


class LocalProvider(Provider):
    name = "local"
    model_version = "local-2"

    def identify(self, *, photos: list[Photo], notes: str) -> Identity:
        with _READ_SLOTS:
            return self._identify(photos=photos, notes=notes)

    def _identify(self, *, photos: list[Photo], notes: str) -> Identity:
        codes: list[barcodes.Barcode] = []
        printed: list[text_facts.PrintedLine] = []
        photo_quality = []
        for index, photo in enumerate(photos):
            img = imaging.open_image(photo.data)
            for code in barcodes.read_barcodes(img):
                if code.text not in {c.text for c in codes}:
                    codes.append(code)
            if index < OCR_PHOTOS:
                printed.extend(text_facts.PrintedLine(line.text, line.height, index + 1) for line in ocr.read_text(img))
            q = quality.assess_quality(img)
            photo_quality.append({"photo": photo.name, "width": q.width, "height": q.height,
                                  "sharpness": round(q.sharpness, 1), "brightness": round(q.brightness, 1),
                                  "issues": list(q.issues)})
        lines = [line.text for line in printed]
        gtin = next((c.text for c in codes if c.is_gtin), None)
        found = text_facts.extract_identity(printed, notes, gtin or (codes[0].text if codes else None))
        barcode = found.barcode  # decoded, or a GTIN whose printed digits OCR read (see evidence)
        unknowns = list(found.unknowns)
        if not barcode:
            unknowns.append("barcode")
        return Identity(
            name=found.name, brand=found.brand, model=found.model, category=found.category, barcode=barcode,
            attributes=dict(found.attributes), unknowns=tuple(dict.fromkeys(unknowns)),
            analysis={
                "provider": self.name,
                "text_read": lines,
                "barcodes": [{"text": c.text, "format": c.format, "gtin": c.is_gtin} for c in codes],
                "photo_quality": photo_quality,
                "evidence": local_evidence(
                    values={"name": found.name, "brand": found.brand, "model": found.model, "category": found.category,
                            "barcode": barcode},
                    sources={**found.evidence, **({"barcode": "barcode"} if barcode in {c.text for c in codes} else {})}),
            },
        )

    def assess_condition(self, *, photos: list[Photo], notes: str, analysis: dict) -> ConditionReport:
        photo_issues = tuple(sorted({i for q in analysis.get("photo_quality", []) for i in q.get("issues", [])}))
        guess = condition_rules.grade_condition(notes, analysis.get("text_read", []), photo_issues)
        return ConditionReport(grade=guess.grade, defects=tuple(guess.defects), confidence=guess.confidence,
                               reason=guess.reason)

    def write_drafts(self, *, request: DraftRequest) -> DraftSet:
        return DraftSet(drafts=drafts.compose_drafts(
            name=request.name, brand=request.brand, model=request.model, category=request.category,
            attributes=request.attributes, barcode=request.barcode, grade=request.grade,
            defects=list(request.defects), price=request.price, currency=request.currency, notes=request.notes,
        ))
