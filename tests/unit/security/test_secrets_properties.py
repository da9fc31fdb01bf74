"""Generated secrets in generated surroundings: each must be found, and nothing of it may survive redaction."""

import re
import unicodedata

import base58
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mnemonic import Mnemonic

from bot.security.entities import extract_entities
from bot.security.phishing import PhishingDetector
from bot.security.secrets import BIP39_LANGUAGES, SecretScanner

SCANNER = SecretScanner()
SCANNER.warm_up()
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MARKER = re.compile(r"\[REDACTED:[^\]]*\]")
STRENGTHS = (128, 160, 192, 224, 256)
CHECKERS = {language: Mnemonic(language) for language in BIP39_LANGUAGES}
SPACED = tuple(language for language in BIP39_LANGUAGES if not language.startswith("chinese"))
SURROUNDINGS = (
    "", "hi", "Please help, my wallet is empty.", "帮我看看", "助けてください", "도와주세요", "помогите",
    "ayuda por favor", "me ajuda", "yardım edin", "aidez-moi", "bitte helfen", "ساعدني", "my UID is 12345678",
    "I sent 100 USDT yesterday", "is this correct?",
)


def layout(words: list[str], style: str, japanese: bool) -> str:
    if style == "numbered":
        return "\n".join(f"{i}. {w}" for i, w in enumerate(words, 1))
    if style == "paren":
        return " ".join(f"{i}) {w}" for i, w in enumerate(words, 1))
    if style == "comma":
        return ", ".join(words)
    if style == "lines":
        return "\n".join(words)
    return ("\u3000" if japanese else " ").join(words)


def assert_nothing_left(result, phrase_words: list[str], surroundings: str) -> None:
    remaining = MARKER.sub(" ", result.redacted)
    for word in set(phrase_words):
        assert remaining.count(word) <= surroundings.count(word), (word, result.redacted)


@SETTINGS
@given(language=st.sampled_from(SPACED), strength=st.sampled_from(STRENGTHS), data=st.data(),
       style=st.sampled_from(["space", "numbered", "paren", "comma", "lines"]), nfc=st.booleans(),
       before=st.sampled_from(SURROUNDINGS), after=st.sampled_from(SURROUNDINGS))
def test_generated_phrases_in_spaced_languages(language, strength, data, style, nfc, before, after):
    entropy = data.draw(st.binary(min_size=strength // 8, max_size=strength // 8))
    phrase = CHECKERS[language].to_mnemonic(entropy)
    if nfc:
        phrase = unicodedata.normalize("NFC", phrase)
    words = phrase.replace("\u3000", " ").split(" ")
    text = f"{before}\n{layout(words, style, language == 'japanese')}\n{after}"
    result = SCANNER.scan(text)
    assert "seed_phrase" in result.kinds
    assert_nothing_left(result, words, before + after)


@SETTINGS
@given(language=st.sampled_from(["chinese_simplified", "chinese_traditional"]),
       strength=st.sampled_from(STRENGTHS), data=st.data(), style=st.sampled_from(["space", "numbered", "comma"]))
def test_generated_chinese_phrases_with_separators(language, strength, data, style):
    phrase = CHECKERS[language].to_mnemonic(data.draw(st.binary(min_size=strength // 8, max_size=strength // 8)))
    words = phrase.split(" ")
    text = f"请帮我看看钱包\n{layout(words, style, False)}\n谢谢"
    result = SCANNER.scan(text)
    assert "seed_phrase" in result.kinds
    assert_nothing_left(result, words, "请帮我看看钱包谢谢")


def test_recall_on_generated_phrases_of_every_language_and_layout():
    """Mnemonic.generate() in every language and strength, spaced or (Chinese) unspaced with or without a cue."""
    found = total = 0
    layouts = ("space", "numbered", "comma", "lines")
    for round_ in range(8):
        for language in BIP39_LANGUAGES:
            for strength in STRENGTHS:
                words = CHECKERS[language].generate(strength).replace("\u3000", " ").split(" ")
                if language.startswith("chinese") and round_ % 2:
                    cue = "我的助记词是" if round_ % 4 == 1 else ""
                    text = f"{cue}{''.join(words)}，怎么办"
                    surroundings = cue + "怎么办"
                else:
                    text = f"hello\n{layout(words, layouts[round_ % 4], language == 'japanese')}\nthanks"
                    surroundings = "hello thanks"
                result = SCANNER.scan(text)
                total += 1
                if "seed_phrase" in result.kinds:
                    found += 1
                    assert_nothing_left(result, words, surroundings)
    recall = found / total
    print(f"\nseed phrase recall: {found}/{total} = {recall:.4f}")
    assert recall >= 0.99


PRIVATE_KEY_LABELS = ("private key: ", "my private key is ", "pk: ", "私钥：", "私鑰是", "秘密鍵は", "개인키: ",
                      "приватный ключ: ", "clave privada: ", "chave privada: ", "özel anahtar: ", "clé privée : ",
                      "privater Schlüssel: ", "المفتاح الخاص: ")


@SETTINGS
@given(key=st.binary(min_size=32, max_size=32), label=st.sampled_from(PRIVATE_KEY_LABELS), prefix=st.booleans(),
       upper=st.booleans(), after=st.sampled_from(SURROUNDINGS))
def test_labelled_hex_private_keys(key, label, prefix, upper, after):
    hex_key = key.hex().upper() if upper else key.hex()
    text = f"{label}{'0x' if prefix else ''}{hex_key} {after}"
    result = SCANNER.scan(text)
    assert result.kinds == ["private_key"], result.redacted
    assert key.hex() not in result.redacted.lower()


@SETTINGS
@given(key=st.binary(min_size=32, max_size=32), compressed=st.booleans(), before=st.sampled_from(SURROUNDINGS))
def test_wif_private_keys(key, compressed, before):
    wif = base58.b58encode_check(b"\x80" + key + (b"\x01" if compressed else b"")).decode()
    result = SCANNER.scan(f"{before} {wif}")
    assert "private_key" in result.kinds and wif not in result.redacted
    assert not any(wif[i:i + 8] in result.redacted for i in range(0, len(wif) - 8))


@SETTINGS
@given(body=st.binary(min_size=74, max_size=74),
       version=st.sampled_from([b"\x04\x88\xad\xe4", b"\x04\x35\x83\x94", b"\x04\x9d\x78\x78", b"\x04\xb2\x43\x0c"]),
       before=st.sampled_from(SURROUNDINGS))
def test_extended_private_keys(body, version, before):
    key = base58.b58encode_check(version + body).decode()
    assert key[1:4] == "prv" and len(key) == 111
    result = SCANNER.scan(f"{before} {key}")
    assert "extended_key" in result.kinds and key[4:20] not in result.redacted


PASSWORD_TEMPLATES = ("my password is {}", "password: {}", "My new password is {} can you check", "密码是{}",
                      "我的密码：{}", "密碼是 {}", "パスワードは{}です", "비밀번호는 {}", "мой пароль {}",
                      "пароль: {}", "mi contraseña es {}", "minha senha é {}", "şifrem {}", "mon mot de passe est {}",
                      "mein Passwort ist {}", "كلمة المرور هي {}")
PASSWORD_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*_+~"


@st.composite
def passwords(draw):
    """Passwords as exchanges require them: 6-24 characters with a letter and a digit."""
    first = draw(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))
    rest = draw(st.text(PASSWORD_ALPHABET, min_size=4, max_size=22))
    digit = draw(st.sampled_from("0123456789"))
    letter = draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz"))
    return first + rest + digit + letter


@SETTINGS
@given(password=passwords(), template=st.sampled_from(PASSWORD_TEMPLATES))
def test_passwords_after_a_label(password, template):
    text = template.format(password)
    result = SCANNER.scan(text)
    assert "password" in result.kinds, text
    assert password not in result.redacted
    assert result.redacted.startswith(template.split("{}")[0].rstrip())


@SETTINGS
@given(code=st.integers(0, 999999), template=st.sampled_from([
    "my 2fa code is {}", "验证码是{}", "谷歌验证码 {}", "認証コードは{}です", "인증번호 {}", "код {}", "código 2fa {}",
    "code de vérification : {}", "Bestätigungscode {}", "رمز التحقق {}", "doğrulama kodu {}", "OTP: {}"]))
def test_otp_codes_after_a_label(code, template):
    value = f"{code:06d}"
    result = SCANNER.scan(template.format(value))
    assert result.kinds == ["otp_code"] and value not in result.redacted


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=300))
def test_any_text_is_scanned_and_only_findings_change(text):
    result = SCANNER.scan(text)
    rebuilt, position = [], 0
    for finding in result.findings:
        assert position <= finding.start < finding.end <= len(text)
        rebuilt.append(text[position:finding.start])
        position = finding.end
    rebuilt.append(text[position:])
    assert MARKER.sub("", result.redacted) == "".join(rebuilt)
    extract_entities(text, scanner=SCANNER)
    PhishingDetector(["kestrel.example"]).check(text)
