"""The build script as a separate process: atomic publication under SIGKILL, exit codes, CLI refusal."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from embeddings.manifest import Manifest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def env_for(tmp_path, kb, encoder="hashing"):
    env = dict(os.environ)
    env.update({"INDEX_DIR": str(tmp_path / "index"), "BOT__INDEX__CACHE_DIR": str(tmp_path / "cache"),
                "BOT__KNOWLEDGE_BASE__PATH": str(kb), "BOT__KNOWLEDGE_BASE__REQUIRED_LANGUAGES": "[en]",
                "BOT__ENCODER__BACKEND": encoder})
    return env


def build(env, *args):
    return subprocess.run([sys.executable, "scripts/build_index.py", "--quiet", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def synthetic_export(path: Path, entries: int) -> Path:
    with path.open("w") as handle:
        for i in range(entries):
            handle.write(json.dumps({"id": f"synthetic.e{i}", "lang": "en", "question": f"question {i} about coin {i}",
                                     "answer": f"answer {i} " * 20, "alt_questions": [f"alt {i} words"]}) + "\n")
    return path


def test_killed_build_leaves_previous_index_intact(tmp_path):
    small = synthetic_export(tmp_path / "small.jsonl", 20)
    env = env_for(tmp_path, small)
    assert build(env).returncode == 0
    before = Manifest.load(tmp_path / "index")
    big = synthetic_export(tmp_path / "big.jsonl", 6000)
    env_big = env_for(tmp_path, big)
    for delay in (0.8, 1.6, 2.4):
        process = subprocess.Popen([sys.executable, "scripts/build_index.py", "--quiet"], cwd=ROOT, env=env_big,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait()
        current = Manifest.load(tmp_path / "index")
        # Either the old index, or (if the build finished first) the complete new one: never a mix.
        assert current.kb_hash in {before.kb_hash} or current.entries == 6000
        from embeddings.index import FaqIndex

        FaqIndex.load(tmp_path / "index")


def test_invalid_knowledge_base_exits_non_zero_with_problems(tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "trade.yaml").write_text("category: trade\nentries:\n  - id: trade.fees\n    translations:\n"
                                   "      en: {question: Fees, answer: ''}\n")
    result = build(env_for(tmp_path, kb))
    assert result.returncode == 1
    assert "trade.yaml: trade.fees: language 'en' has an empty or missing answer" in result.stderr


def test_cli_refuses_index_of_another_encoder(tmp_path):
    kb = synthetic_export(tmp_path / "kb.jsonl", 10)
    assert build(env_for(tmp_path, kb, encoder="hashing")).returncode == 0
    result = subprocess.run([sys.executable, "-m", "bot", "ask", "question 3"], cwd=ROOT,
                            env=env_for(tmp_path, kb, encoder="use-m3"), capture_output=True, text=True)
    assert result.returncode == 1
    assert "rebuild with `python scripts/build_index.py`" in result.stderr


def test_ask_jsonl_keeps_order_and_reports_bad_lines(tmp_path):
    kb = synthetic_export(tmp_path / "kb.jsonl", 10)
    env = env_for(tmp_path, kb)
    assert build(env).returncode == 0
    queries = [json.dumps({"text": "question 3 about coin 3"}), "not json", json.dumps({"text": "alt 7 words"})]
    lines = "\n".join(queries)
    result = subprocess.run([sys.executable, "-m", "bot", "ask", "--jsonl", "-"], cwd=ROOT, env=env, input=lines,
                            capture_output=True, text=True)
    outputs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("faq_id") for o in outputs] == ["synthetic.e3", None, "synthetic.e7"]
    assert "error" in outputs[1] and "line 2" in outputs[1]["error"]
    assert set(outputs[0]) >= {"action", "faq_id", "candidates", "confidence", "language", "intent", "reply",
                               "reasons", "flags"}
