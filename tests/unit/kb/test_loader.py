import json

import pytest

from bot.errors import KnowledgeBaseError
from bot.kb.loader import load_knowledge_base
from tests.conftest import FIXTURE_KB

GOOD_ENTRY = """
  - id: {id}
    tags: [t]
    translations:
      en:
        question: Q
        alt_questions: [a, b]
        answer: A
"""


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path, **kwargs):
    with pytest.raises(KnowledgeBaseError) as error:
        load_knowledge_base(path, **kwargs)
    return error.value.problems


def test_fixture_loads_with_every_language():
    kb = load_knowledge_base(FIXTURE_KB, required_languages=["en"], min_alt_questions=4)
    assert "withdraw.fees" in kb.entries
    assert kb.entries["withdraw.fees"].translations["es"].alt_questions
    assert kb.languages() == ["en", "es", "zh-CN"]


def test_malformed_yaml_names_file_and_line(tmp_path):
    write(tmp_path, "deposit.yaml", "category: deposit\nentries:\n  - id: [unclosed\n")
    (problem,) = problems_of(tmp_path)
    assert "deposit.yaml" in problem and "malformed YAML at line" in problem


def test_duplicate_ids_across_files(tmp_path):
    write(tmp_path, "deposit.yaml", "category: deposit\nentries:" + GOOD_ENTRY.format(id="deposit.x"))
    write(tmp_path, "other.yaml", "category: other\nentries:" + GOOD_ENTRY.format(id="deposit.x"))
    problems = problems_of(tmp_path)
    assert any("other.yaml: deposit.x: duplicate id (first defined in deposit.yaml)" in p for p in problems)


def test_missing_language_empty_answer_unknown_code_are_all_reported(tmp_path):
    write(tmp_path, "kyc.yaml", """category: kyc
entries:
  - id: kyc.levels
    translations:
      en: {question: "Levels", alt_questions: [a], answer: ""}
      xx: {question: Q, alt_questions: [a], answer: A}
""")
    problems = problems_of(tmp_path, required_languages=["en", "zh-CN"], min_alt_questions=2)
    text = "\n".join(problems)
    assert "kyc.yaml: kyc.levels: language 'en' has an empty or missing answer" in text
    assert "kyc.yaml: kyc.levels: unknown language code 'xx'" in text
    assert "missing required language(s) ['zh-CN']" in text
    assert "has 1 alternate question(s), needs 2" in text


def test_bad_id_and_category_mismatch(tmp_path):
    write(tmp_path, "trade.yaml", "category: trade\nentries:" + GOOD_ENTRY.format(id="Trade Fees")
          + GOOD_ENTRY.format(id="kyc.levels"))
    text = "\n".join(problems_of(tmp_path))
    assert "id 'Trade Fees' must look like 'category.name'" in text
    assert "kyc.levels: id must start with its category 'trade'" in text


def test_wrong_encoding_is_reported(tmp_path):
    (tmp_path / "api.yaml").write_bytes("category: api\nentries: []\n# caf\xe9".encode("latin-1"))
    assert "not UTF-8" in problems_of(tmp_path)[0]


def test_jsonl_export_merges_languages_and_keeps_long_answers(tmp_path):
    long_answer = "Step. " * 1000
    rows = [
        {"id": "deposit.how", "lang": "en", "question": "How to deposit?", "answer": long_answer,
         "alt_questions": ["deposit crypto"], "category": "deposit"},
        {"id": "deposit.how", "lang": "zh_cn", "question": "怎么充币", "answer": "打开资产页面。"},
    ]
    path = write(tmp_path, "export.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    kb = load_knowledge_base(path, required_languages=["en", "ja"])
    entry = kb.entries["deposit.how"]
    assert set(entry.translations) == {"en", "zh-CN"}
    assert len(entry.translations["en"].answer) > 5000
    assert entry.translations["en"].alt_questions == ("deposit crypto",)


def test_csv_export_with_pipe_separated_alternates(tmp_path):
    path = write(tmp_path, "export.csv", "id,lang,question,answer,alt_questions,category\n"
                 "withdraw.fee,en,Fees?,It depends.,fee for btc|withdraw cost,withdraw\n"
                 "withdraw.fee,es,¿Comisión?,Depende.,,withdraw\n")
    entry = load_knowledge_base(path).entries["withdraw.fee"]
    assert entry.translations["en"].alt_questions == ("fee for btc", "withdraw cost")
    assert set(entry.translations) == {"en", "es"}


def test_export_problems_name_the_line(tmp_path):
    path = write(tmp_path, "bad.jsonl", '{"id": "a.b", "lang": "en", "question": "Q"}\nnot json\n'
                 '{"id": "a.b", "lang": "en", "question": "Q", "answer": "A"}\n'
                 '{"id": "a.b", "lang": "en", "question": "Q2", "answer": "A2"}\n')
    text = "\n".join(problems_of(path))
    assert "line 1: missing or empty field(s) ['answer']" in text
    assert "line 2: not valid JSON" in text
    assert "line 4: a.b: language 'en' given twice" in text
    csv_path = write(tmp_path, "bad.csv", "id,question\nx.y,Q\n")
    assert "header lacks column(s) ['lang', 'answer']" in problems_of(csv_path)[0]
