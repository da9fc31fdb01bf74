from embeddings.lexical import LexicalIndex
from embeddings.tokenize import tokenize


def test_tokenize_words_and_cjk_bigrams():
    assert tokenize("USDT-TRC20 error -1021") == ["usdt", "trc20", "error", "1021"]
    assert tokenize("提币没到账") == ["提币", "币没", "没到", "到账"]
    assert tokenize("Ｂｉｔｃｏｉｎ") == ["bitcoin"]


def test_bm25_prefers_rare_exact_terms(tmp_path):
    index = LexicalIndex.build(["how to withdraw usdt", "deposit btc", "api error -1021 timestamp", "withdraw btc"])
    rows, scores = index.scores("error 1021")
    assert rows[scores.argmax()] == 2
    index.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path)
    again_rows, _ = loaded.scores("error 1021")
    assert list(again_rows) == list(rows)
    assert loaded.scores("nothing matches")[0].size == 0
