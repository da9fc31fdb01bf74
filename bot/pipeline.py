"""One turn, end to end: language, intent, retrieval, policy, reply in the user's language."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.answers import Localizer
from bot.config import Settings
from bot.errors import InputError
from bot.guard import GuardResult, SecurityGuard
from bot.intake.dialogue import IntakeDialogue
from bot.intake.state import IntakeState, IntakeStep, progress
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
        self.intake = IntakeDialogue(settings, reference=self._answer_text)
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
        self.intake.warm_up()
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
        running = self.intake.running(state)
        if running is not None and not guarded.scan.critical:
            # `running` is a copy the engine edits; the stored progress stays as it was until the step is kept.
            before, asked = state.intake or {}, running.current
            answered = self._intake_step(running, guarded, lang, state)
            # An understood answer stays in the form, whatever the intent model makes of "TRC20" or a hash. A
            # message the form could not use (asked again, or kept as typed after the last attempt) may be another
            # question (answered, then the form's question again) or a request for a person (the form is left).
            kept_as_typed = asked is not None and answered.state.marks.get(asked) == "unverified" \
                and before.get("marks", {}).get(asked) != "unverified"
            if answered.kind != "reask" and not kept_as_typed:
                return self._intake_result(answered, guarded, state)
            if not self._wants_person(intent):
                aside = self._aside(guarded, vector, running, before, state, language)
                return aside or self._intake_result(answered, guarded, state)
        interrupted = self.intake.interrupt(state) if running is not None else None
        candidates = self.retriever.search(text, vector=vector)
        if guarded.scan.critical:
            decision = self.policy.emergency(state, [f"secret_exposed:{kind}" for kind in guarded.scan.kinds])
        else:
            decision = self.policy.decide(text, intent, candidates, self._flags, state)
        form = None if guarded.scan.critical or interrupted else self.intake.form_for(decision)
        step = self.intake.start(form, text, guarded.entities, language, state) if form else None
        reply = self._reply(decision, guarded, language, state, step)
        state.language = language
        result = TurnResult(
            action=decision.action, reply=reply, language=language, faq_id=decision.faq_id,
            candidates=[{"faq_id": c.faq_id, "score": c.score} for c in candidates],
            confidence=candidates[0].score if candidates else 0.0, intent=decision.intent,
            reasons=decision.reasons, flags=guarded.flags,
            options=self.writer.options(decision, self._entries, language), entities=guarded.entities,
            title=self._title(decision.faq_id if decision.action == "answer" else None, language),
            user_text=text, intake_packet=interrupted)
        return self._with_step(result, step, state) if step else result

    def intake_turn(self, text: str, state: ConversationState, *, lang: str | None = None) -> TurnResult | None:
        """Continue the running intake form with this message, or None when no form is running. Used while a
        handoff is already open (urgent forms): no retrieval and no new handoff, only the form's next step."""
        self.warm_up()
        running = self.intake.running(state)
        if running is None:
            return None
        guarded = self.guard.inspect(clean_text(text))
        if guarded.scan.critical:   # the open handoff already has a person coming: warn, keep the form
            reply = self.guard.secret_warning(guarded, running.language)
            return TurnResult(action="reply", reply=reply, language=running.language, reasons=["secret_during_intake"],
                              flags=guarded.flags, entities=guarded.entities, user_text=guarded.text)
        step = self._intake_step(running, guarded, lang, state)
        result = self._intake_result(step, guarded, state)
        if result.action == "handoff":   # a handoff is open already: its packet grows instead
            result.action = "intake"
        result.intake_packet = result.intake_packet or self.intake.packet(step.state)
        return result

    def _aside(self, guarded: GuardResult, vector, running: IntakeState, before: dict[str, Any],
               state: ConversationState, language: str) -> TurnResult | None:
        """A question asked in the middle of a form that retrieval answers with confidence: the answer, then the
        form's question again, both in the question's language (a whole question says which language the user
        writes, unlike a short answer). The form waits as it was, so the question does not use up an attempt."""
        assert self.retriever is not None
        candidates = self.retriever.search(guarded.text, vector=vector)
        if not self.policy.confident(candidates) or "handoff" in self._flags.get(candidates[0].faq_id, ()) \
                or not self.intake.aside(candidates[0].faq_id, running):
            return None
        faq_id = candidates[0].faq_id
        state.intake = {**before, "language": language}
        waiting = IntakeState.from_dict(state.intake)
        state.language = language
        state.turns, state.last_faq_id = state.turns + 1, faq_id
        reply = "\n\n".join(part for part in (self.guard.secret_warning(guarded, language),
                                                self._answer_text(faq_id, language), self.intake.question(waiting))
                              if part)
        return TurnResult(
            action="answer", reply=reply, language=language, faq_id=faq_id,
            candidates=[{"faq_id": c.faq_id, "score": c.score} for c in candidates],
            confidence=candidates[0].score, reasons=["intake_aside", f"confident:{candidates[0].score:.2f}"],
            flags=guarded.flags, entities=guarded.entities, title=self._title(faq_id, language),
            user_text=guarded.text, intake=progress(waiting, "ask", waiting.current))

    def _wants_person(self, intent: IntentPrediction | None) -> bool:
        return intent is not None and intent.intent in self.policy.handoff_intents

    def _intake_step(self, running: IntakeState, guarded: GuardResult, forced: str | None,
                     state: ConversationState) -> IntakeStep:
        """One answer to the running form. The form keeps its language unless the caller forces one: short
        answers such as "TRC20" or a hash say nothing about the user's language."""
        language = self._language(guarded.text, forced, state) if forced else running.language
        return self.intake.answer(running, guarded.text, guarded.entities, state, language=language)

    def _intake_result(self, step: IntakeStep, guarded: GuardResult, state: ConversationState) -> TurnResult:
        state.turns += 1
        state.language = step.state.language
        result = TurnResult(action="intake", reply="", language=step.state.language, flags=guarded.flags,
                            entities=guarded.entities, user_text=guarded.text)
        result = self._with_step(result, step, state)
        warning = self.guard.secret_warning(guarded, step.state.language)
        result.reply = "\n\n".join(part for part in (warning, result.reply) if part)
        return result

    def _with_step(self, result: TurnResult, step: IntakeStep, state: ConversationState) -> TurnResult:
        """`result` carrying the intake step: its text, its action, and the record the handoff needs."""
        language = step.state.language
        result.intake = progress(step.state, step.kind, step.field, step.findings)
        if step.kind == "solved":
            result.action, result.faq_id = "answer", step.faq_id
            result.reasons = [*result.reasons, f"intake_solved:{step.reason}"]
            result.title = self._title(step.faq_id, language)
            # The entry's answer, unless a later turn of the form would repeat the answer that started it.
            repeat = not result.reply and step.faq_id == state.last_faq_id
            answer = self._answer_text(step.faq_id, language) if step.faq_id and not repeat else ""
            state.last_faq_id = step.faq_id or state.last_faq_id
            result.reply = "\n\n".join(part for part in (step.text, answer) if part)
            return result
        # The opening turn keeps the FAQ answer (or, for an urgent form, the handoff notice) before the question.
        result.reply = "\n\n".join(part for part in (result.reply, step.text) if part)
        if step.kind == "cancelled":
            result.action, result.reasons = "reply", [*result.reasons, "intake_cancelled"]
        elif step.kind == "done" and not step.amend:
            result.action, result.reasons = "handoff", [*result.reasons, f"intake_done:{step.state.form_id}"]
            result.intake_packet = step.packet
        elif step.handoff_now:   # urgent form: the handoff opens now with what is known, the questions follow
            result.action, result.intake_packet = "handoff", self.intake.packet(step.state)
        else:
            result.action = "intake"
            if step.amend:   # the urgent form is complete: its record joins the handoff already open
                result.intake_packet = step.packet
        return result

    def redact(self, text: str) -> GuardResult:
        """Validate and guard a message without answering it (e.g. while an agent owns the conversation)."""
        self.warm_up()
        return self.guard.inspect(clean_text(text))

    def _answer_text(self, faq_id: str, language: str) -> str:
        """An entry's answer in `language`, or "" for an id the index does not have."""
        entry = self._entries.get(faq_id)
        return self.localizer.answer(entry, language) if entry else ""

    def _title(self, faq_id: str | None, language: str) -> str | None:
        entry = self._entries.get(faq_id) if faq_id else None
        return self.localizer.title(entry, language) if entry else None

    def _reply(self, decision: Decision, guarded: GuardResult, language: str, state: ConversationState,
               step: IntakeStep | None = None) -> str:
        """The policy's reply, preceded by a secret warning and followed by the anti-phishing policy. When an
        intake form starts, the form's first question replaces a handoff notice (the form hands off later)."""
        parts = [self.guard.secret_warning(guarded, language)]
        if decision.action == "handoff" and guarded.scan.critical:
            parts.append(self.localizer.message("handoff", language))
        elif step is not None and decision.action == "handoff" and not step.handoff_now:
            parts.append(self._answer_text(decision.faq_id, language) if decision.faq_id else "")
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
