"""One turn, end to end: language, intent, retrieval, policy, reply in the user's language."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from pathlib import Path

from bot.answers import Localizer
from bot.config import Settings
from bot.errors import InputError
from bot.guard import GuardResult, SecurityGuard
from bot.kb.languages import normalise_language
from bot.language import LanguageDetector
from bot.policy import Decision, Policy, PolicyThresholds
from bot.replies import ReplyWriter
from bot.retrieval import HybridRetriever
from bot.state import ConversationState
from bot.turn import TurnResult
from embeddings.factory import make_encoder
from embeddings.index import FaqIndex
from embeddings.protocol import TextEncoder
from intents.classifier import CLASSIFIER_FILE, IntentClassifier, IntentPrediction
from intents.definitions import load_intents

MAX_TEXT_CHARS = 4000


class Assistant:
    """The assistant behind every channel (CLI, HTTP, WebSocket, Rasa). Call `warm_up()` before `ask()`."""

    def __init__(self, settings: Settings, *, encoder: TextEncoder | None = None,
                 index_dir: Path | None = None) -> None:
        self.settings = settings
        self.encoder = encoder or make_encoder(settings)
        self.index_dir = settings.resolve(index_dir or settings.index.dir)
        self.detector = LanguageDetector(settings.languages.supported, settings.languages.default)
        self.localizer = Localizer(settings.languages, settings.brand)
        self.guard = SecurityGuard(settings.brand)
        self.retriever: HybridRetriever | None = None
        self.classifier: IntentClassifier | None = None

    def warm_up(self) -> None:
        """Load the encoder, the index (refusing one built by another encoder), the classifier, profiles."""
        if self.retriever is not None:
            return
        self.encoder.warm_up()
        import faiss

        # One query at a time: FAISS's OpenMP threads cost more to wake than a single search takes.
        faiss.omp_set_num_threads(1)
        index = FaqIndex.load(self.index_dir, probe=self.settings.index.ivf_probe)
        index.manifest.check_encoder(self.encoder.identity, self.encoder.dimensions)
        self.detector.warm_up()
        self.guard.warm_up()
        classifier_path = index.folder / CLASSIFIER_FILE if index.folder else None
        if classifier_path is not None and classifier_path.exists():
            self.classifier, _ = IntentClassifier.load(classifier_path)
            if self.settings.policy.intent_threshold is not None:
                self.classifier.threshold = self.settings.policy.intent_threshold
        policy = self.settings.policy
        thresholds = PolicyThresholds.from_settings(self.settings.retrieval.answer_threshold, policy,
                                                    index.manifest.selftest)
        self.policy = Policy(thresholds, policy.handoff_intents, policy.smalltalk_intents)
        self.writer = ReplyWriter(self.localizer, load_intents())
        self._entries = {entry.id: entry for entry in index.entries}
        self._flags = {entry.id: entry.flags for entry in index.entries}
        self.retriever = HybridRetriever(index, self.encoder, self.settings.retrieval)

    @property
    def index(self) -> FaqIndex:
        """The loaded index."""
        self.warm_up()
        assert self.retriever is not None
        return self.retriever.index

    def ask(self, text: str, *, lang: str | None = None, state: ConversationState | None = None) -> TurnResult:
        """Answer one message. `lang` forces the reply language; `state` carries the conversation (updated).

        The security guard runs first; from then on only the redacted text is used, so no pasted secret
        reaches the encoder, the result, or anything that stores it.
        """
        self.warm_up()
        assert self.retriever is not None
        state = state if state is not None else ConversationState()
        guarded = self.guard.inspect(clean_text(text))
        text = guarded.text
        language = self._language(text, lang, state)
        vector = self.encoder.encode_query(text)
        intent = self._intent(text, vector)
        candidates = self.retriever.search(text, vector=vector)
        if guarded.scan.critical:
            decision = self.policy.emergency(state, [f"secret_exposed:{kind}" for kind in guarded.scan.kinds])
        else:
            decision = self.policy.decide(text, intent, candidates, self._flags, state)
        reply = self._reply(decision, guarded, language, state)
        state.language = language
        return TurnResult(
            action=decision.action, reply=reply, language=language, faq_id=decision.faq_id,
            candidates=[{"faq_id": c.faq_id, "score": c.score} for c in candidates],
            confidence=candidates[0].score if candidates else 0.0, intent=decision.intent,
            reasons=decision.reasons, flags=guarded.flags,
            options=self.writer.options(decision, self._entries, language), entities=guarded.entities,
            title=self._title(decision.faq_id if decision.action == "answer" else None, language),
            user_text=text)

    def redact(self, text: str) -> GuardResult:
        """Validate and guard a message without answering it (e.g. while an agent owns the conversation)."""
        self.warm_up()
        return self.guard.inspect(clean_text(text))

    def _title(self, faq_id: str | None, language: str) -> str | None:
        entry = self._entries.get(faq_id) if faq_id else None
        return self.localizer.title(entry, language) if entry else None

    def _reply(self, decision: Decision, guarded: GuardResult, language: str, state: ConversationState) -> str:
        """The policy's reply, preceded by a secret warning and followed by the anti-phishing policy."""
        parts = [self.guard.secret_warning(guarded, language)]
        if decision.action == "handoff" and guarded.scan.critical:
            parts.append(self.localizer.message("handoff", language))
        else:
            parts.append(self.writer.write(decision, self._entries, language, turn=state.turns))
        if guarded.phishing.suspected and decision.intent != "report_phishing":
            parts.append(self.guard.phishing_warning(language))
        return "\n\n".join(part for part in parts if part)

    def _language(self, text: str, forced: str | None, state: ConversationState) -> str:
        if forced:
            code = normalise_language(forced)
            if code not in self.settings.languages.supported:
                raise InputError(f"unsupported lang {forced!r}; use one of {self.settings.languages.supported}")
            return code
        return self.detector.detect(text, hint=state.language)

    def _intent(self, text: str, vector) -> IntentPrediction | None:
        if self.classifier is None:
            return None
        prediction = self.classifier.predict(text, vector)
        if prediction.below_threshold:
            # An unsure intent model is no evidence that the question is off-topic: let retrieval's own
            # calibrated confidence decide. Off-topic messages it recognises come back as out_of_scope.
            return replace(prediction, intent="faq")
        return prediction


def clean_text(text: str) -> str:
    """Validate and normalise a user message; raise InputError saying what to fix."""
    if not isinstance(text, str):
        raise InputError("text must be a string")
    # Unicode spaces (U+3000 separates Japanese BIP39 words) become plain spaces; other invisible characters go.
    cleaned = "".join(ch if ch.isprintable() or ch in "\n\t" else " " if unicodedata.category(ch) == "Zs" else ""
                      for ch in text).strip()
    if not cleaned:
        raise InputError("text is empty: type a question")
    if len(cleaned) > MAX_TEXT_CHARS:
        raise InputError(f"text is {len(cleaned)} characters long; the limit is {MAX_TEXT_CHARS}")
    return cleaned
