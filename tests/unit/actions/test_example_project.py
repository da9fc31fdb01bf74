"""The Rasa example project under examples/rasa wires exactly the actions and slots the server provides."""

from pathlib import Path

import yaml

from bot.actions import ActionFaqAnswer, ActionHandoffStatus, ActionHandoffToHuman

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "rasa"
ACTIONS = {ActionFaqAnswer().name(), ActionHandoffToHuman().name(), ActionHandoffStatus().name()}
SLOTS_SET = {"language", "faq_id", "faq_confidence", "handoff_id", "handoff_status"}


def load(name: str) -> dict:
    return yaml.safe_load((EXAMPLE / name).read_text(encoding="utf-8"))


def test_domain_lists_the_actions_and_every_slot_they_set():
    domain = load("domain.yml")
    assert set(domain["actions"]) == ACTIONS
    assert set(domain["slots"]) == SLOTS_SET
    for name, slot in domain["slots"].items():
        assert slot["mappings"] == [{"type": "custom"}], name


def test_rules_use_known_intents_and_actions():
    domain = load("domain.yml")
    intents = set(domain["intents"]) | {"nlu_fallback"}
    used = set()
    for rule in load("data/rules.yml")["rules"]:
        for step in rule["steps"]:
            assert step.get("intent", "nlu_fallback") in intents, rule["rule"]
            if "action" in step:
                used.add(step["action"])
    assert used == ACTIONS


def test_nlu_examples_cover_every_intent():
    domain = load("domain.yml")
    covered = {item["intent"] for item in load("data/nlu.yml")["nlu"]}
    assert covered == set(domain["intents"])


def test_endpoints_point_at_the_action_server_webhook():
    assert load("endpoints.yml")["action_endpoint"]["url"] == "http://localhost:5055/webhook"
    config = load("config.yml")
    assert any(component["name"] == "FallbackClassifier" for component in config["pipeline"])
