"""Train the classifier on a small multilingual set with the real encoder; classify held-out examples."""

import pytest

from intents.classifier import ClassifierConfig, IntentClassifier

pytestmark = pytest.mark.integration

TRAIN = {
    "greeting": ["hello", "hi there", "good morning", "hola", "buenos días", "你好", "早上好", "hey, anyone here?"],
    "request_human": ["I want to talk to a person", "connect me to an agent", "quiero hablar con un agente",
                      "pásame con una persona", "我要人工客服", "转人工", "live agent please", "operator"],
    "withdrawal": ["how do I withdraw USDT", "withdrawal is pending", "¿cómo retiro mis fondos?",
                   "mi retiro no llega", "怎么提币", "提币一直没到账", "withdraw to another wallet",
                   "withdrawal fee for BTC"],
}
HELD_OUT = [
    ("good evening!", "greeting"), ("buenas noches", "greeting"), ("您好", "greeting"),
    ("can a human help me", "request_human"), ("necesito hablar con alguien real", "request_human"),
    ("找真人客服", "request_human"),
    ("my withdrawal still hasn't arrived", "withdrawal"), ("quiero retirar bitcoin", "withdrawal"),
    ("提现要多久到账", "withdrawal"),
]


def test_trains_on_a_small_multilingual_set_and_generalises(use_encoder):
    texts = [text for examples in TRAIN.values() for text in examples]
    labels = [label for label, examples in TRAIN.items() for _ in examples]
    classifier = IntentClassifier(ClassifierConfig()).fit(texts, labels, use_encoder.encode(texts))
    predictions = [classifier.predict(text, use_encoder.encode_query(text)).intent for text, _ in HELD_OUT]
    assert predictions == [label for _, label in HELD_OUT]
