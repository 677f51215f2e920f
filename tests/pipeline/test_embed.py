"""Sentence embeddings from the packaged model: offline, unit length, meaning-aware, order-safe."""

from __future__ import annotations

import numpy as np

from bot.pipeline.embed import DIMENSIONS, shared_embedder


def test_embeddings_put_paraphrases_close_and_keep_input_order() -> None:
    texts = [
        "Mt. Gox files for US bankruptcy protection",
        "Chiquita to merge with Fyffes, creating the biggest banana company",
        "",
        "Bitcoin exchange Mt. Gox seeks bankruptcy relief in the United States",
    ]
    vectors = shared_embedder().encode(texts)
    assert vectors.shape == (4, DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors[[0, 1, 3]], axis=1), 1.0, atol=1e-4)
    assert not vectors[2].any(), "an empty text has no direction"
    similar, unrelated = vectors[0] @ vectors[3], vectors[0] @ vectors[1]
    assert similar > 0.6 and unrelated < 0.3
    alone = shared_embedder().encode([texts[3]])[0]
    assert np.allclose(alone, vectors[3], atol=1e-4), "batching and sorting change nothing"
