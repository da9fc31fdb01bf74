"""Language of short chat messages: script rules first, then function words and a seeded langdetect."""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from collections import Counter, defaultdict
from typing import Any

from bot.chinese import chinese_variant

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# Frequent words that mark a language even in a three-word message (support vocabulary included).
MARKERS: dict[str, frozenset[str]] = {lang: frozenset(words.split()) for lang, words in {
    "en": "the is are my i you how what why when where can do does not to of and it with have has please "
          "withdraw withdrawal deposit account password help wallet still got funds money received arrived",
    "es": "el la los las mi mis es son cómo como qué que por para no mi cuenta retiro retirar depósito comisión "
          "comision cuánto cuanto cuesta monto "
          "contraseña ayuda dinero fondos llegado llega tengo puedo hacer hola gracias del una un está",
    "pt": "o os as meu minha é são como que por para não conta saque sacar depósito senha ajuda dinheiro "
          "fundos chegou tenho posso fazer olá obrigado obrigada do da uma um está você isso",
    "fr": "le la les mon ma mes est sont comment que quoi pour ne pas compte retrait retirer dépôt mot "
          "passe aide argent fonds arrivé je peux faire bonjour merci du une un c'est vous sur",
    "de": "der die das mein meine ist sind wie was warum nicht ich kann konto auszahlung einzahlung "
          "passwort hilfe geld angekommen habe machen hallo danke ein eine mit und bitte noch wurde",
    "tr": "bir ve bu ne nasıl neden hesap hesabım para çekme yatırma şifre yardım gelmedi param yapabilirim "
          "merhaba teşekkürler ile için mi mı değil var yok ben benim",
    "it": "il lo la gli le mio mia è sono come che perché non conto prelievo deposito aiuto soldi ciao "
          "grazie posso fare di una un",
    "nl": "de het een mijn is zijn hoe wat waarom niet ik kan rekening opname storting wachtwoord hulp geld "
          "hallo bedankt met en",
    "id": "saya bagaimana apa kenapa tidak akun penarikan setoran kata sandi bantuan uang halo terima kasih "
          "dengan dan yang sudah belum",
}.items()}

# Letters that belong to few languages.
LETTER_HINTS: dict[str, tuple[str, ...]] = {
    "ñ": ("es",), "¿": ("es",), "¡": ("es",), "ã": ("pt",), "õ": ("pt",), "ı": ("tr",), "ğ": ("tr",),
    "ş": ("tr",), "ß": ("de",), "ä": ("de",), "è": ("fr", "it"), "ê": ("fr", "pt"), "ç": ("fr", "pt", "tr"),
    "à": ("fr", "it", "pt"), "ù": ("fr", "it"), "œ": ("fr",), "ö": ("de", "tr"), "ü": ("de", "tr"),
}

LATIN_PROFILES = ("en", "es", "pt", "fr", "de", "tr", "it", "nl", "id", "pl", "vi", "ro", "sv", "cs")


def _script_language(text: str) -> str | None:
    counts: Counter[str] = Counter()
    for ch in text:
        code = ord(ch)
        if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
            counts["ko"] += 1
        elif 0x3040 <= code <= 0x30FF:
            counts["ja"] += 1
        elif 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF:
            counts["han"] += 1
        elif 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
            counts["ar"] += 1
        elif 0x0400 <= code <= 0x04FF:
            counts["cyrillic"] += 1
        elif 0x0E00 <= code <= 0x0E7F:
            counts["th"] += 1
        elif 0x0590 <= code <= 0x05FF:
            counts["he"] += 1
        elif 0x0370 <= code <= 0x03FF:
            counts["el"] += 1
        elif ch.isalpha():
            counts["latin"] += 1
    counts.pop("latin", None)
    if not counts:
        return None
    if counts["ja"]:
        return "ja"  # Japanese mixes kana with kanji; kana alone settles it
    script = counts.most_common(1)[0][0]
    if script == "han":
        return "zh"
    if script == "cyrillic":
        return "uk" if re.search(r"[іїєґ]", text.lower()) else "ru"
    return script


class LanguageDetector:
    """Detects the language of a message; cheap to construct, `warm_up()` loads langdetect's profiles."""

    def __init__(self, supported: list[str], default: str, seed: int = 0, trials: int = 3) -> None:
        self.supported = list(supported)
        self.default = default
        self.seed = seed
        self.trials = trials
        self._factory: Any = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the Latin-script profiles once, seeded so results are reproducible."""
        if self._factory is not None:
            return
        from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

        factory = DetectorFactory()
        profiles = []
        for code in LATIN_PROFILES:
            with open(os.path.join(PROFILES_DIRECTORY, code), encoding="utf-8") as handle:
                profiles.append(handle.read())
        factory.load_json_profile(profiles)
        factory.set_seed(self.seed)
        self._factory = factory

    def detect(self, text: str, hint: str | None = None) -> str:
        """The message's language code (e.g. en, zh-TW); `hint` (e.g. a previous turn's language) breaks ties."""
        text = unicodedata.normalize("NFC", text)
        script = _script_language(text)
        if script == "zh":
            default = hint if hint in ("zh-CN", "zh-TW") else "zh-CN"
            return chinese_variant(text, default=default)
        if script is not None:
            return script
        return self._latin(text, hint)

    def _latin(self, text: str, hint: str | None) -> str:
        words = [w.lower() for w in _WORD.findall(text)]
        if not words:
            return hint or self.default
        votes: dict[str, float] = defaultdict(float)
        for lang, markers in MARKERS.items():
            hits = sum(word in markers for word in words)
            if hits:
                votes[lang] += hits / len(words)
        for ch in text.lower():
            for lang in LETTER_HINTS.get(ch, ()):
                votes[lang] += 0.5 / len(LETTER_HINTS[ch])
        ranked = sorted(votes.items(), key=lambda item: -item[1])[:2]
        decisive = ranked and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]) and ranked[0][1] >= 0.34
        if not decisive and sum(len(w) for w in words) >= 8:
            for lang, probability in self._langdetect(text):
                votes[lang] += probability
        # The reply can only be in a supported language: prefer those when they have any evidence.
        votes = {lang: v for lang, v in votes.items() if lang in self.supported}
        if not votes:
            return hint or self.default
        best, score = max(votes.items(), key=lambda item: item[1])
        if hint and votes.get(hint, 0) >= score * 0.8:
            return hint
        return best

    def _langdetect(self, text: str) -> list[tuple[str, float]]:
        self.warm_up()
        from langdetect.lang_detect_exception import LangDetectException

        with self._lock:  # a langdetect Detector shares the factory's seeded random state
            detector = self._factory.create()
            detector.n_trial = self.trials
            detector.append(text)
            try:
                return [(item.lang, float(item.prob)) for item in detector.get_probabilities()]
            except LangDetectException:
                return []
