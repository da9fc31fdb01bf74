"""The measurement scripts run end to end on tiny inputs with known results."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "intents"


def run(*args, env=None):
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def test_evaluate_intents_on_a_tiny_csv():
    result = run("scripts/evaluate_intents.py", "--train", str(FIXTURES / "train.csv"), "--test",
                 str(FIXTURES / "test.csv"), "--json")
    assert result.returncode == 0, result.stderr
    numbers = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(numbers) >= {"accuracy", "macro_f1", "in_scope_accuracy", "oos_recall", "oos_precision", "n_train",
                            "n_test", "train_seconds", "ms_per_query"}
    assert numbers["n_train"] == 24 and numbers["n_test"] == 4
    # The three in-scope test rows are easy paraphrases; without --val no threshold is set, so the one
    # out-of-scope row is necessarily misclassified.
    assert numbers["in_scope_accuracy"] == 1.0
    assert numbers["oos_recall"] == 0.0
    assert numbers["accuracy"] == 0.75


def test_evaluate_intents_threshold_from_val_catches_out_of_scope(tmp_path):
    val = tmp_path / "val.csv"
    val.write_text("text,label\nbake a chocolate cake,oos\nwhat is the capital of peru,oos\nhello,greeting\n"
                   "bye,goodbye\nwithdraw btc,withdraw\n")
    result = run("scripts/evaluate_intents.py", "--train", str(FIXTURES / "train.csv"), "--test",
                 str(FIXTURES / "test.csv"), "--val", str(val), "--json")
    assert result.returncode == 0, result.stderr
    numbers = json.loads(result.stdout.strip().splitlines()[-1])
    assert numbers["threshold"] > 0


def test_evaluate_intents_reports_a_missing_file():
    result = run("scripts/evaluate_intents.py", "--train", "nope.csv", "--test", "nope2.csv")
    assert result.returncode == 1 and "nope.csv not found" in result.stderr


def test_language_evaluation_script():
    result = run("scripts/evaluate_language.py", "--json", "--xsid", "/nonexistent")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["knowledge_base_alternates"]["accuracy"] > 0.9


def test_security_evaluation_script():
    result = run("scripts/evaluate_security.py", "--json", "--per-kind", "20")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert all(item["recall"] >= 0.95 and item["leaked"] == 0 for item in report["recall"].values())
    assert report["knowledge_base_questions"]["flagged"] == 0


def test_paraphrase_evaluation_script(tmp_path):
    result = run("scripts/evaluate_paraphrases.py", env={"INDEX_DIR": str(tmp_path / "missing")})
    assert result.returncode == 1 and result.stderr.startswith("error: no index at")
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_bench_intake_measures_plain_and_intake_turns(shipped_index_dir, tmp_path):
    out = tmp_path / "intake.json"
    result = run("scripts/bench_intake.py", "--rounds", "1", "--json", str(out),
                 env={"INDEX_DIR": str(shipped_index_dir)})
    assert result.returncode == 0, result.stderr
    numbers = json.loads(out.read_text())
    assert numbers["plain_answer"]["turns"] == 12 and numbers["intake_opening"]["turns"] == 3
    # Every answer of the three scripted conversations is an intake turn (none ends the form early).
    assert numbers["intake_answer"]["turns"] == 19
    assert isinstance(numbers["added_by_intake_answer_ms"], float)


def test_bench_attachments_cleans_each_generated_input():
    result = run("scripts/bench_attachments.py", "--runs", "1")
    assert result.returncode == 0, result.stderr
    numbers = json.loads(result.stdout)
    assert set(numbers) == {"png_1920x1080", "jpeg_4032x3024_exif_gps", "text_512_kib_with_seed_phrase"}
    assert all(isinstance(value, float) and value > 0 for value in numbers.values())
