"""The intake engine: asks a form's questions one at a time in the user's language, fills several fields from
one message, accepts "I don't know", corrections and cancel, runs the checks, and ends with a confirmed
summary (or a case solved on the spot).

Pure: no database, no network; the only I/O is the status file a `StatusBoard` reads. State lives in an
`IntakeState` the caller stores between turns.

Correction rule. A message changes an earlier answer when
1. it names an answered field (its label in any language, or an alias: "amount", "网络", "red") together with a
   correction word ("no", "change", "actually", "不是", "cambia", ...; `words.yaml`), e.g. "change the amount
   to 300": the value is read from the message, or the field is asked again when there is none; or
2. it carries a value of an answered field's kind (network, amount, txid, ...) that differs from the stored
   one, together with a correction word: "no, the network was ERC20"; or
3. it comes while the summary is shown (or the user is choosing what to change): there any new value or
   named field counts, no correction word needed.
Otherwise a second value of an answered kind is ignored (a message often repeats facts), and the summary lets
the user fix it. Every change is recorded in `state.corrections`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any

from bot.followup import pick_option
from bot.intake.checks import (
    DEFAULT_CONFIRMATION_MINUTES,
    Finding,
    check_address,
    check_confirmation,
    check_suspension,
    check_txid_network,
)
from bot.intake.schema import FieldSpec, FormSpec, shipped_forms
from bot.intake.state import IntakeState, IntakeStep
from bot.intake.status import StatusBoard
from bot.intake.texts import language_of, localized
from bot.intake.texts import text as locale_text
from bot.intake.timeparse import display_time, relative_time
from bot.intake.validators import ENTITY_KIND, RELATIVE, ParseContext, Parsed, validate
from bot.intake.words import WordLists, normalise, word_lists, word_pattern
from bot.security.entities import DATETIME, Entity

EntityLike = Entity | Mapping[str, Any]
Check = Callable[[], "Finding | list[Finding] | None"]
# Words between a field's name and its new value: "change the amount TO 300", "el monto ES 300", "金额改为300".
_CONNECTOR = re.compile(r"^(?:\s|[:：=,，]|\b(?:to|is|was|should be|a|para|por|es|era|é|era|est|était|à|en|ist|war|"
                        r"auf|zu|на|будет|был[аио]?|olarak|إلى|هو|هي)\b|改为|改成|为|是|应该是|應該是|は|を|에서|로|으로)*")


def as_entities(entities: Iterable[EntityLike]) -> list[Entity]:
    """Entities as `Entity` objects, whether given as such or as dicts (`GuardResult.entities`)."""
    result = []
    for item in entities:
        if isinstance(item, Entity):
            result.append(item)
        else:
            result.append(Entity(str(item["kind"]), str(item["value"]), item.get("valid"), str(item.get("detail", ""))))
    return result


def with_relative_time(found: list[Entity], message: str, ctx: ParseContext) -> list[Entity]:
    """Add "10 minutes ago" / "hace 2 horas" / "刚刚" as a datetime entity (the extractor only knows clock
    times and dates), unless the message already has one."""
    if not message or any(e.kind == DATETIME for e in found):
        return found
    stamp = relative_time(message, ctx.now or datetime.now(UTC), ctx.utc_offset_minutes)
    return [*found, Entity(DATETIME, stamp, True, RELATIVE)] if stamp else found


class IntakeEngine:
    """Runs intake forms. `status` answers suspension checks; `confirmation_minutes` maps network -> usual
    deposit confirmation time; `placeholders` fill `{exchange_name}`-style names in the texts; `reference` gives
    the text of a finding's FAQ entry in a language (the procedure shown under the finding), when set."""

    def __init__(self, forms: Mapping[str, FormSpec] | None = None, *, status: StatusBoard | None = None,
                 confirmation_minutes: Mapping[str, int] | None = None, placeholders: Mapping[str, str] | None = None,
                 max_attempts: int = 2, clock: Callable[[], datetime] | None = None,
                 words: WordLists | None = None, reference: Callable[[str, str], str] | None = None) -> None:
        self.forms = dict(forms if forms is not None else shipped_forms())
        self.status = status
        self.confirmation_minutes = {k.upper(): v for k, v in (confirmation_minutes or
                                                              DEFAULT_CONFIRMATION_MINUTES).items()}
        self.placeholders = dict(placeholders or {})
        self.max_attempts = max(1, max_attempts)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.words = words or word_lists()
        self.reference = reference
        self._field_words = {form.id: [(spec, len(w), word_pattern(w)) for spec in form.fields
                                       for w in {normalise(word) for word in spec.words()} if w]
                             for form in self.forms.values()}

    # --- public API -----------------------------------------------------------------------------------------

    def form_for(self, *, faq_id: str | None = None, intent: str | None = None) -> FormSpec | None:
        """The form started by an answered FAQ entry or a detected intent, if any."""
        for form in self.forms.values():
            if (faq_id and faq_id in form.faq_ids) or (intent and intent in form.intents):
                return form
        return None

    def start(self, form_id: str, language: str, entities: Iterable[EntityLike] = (), *, text: str = "",
              now: datetime | None = None, utc_offset_minutes: int = 0) -> IntakeStep:
        """Begin `form_id`, filling what the first message (`entities`, and its `text` for words such as
        "yesterday") already says; returns the first step (for an urgent form `handoff_now` is set: open the
        handoff now, the questions follow it). `utc_offset_minutes` is the user's zone for times without one."""
        form = self.forms[form_id]
        state = IntakeState(form_id=form.id, language=language_of(language), utc_offset_minutes=utc_offset_minutes)
        moment = now or self.clock()
        ctx = self._context(state, moment)
        found = with_relative_time(as_entities(entities), text, ctx)
        filled, _ = self._fill(form, state, found, ctx, override=False, message=text)
        notes = [self._noted(form, state, filled)] if filled else []
        if form.urgent:
            state.handoff_opened = True
            step = self._advance(form, state, moment, [self._t("urgent_intro", state), *notes])
            step.handoff_now = True
            return step
        step = self._advance(form, state, moment, notes, filled=filled)
        if step.kind != "solved":   # solved at once: the answer, without announcing questions
            step.text = self._join([self._t("intro", state), step.text])
        return step

    def answer(self, state: IntakeState, message: str, entities: Iterable[EntityLike] = (), *,
               now: datetime | None = None, language: str | None = None) -> IntakeStep:
        """The next step after the user's `message` (redacted text) and its extracted `entities`; `state` is
        updated in place and returned in the step. `language` switches the reply language when given."""
        if state.finished:
            raise ValueError(f"intake {state.form_id} is already {state.phase}")
        if language:
            state.language = language_of(language)
        form = self.forms[state.form_id]
        moment = now or self.clock()
        if self.words.cancels(message):
            state.phase, state.current = "cancelled", None
            return IntakeStep("cancelled", self._t("cancelled", state), state, packet=self.packet(form, state))
        ctx = self._context(state, moment)
        found = with_relative_time(as_entities(entities), message, ctx)
        if state.phase == "confirming":
            return self._confirming(form, state, message, found, ctx, moment)
        if state.phase == "choosing":
            return self._choosing(form, state, message, found, ctx, moment)
        return self._collecting(form, state, message, found, ctx, moment)

    def question(self, state: IntakeState) -> str:
        """What the form is waiting for, asked again: the current field's question, or the summary to confirm."""
        form = self.forms[state.form_id]
        if state.phase == "collecting" and state.current:
            return self._prompt(form.field(state.current), state)
        if state.phase == "confirming":
            return self._summary(form, state)
        return self._which_field(form, state) if state.phase == "choosing" else ""

    def packet(self, form: FormSpec, state: IntakeState) -> dict[str, Any]:
        """The structured record for the handoff packet / ticket: fields, labels (English), marks, changes."""
        active = [spec for spec in form.fields if self._active(spec, state) and spec.name in state.answers]
        return {
            "form": form.id, "language": state.language, "urgent": form.urgent, "confirmed": state.confirmed,
            "fields": {spec.name: state.answers[spec.name] for spec in active},
            "labels": {spec.name: spec.label["en"] for spec in active},
            "marks": {name: mark for name, mark in state.marks.items() if name in state.answers},
            "corrections": list(state.corrections), "findings": list(state.findings),
        }

    # --- phases ---------------------------------------------------------------------------------------------

    def _collecting(self, form: FormSpec, state: IntakeState, message: str, found: list[Entity],
                    ctx: ParseContext, moment: datetime) -> IntakeStep:
        notes: list[str] = []
        current = form.field(state.current) if state.current else None
        # "I don't have it right now, sorry": a skip, although "sorry" corrects and "now" reads as a time.
        if current is not None and all(e.detail == RELATIVE for e in found) and self.words.skips(
                message, whole=current.kind in ("text", "enum")):
            step = self._skip(form, state, current, moment, notes)
            return step if step is not None else self._advance(form, state, moment, notes)
        correcting = self.words.corrects(message)
        named = self._named(form, state, message) if correcting else None
        if named is not None and named[0].name != state.current and named[0].name in state.answers:
            step = self._change_named(form, state, named[0], named[1], found, ctx, moment, notes)
            if step is not None:
                return step
        filled, changed = self._fill(form, state, found, ctx, override=correcting, message=message)
        notes += self._updated(form, state, changed)
        if current is not None and current.name not in filled and current.name not in changed:
            if not filled and not changed and self.words.skips(message, whole=current.kind in ("text", "enum")):
                step = self._skip(form, state, current, moment, notes)
                if step is not None:
                    return step
            elif not (filled or changed) or (ENTITY_KIND.get(current.kind) and all(
                    e.kind in ("coin", "network") for e in found)):
                parsed = validate(current, message, found, ctx)
                if parsed.value is not None and not parsed.hint:
                    self._set(state, current, parsed.value, parsed.mark)
                    filled.append(current.name)
                elif not filled and not changed:
                    step = self._invalid(form, state, current, parsed, message, moment, notes)
                    if step is not None:
                        return step
        others = [name for name in filled if name != (current.name if current else None)]
        if others:
            notes.append(self._noted(form, state, others))
        return self._advance(form, state, moment, notes, filled=filled)

    def _confirming(self, form: FormSpec, state: IntakeState, message: str, found: list[Entity],
                    ctx: ParseContext, moment: datetime) -> IntakeStep:
        verdict = self.words.yes_no(message)
        # "yes, the address is right" confirms; only new values or a named field without "yes" change things.
        changed = self._review_changes(form, state, message, found, ctx, naming=verdict is not True)
        if isinstance(changed, IntakeStep):
            return changed
        if changed:
            return self._advance(form, state, moment, self._updated(form, state, changed))
        if verdict is True:
            state.confirmed = True
            return self._done(form, state)
        if verdict is False:
            state.phase = "choosing"
            return IntakeStep("summary", self._which_field(form, state), state)
        return IntakeStep("summary", "\n\n".join([self._t("confirm_again", state), self._summary(form, state)]), state)

    def _choosing(self, form: FormSpec, state: IntakeState, message: str, found: list[Entity],
                  ctx: ParseContext, moment: datetime) -> IntakeStep:
        changed = self._review_changes(form, state, message, found, ctx)
        if isinstance(changed, IntakeStep):
            return changed
        if changed:
            return self._advance(form, state, moment, self._updated(form, state, changed))
        answered = self._answered(form, state)
        choice = pick_option(message, len(answered))
        if choice is not None:
            return self._ask_again(form, state, answered[choice])
        if self.words.yes_no(message) is True:
            state.confirmed = True
            return self._done(form, state)
        return IntakeStep("summary", self._which_field(form, state), state)

    # --- filling and changing answers -----------------------------------------------------------------------

    def _fill(self, form: FormSpec, state: IntakeState, found: list[Entity], ctx: ParseContext, *,
              override: bool, message: str = "") -> tuple[list[str], list[str]]:
        """Put each entity into the field of its kind: the one being asked, else the first unanswered; with
        `override`, a different value replaces an answered field. Returns (filled, changed) field names."""
        filled: list[str] = []
        changed: list[str] = []
        for entity in found:
            specs = [s for s in form.fields if ENTITY_KIND.get(s.kind) == entity.kind and self._active(s, state)]
            open_specs = [s for s in specs if s.name not in state.answers and s.name not in filled]
            if state.current and state.current not in filled and any(s.name == state.current for s in specs):
                open_specs.insert(0, form.field(state.current))   # the question just asked takes it first
            target = open_specs[0] if open_specs else None
            if target is None and override:
                target = next((s for s in specs if s.name not in changed and s.name not in filled
                               and state.answers.get(s.name) != entity.value), None)
            if target is None:
                continue
            parsed = validate(target, message, [entity], ctx)   # the entity wins; text adds e.g. "yesterday"
            if parsed.value is None or parsed.hint:
                continue
            was = target.name in state.answers
            if was and state.answers[target.name] == parsed.value:
                continue
            self._set(state, target, parsed.value, parsed.mark)
            (changed if was else filled).append(target.name)
        return filled, changed

    def _set(self, state: IntakeState, spec: FieldSpec, value: str | None, mark: str = "") -> None:
        if spec.name in state.answers and state.answers[spec.name] != value:
            state.corrections.append({"field": spec.name, "old": state.answers[spec.name], "new": value})
        state.answers[spec.name] = value
        if mark:
            state.marks[spec.name] = mark
        else:
            state.marks.pop(spec.name, None)
        state.attempts.pop(spec.name, None)

    def _named(self, form: FormSpec, state: IntakeState, message: str) -> tuple[FieldSpec, str] | None:
        """The active field the message names (longest label or alias) and the text after that name."""
        norm = normalise(message)
        best: tuple[int, FieldSpec, str] | None = None
        for spec, size, pattern in self._field_words[form.id]:
            if best is not None and size <= best[0]:
                continue
            match = pattern.search(norm)
            if match and self._active(spec, state):
                best = (size, spec, norm[match.end():])
        return (best[1], best[2]) if best else None

    def _value_for(self, spec: FieldSpec, tail: str, found: list[Entity], ctx: ParseContext) -> Parsed:
        """The new value of a named field: from an entity of its kind, else from the text after its name."""
        kind = ENTITY_KIND.get(spec.kind)
        candidates = [e for e in found if e.kind == kind] if kind else []
        if candidates:
            return validate(spec, "", candidates, ctx)
        tail = _CONNECTOR.sub("", tail).strip()
        return validate(spec, tail, [], ctx) if tail else Parsed()

    def _change_named(self, form: FormSpec, state: IntakeState, spec: FieldSpec, tail: str,
                      found: list[Entity], ctx: ParseContext, moment: datetime, notes: list[str]) -> IntakeStep | None:
        """'change the amount to 300': set the value when the message has one, else ask the field again."""
        parsed = self._value_for(spec, tail, found, ctx)
        if parsed.value is not None and not parsed.hint:
            self._set(state, spec, parsed.value, parsed.mark)
            notes += self._updated(form, state, [spec.name])
            kind = ENTITY_KIND.get(spec.kind)
            filled, changed = self._fill(form, state, [e for e in found if e.kind != kind], ctx, override=True)
            notes += self._updated(form, state, changed)
            return self._advance(form, state, moment, notes, filled=filled)
        if not found:
            return self._ask_again(form, state, spec, notes)
        return None

    def _review_changes(self, form: FormSpec, state: IntakeState, message: str, found: list[Entity],
                        ctx: ParseContext, *, naming: bool = True) -> list[str] | IntakeStep:
        """Changes made from the summary: entities override answers; a named field takes the value after its
        name, or is asked again when there is none."""
        filled, changed = self._fill(form, state, found, ctx, override=True, message=message)
        if filled or changed:
            return [*changed, *filled]
        named = self._named(form, state, message) if naming else None
        if named is None:
            return []
        spec, tail = named
        parsed = self._value_for(spec, tail, found, ctx)
        if parsed.value is not None and not parsed.hint:
            self._set(state, spec, parsed.value, parsed.mark)
            return [spec.name]
        return self._ask_again(form, state, spec)

    def _ask_again(self, form: FormSpec, state: IntakeState, spec: FieldSpec,
                   notes: list[str] | None = None) -> IntakeStep:
        state.phase, state.current, state.review = "collecting", spec.name, True
        state.attempts.pop(spec.name, None)
        return IntakeStep("ask", self._join([*(notes or []), self._prompt(spec, state)]), state, field=spec.name)

    def _skip(self, form: FormSpec, state: IntakeState, spec: FieldSpec, moment: datetime,
              notes: list[str]) -> IntakeStep | None:
        """'I don't know': optional fields are skipped; required ones are re-asked once, then marked unknown."""
        if not spec.required:
            self._set(state, spec, None, "skipped")
            return None
        tries = state.attempts.get(spec.name, 0) + 1
        if tries >= self.max_attempts:
            self._set(state, spec, None, "unknown")
            return None
        state.attempts[spec.name] = tries
        hint = locale_text("hints", "required", state.language, **self.placeholders)
        return IntakeStep("reask", self._join([*notes, hint, self._prompt(spec, state)]), state, field=spec.name,
                          hint="required")

    def _invalid(self, form: FormSpec, state: IntakeState, spec: FieldSpec, parsed: Parsed, message: str,
                 moment: datetime, notes: list[str]) -> IntakeStep | None:
        """An answer that fails its validator: re-ask with the hint; after `max_attempts` keep it, marked."""
        tries = state.attempts.get(spec.name, 0) + 1
        if tries >= self.max_attempts:
            if parsed.value is not None:
                self._set(state, spec, parsed.value, "invalid_checksum" if parsed.hint == "address_checksum"
                          else "unverified")
            else:
                raw = " ".join(message.split())[:200]
                if raw and (self.words.yes_no(raw) is not None or self.words.skips(raw)):
                    raw = ""   # "yes", "no" or "skip" is never kept as the answer itself
                self._set(state, spec, raw or None, "unverified" if raw else "unknown")
            return None
        state.attempts[spec.name] = tries
        hint = locale_text("hints", parsed.hint or spec.validator, state.language, **self.placeholders)
        return IntakeStep("reask", self._join([*notes, hint, self._prompt(spec, state)]), state, field=spec.name,
                          hint=parsed.hint or spec.validator)

    # --- moving on ------------------------------------------------------------------------------------------

    def _advance(self, form: FormSpec, state: IntakeState, moment: datetime, notes: list[str], *,
                 filled: list[str] | None = None) -> IntakeStep:
        """Run the checks, then ask the next question, show the summary or finish."""
        new = self._run_checks(form, state, moment)
        solved = next((f for f in new if f.solves), None)
        if solved is not None and not form.urgent:
            state.phase, state.current = "solved", None
            return IntakeStep("solved", self._join([*notes, solved.text]), state, faq_id=solved.faq_id,
                              reason=solved.check, findings=new, filled=filled or [],
                              packet=self.packet(form, state))
        notes = [*notes, *(self._explained(f, state) for f in new)]
        pending = self._pending(form, state)
        if pending is not None:
            state.current, state.phase = pending.name, "collecting"
            return IntakeStep("ask", self._join([*notes, self._prompt(pending, state)]), state, field=pending.name,
                              findings=new, filled=filled or [])
        state.current, state.review = None, False
        if form.urgent:
            return self._done(form, state, notes=notes, findings=new, filled=filled)
        state.phase = "confirming"
        body = [*notes, self._summary(form, state)]
        return IntakeStep("summary", self._join(body), state, findings=new, filled=filled or [])

    def _done(self, form: FormSpec, state: IntakeState, *, notes: list[str] | None = None,
              findings: list[Finding] | None = None, filled: list[str] | None = None) -> IntakeStep:
        state.phase, state.current = "done", None
        key = "done_urgent" if state.handoff_opened else "done"
        packet = self.packet(form, state)
        return IntakeStep("done", self._join([*(notes or []), self._t(key, state)]), state,
                          fields=dict(packet["fields"]), packet=packet, findings=findings or [],
                          filled=filled or [], amend=state.handoff_opened)

    def _pending(self, form: FormSpec, state: IntakeState) -> FieldSpec | None:
        return next((s for s in form.fields if self._active(s, state) and s.name not in state.answers), None)

    def _active(self, spec: FieldSpec, state: IntakeState) -> bool:
        if spec.when is None:
            return True
        value = state.answers.get(spec.when.field)
        return value is not None and value.upper() in {v.upper() for v in spec.when.values}

    def _answered(self, form: FormSpec, state: IntakeState) -> list[FieldSpec]:
        return [s for s in form.fields if self._active(s, state) and s.name in state.answers]

    # --- checks ---------------------------------------------------------------------------------------------

    def _run_checks(self, form: FormSpec, state: IntakeState, moment: datetime) -> list[Finding]:
        """Run each check whose inputs are known and changed since it last ran; return the new findings."""
        new: list[Finding] = []
        for check, signature, run in self._due_checks(form, state, moment):
            if state.checked.get(check) == signature:
                continue
            state.checked[check] = signature
            state.findings = [f for f in state.findings if f.get("source") != check]
            result = run()
            for finding in result if isinstance(result, list) else _some(result):
                state.findings.append({**finding.to_dict(), "source": check})
                new.append(finding)
        return new

    def _due_checks(self, form: FormSpec, state: IntakeState, moment: datetime) -> Iterator[tuple[str, str, Check]]:
        """(check, inputs signature, thunk) for each of the form's checks whose inputs are known."""
        answers, language, direction = state.answers, state.language, form.direction
        network = answers.get("network")
        settled = "network" in answers or not any(s.name == "network" for s in form.fields)
        for check in form.checks:
            if check == "txid_network" and answers.get("txid") and network:
                txid = str(answers["txid"])
                yield check, f"{txid}|{network}", partial(check_txid_network, txid, network, language,
                                                          direction=direction)
            elif check == "address" and settled:
                given = tuple(str(answers[s.name]) for s in form.fields if s.kind == "address" and answers.get(
                    s.name) and state.marks.get(s.name) != "unchecked")
                if given:
                    yield check, f"{given}|{network}", partial(_check_addresses, given, language, network, direction)
            # Before the network is known only coin-wide suspensions match; the check runs again once it is.
            elif check == "suspension" and self.status is not None and answers.get("coin"):
                coin = str(answers["coin"])
                yield check, f"{coin}|{network}", partial(check_suspension, self.status, coin, network, direction,
                                                          language, moment)
            elif check == "confirmation" and direction == "deposit" and network:
                stamp = next((answers.get(s.name) for s in form.fields if s.kind == "datetime"), None)
                if stamp:
                    yield check, f"{network}|{stamp}", partial(check_confirmation, network, stamp, moment, language,
                                                               self.confirmation_minutes, state.utc_offset_minutes)

    # --- texts ----------------------------------------------------------------------------------------------

    def _context(self, state: IntakeState, moment: datetime) -> ParseContext:
        return ParseContext(state.answers, moment, state.utc_offset_minutes, state.language)

    def _t(self, key: str, state: IntakeState, **values: str) -> str:
        return locale_text("messages", key, state.language, **self.placeholders, **values)

    def _prompt(self, spec: FieldSpec, state: IntakeState) -> str:
        return localized(spec.prompt, state.language, **self.placeholders)

    def _label(self, spec: FieldSpec, state: IntakeState) -> str:
        return localized(spec.label, state.language)

    def _display(self, spec: FieldSpec, state: IntakeState) -> str:
        value = state.answers.get(spec.name)
        mark = state.marks.get(spec.name, "")
        if value is None:
            return self._t("value_unknown" if mark == "unknown" else "value_skipped", state)
        if spec.kind == "enum":
            option = next((o for o in spec.options if o.value == value), None)
            value = localized(option.label, state.language) if option else value
        elif spec.kind == "datetime":
            value = display_time(value)
        if mark in ("unverified", "invalid_checksum"):
            value = f"{value} ({self._t('value_unverified', state)})"
        return value

    def _facts(self, form: FormSpec, state: IntakeState, names: list[str]) -> str:
        return "; ".join(f"{self._label(form.field(n), state)}: {self._display(form.field(n), state)}" for n in names)

    def _noted(self, form: FormSpec, state: IntakeState, names: list[str]) -> str:
        return self._t("noted", state, facts=self._facts(form, state, names))

    def _updated(self, form: FormSpec, state: IntakeState, names: list[str]) -> list[str]:
        return [self._t("updated", state, facts=self._facts(form, state, names))] if names else []

    def _summary(self, form: FormSpec, state: IntakeState) -> str:
        lines = [f"• {self._label(s, state)}: {self._display(s, state)}" for s in self._answered(form, state)]
        return self._join([self._t("summary_header", state), "\n".join(lines), self._t("summary_confirm", state)])

    def _which_field(self, form: FormSpec, state: IntakeState) -> str:
        options = "\n".join(f"{i}. {self._label(s, state)}: {self._display(s, state)}"
                            for i, s in enumerate(self._answered(form, state), 1))
        return self._t("which_field", state, options=options)

    def _explained(self, finding: Finding, state: IntakeState) -> str:
        """A finding's explanation followed by its FAQ entry's procedure (when the caller can look it up)."""
        procedure = self.reference(finding.faq_id, state.language) if self.reference and finding.faq_id else ""
        return self._join([finding.text, procedure])

    @staticmethod
    def _join(parts: list[str]) -> str:
        return "\n\n".join(part for part in parts if part)


def _some(finding: Finding | None) -> list[Finding]:
    return [finding] if finding is not None else []


def _check_addresses(addresses: tuple[str, ...], language: str, network: str | None,
                     direction: str) -> list[Finding]:
    found = (check_address(a, language, network=network, direction=direction) for a in addresses)
    return [f for f in found if f is not None]
