import numpy as np

from embeddings.cache import EmbeddingCache
from embeddings.hashing import HashingEncoder
from embeddings.store import builds_folder, new_build_folder, publish


def test_cache_encodes_only_new_texts(tmp_path):
    encoder = HashingEncoder(32)
    calls = []

    def encode(texts):
        calls.append(list(texts))
        return encoder.encode(texts)

    cache = EmbeddingCache(tmp_path, encoder.identity)
    first = cache.embed(["a b c", "d e f"], encode)
    cache.save()
    again = EmbeddingCache(tmp_path, encoder.identity)
    second = again.embed(["a b c", "new text"], encode)
    assert calls == [["a b c", "d e f"], ["new text"]]
    assert again.hits == 1 and again.misses == 1
    assert np.allclose(first[0], second[0], atol=1e-3)
    assert np.allclose(np.linalg.norm(second, axis=1), 1.0, atol=1e-5)


def test_publish_swaps_symlink_and_prunes(tmp_path):
    target = tmp_path / "index"
    folders = []
    for i in range(4):
        folder = new_build_folder(target)
        (folder / "marker").write_text(str(i))
        publish(folder, target)
        folders.append(folder)
        assert (target / "marker").read_text() == str(i)
    assert target.is_symlink()
    assert len(list(builds_folder(target).iterdir())) == 2


def test_publish_adopts_a_plain_folder(tmp_path):
    target = tmp_path / "index"
    target.mkdir()
    (target / "old").write_text("x")
    folder = new_build_folder(target)
    publish(folder, target)
    assert target.is_symlink()
    assert any((p / "old").exists() for p in builds_folder(target).iterdir())
