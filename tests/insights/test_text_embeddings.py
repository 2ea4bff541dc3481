"""Sentence embeddings come from the model shipped in a package; when it cannot load, callers are told why."""

import numpy as np
import pytest

from commonbeat.insights.text import embeddings


def test_vectors_survive_storage_as_bytes():
    vector = np.array([0.5, -0.25, 1.0], dtype=np.float32)
    data = embeddings.to_bytes(vector)
    assert len(data) == 12
    assert np.array_equal(embeddings.from_bytes(data), vector)
    assert np.array_equal(embeddings.from_bytes(memoryview(data)), vector)


def test_texts_are_encoded_as_unit_rows_or_the_failure_is_explained():
    if embeddings.available():
        assert embeddings.failure() == ""
        vectors = embeddings.encode(["Cars speed on Elm Street every night.",
                                     "Drivers go too fast on Elm Street at night.",
                                     "The library has a new reading room."])
        assert vectors.shape == (3, embeddings.DIMENSIONS) and vectors.dtype == np.float32
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
        assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
        assert embeddings.encode([]).shape == (0, embeddings.DIMENSIONS)
    else:
        assert embeddings.failure()
        with pytest.raises(embeddings.ModelUnavailable):
            embeddings.encode(["anything"])


def test_a_model_that_cannot_load_is_reported_not_raised(monkeypatch):
    monkeypatch.setattr(embeddings, "_model", None)
    monkeypatch.setattr(embeddings, "_failure", "OSError: model files missing")
    assert embeddings.available() is False
    assert embeddings.failure() == "OSError: model files missing"
    with pytest.raises(embeddings.ModelUnavailable, match="model files missing"):
        embeddings.encode(["anything"])


def test_a_missing_package_is_told_without_loading_the_model(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(embeddings, "_model", None)
    monkeypatch.setattr(embeddings, "_failure", "")
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: None if name == "sentence_transformers" else real(name, *args))
    assert "sentence_transformers" in embeddings.failure_without_loading()
