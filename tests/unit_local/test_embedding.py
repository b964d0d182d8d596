import math

from products.embedding import EMBEDDING_DIM, embed_text, embed_texts


def _cos(a, b):
    return sum(x * y for x, y in zip(a, b))


def test_embedding_shape_and_norm():
    vector = embed_text("Sony WH-1000XM4 wireless noise cancelling headphones")
    assert len(vector) == EMBEDDING_DIM == 384
    assert math.isclose(math.sqrt(sum(x * x for x in vector)), 1.0, rel_tol=1e-4)
    assert all(isinstance(x, float) for x in vector)


def test_similar_texts_are_closer():
    a, b, c = embed_texts([
        "Sony WH-1000XM4 wireless noise cancelling headphones",
        "Sony over-ear bluetooth headphones with noise cancellation",
        "LEGO Star Wars Millennium Falcon building set",
    ])
    assert _cos(a, b) > _cos(a, c) + 0.2


def test_batch_matches_single_and_empty_batch():
    single = embed_text("Nintendo Switch console")
    batch = embed_texts(["Nintendo Switch console", "Canon DSLR camera"])
    assert len(batch) == 2
    assert _cos(single, batch[0]) > 0.999
    assert embed_texts([]) == []
