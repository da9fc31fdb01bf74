import numpy as np

from embeddings.hashing import HashingEncoder
from intents.classifier import UNKNOWN, ClassifierConfig, IntentClassifier, choose_threshold
from intents.definitions import load_intents
from intents.training import out_of_fold, product_training_data, threshold_from_predictions


def test_threshold_maximises_accuracy_plus_recall():
    correct = np.array([True, True, True, False])
    in_conf = np.array([0.9, 0.8, 0.7, 0.4])
    oos_conf = np.array([0.3, 0.5])
    assert choose_threshold(correct, in_conf, oos_conf) == 0.7
    assert choose_threshold(correct, in_conf, np.array([])) == 0.0


def test_fit_predict_save_load(tmp_path):
    encoder = HashingEncoder(128)
    texts = ["hello", "hi there", "good morning", "bye", "see you", "goodbye now"] * 3
    labels = ["greeting"] * 3 + ["goodbye"] * 3
    labels = labels * 3
    classifier = IntentClassifier(ClassifierConfig(use_ngrams=True)).fit(texts, labels, encoder.encode(texts))
    assert classifier.predict("hello there", encoder.encode_query("hello there")).intent == "greeting"
    classifier.threshold = 0.99
    assert classifier.predict("hello there", encoder.encode_query("hello there")).intent == UNKNOWN
    classifier.save(tmp_path / "m.npz", {"encoder": encoder.identity})
    loaded, metadata = IntentClassifier.load(tmp_path / "m.npz")
    assert metadata["encoder"] == encoder.identity and loaded.threshold == 0.99


def test_shipped_intents_cover_twelve_languages_and_feed_the_faq_class():
    intents = load_intents()
    required = {"greeting", "goodbye", "thanks", "bot_identity", "request_human", "complaint", "account_compromised",
                "report_phishing", "affirm", "deny", "out_of_scope"}
    assert required <= set(intents)
    for name in required:
        assert len(intents[name].examples) == 12, name
    from bot.kb.loader import load_knowledge_base
    from tests.conftest import FIXTURE_KB

    texts, labels = product_training_data(intents, load_knowledge_base(FIXTURE_KB))
    assert "faq" in labels and len(texts) == len(labels)


def test_out_of_fold_threshold_on_separable_data():
    encoder = HashingEncoder(64)
    texts = [f"deposit {i}" for i in range(12)] + [f"weather {i}" for i in range(12)] + [f"zz{i}q" for i in range(6)]
    labels = ["faq"] * 12 + ["chat"] * 12 + [UNKNOWN] * 6
    predicted, confidence, _ = out_of_fold(texts, labels, encoder.encode(texts), ClassifierConfig(), folds=3)
    assert len(predicted) == len(texts) and confidence.min() > 0
    assert 0.0 <= threshold_from_predictions(labels, predicted, confidence) <= 1.0


def test_threshold_for_a_recall_target():
    correct = np.array([True, True, True, True])
    in_conf = np.array([0.9, 0.8, 0.6, 0.5])
    oos_conf = np.array([0.3, 0.55, 0.7, 0.95])
    threshold = choose_threshold(correct, in_conf, oos_conf, recall_target=0.5)
    assert np.mean(oos_conf < threshold) >= 0.5
    assert threshold == min(t for t in np.unique(np.concatenate([[0.0], in_conf, oos_conf]))
                            if np.mean(oos_conf < t) >= 0.5)
