import shutil

import pytest

from bot.build import build_index
from bot.errors import IndexError_, KnowledgeBaseError
from bot.pipeline import Assistant
from embeddings.hashing import HashingEncoder
from embeddings.index import FaqIndex
from tests.conftest import FIXTURE_KB, make_settings


def test_build_writes_index_manifest_selftest_and_classifier(settings):
    result = build_index(settings, progress=False)
    index = FaqIndex.load(result.folder)
    assert index.manifest.entries == 5
    assert index.manifest.encoder == HashingEncoder().identity
    assert index.manifest.kb_hash
    assert "leave_one_out_top1" in index.manifest.selftest
    assert index.manifest.index_type == "IndexFlatIP"
    assert result.texts == len(index.rows) == index.dense.ntotal
    assert (result.folder / "intents.npz").exists()
    assert index.manifest.extra["intents_hash"] and "threshold" in index.manifest.extra["intents"]


def test_if_stale_skips_an_unchanged_knowledge_base_and_intents(settings, tmp_path):
    build_index(settings, progress=False)
    assert build_index(settings, progress=False, if_stale=True).skipped
    assert not build_index(settings, progress=False, if_stale=True, intents_dir=None).skipped


def test_editing_one_entry_reembeds_only_its_texts(tmp_path):
    kb = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, kb)
    settings = make_settings(tmp_path, encoder__backend="hashing", knowledge_base__path=str(kb))
    first = build_index(settings, progress=False, intents_dir=None)
    path = kb / "withdraw.yaml"
    path.write_text(path.read_text().replace("minimum withdrawal amount", "lowest amount I can withdraw"))
    second = build_index(settings, progress=False, if_stale=True, intents_dir=None)
    assert not second.skipped
    assert first.embedded == first.texts
    assert second.embedded == 2  # the alternate question and the answer both mention it


def test_approximate_index_above_threshold(tmp_path):
    settings = make_settings(tmp_path, encoder__backend="hashing", index__approximate_above="10",
                             index__ivf_lists="4")
    result = build_index(settings, progress=False, selftest=False, intents_dir=None)
    assert FaqIndex.load(result.folder).manifest.index_type == "IndexIVFFlat"


def test_invalid_knowledge_base_fails_with_problems(tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "a.yaml").write_text("category: a\nentries:\n  - id: a.b\n    translations: {}\n")
    with pytest.raises(KnowledgeBaseError, match=r"a.yaml: a.b: needs a 'translations' mapping"):
        build_index(make_settings(tmp_path, encoder__backend="hashing", knowledge_base__path=str(kb)),
                    progress=False)


def test_index_from_another_encoder_is_refused(tmp_path, settings):
    build_index(settings, progress=False, intents_dir=None)
    other = HashingEncoder(dimensions=64)
    with pytest.raises(IndexError_, match=r"rebuild with `python scripts/build_index.py`"):
        Assistant(settings, encoder=other).warm_up()


def test_missing_index_says_how_to_build(settings):
    with pytest.raises(IndexError_, match=r"no index at .*build_index.py"):
        Assistant(settings).warm_up()
