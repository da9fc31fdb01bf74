import json
import re
import statistics
import time
import unicodedata

import base58
import pytest
from mnemonic import Mnemonic

from bot.security.secrets import (
    BIP39_LANGUAGES,
    CRITICAL_KINDS,
    ScanResult,
    SecretFinding,
    SecretScanner,
    luhn_valid,
    mask_contacts,
    valid_chinese_id,
)
from tests.unit.security.ordinary import ORDINARY_MESSAGES

HEX_KEY = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"
# Public test vectors: the uncompressed WIF of the private key 0x0C28FCA3... from the Bitcoin wiki, and the
# BIP32 test vector 1 master xprv.
WIF = "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ"
XPRV = ("xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBx"
        "rMPHi")
KEYSTORE = json.dumps({  # the scrypt test vector of the Web3 Secret Storage definition
    "address": "008aeeda4d805471df9b2a5b0f38a0c3bcba786b", "version": 3,
    "id": "e13b209c-3b2f-4327-bab0-3bef2e51630d",
    "crypto": {
        "cipher": "aes-128-ctr", "ciphertext": "d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c",
        "cipherparams": {"iv": "83dbcc02d8ccb40e466191a123791e0e"}, "kdf": "scrypt",
        "kdfparams": {"dklen": 32, "n": 262144, "r": 1, "p": 8,
                      "salt": "ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19"},
        "mac": "2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"}})


def test_warm_up_is_idempotent_and_constructor_is_cheap():
    scanner = SecretScanner()
    assert scanner._wordlists is None
    scanner.warm_up()
    loaded = scanner._wordlists
    scanner.warm_up()
    assert scanner._wordlists is loaded


def test_ten_official_wordlists_and_no_unofficial_ones():
    assert set(BIP39_LANGUAGES) == {"english", "spanish", "french", "italian", "czech", "portuguese", "japanese",
                                    "korean", "chinese_simplified", "chinese_traditional"}


def test_result_properties():
    result = ScanResult("x", [SecretFinding("password", 0, 1), SecretFinding("otp_code", 2, 3),
                              SecretFinding("password", 4, 5)])
    assert result.kinds == ["otp_code", "password"]
    assert not result.critical
    assert ScanResult("x", [SecretFinding("keystore", 0, 1)]).critical
    assert {"seed_phrase", "private_key", "extended_key", "keystore"} == CRITICAL_KINDS


def test_clean_text_is_unchanged(scanner):
    text = "Hello, my withdrawal of 100 USDT is pending"
    result = scanner.scan(text)
    assert result.redacted == text and result.findings == [] and result.kinds == []


# --- seed phrases -------------------------------------------------------------------------------------------

ENGLISH_12 = "legal winner thank year wave sausage worth useful legal winner thank yellow"  # BIP39 test vector


def test_complete_english_phrase_is_redacted_exactly(scanner):
    result = scanner.scan(f"Here it is: {ENGLISH_12}\nthanks")
    assert result.kinds == ["seed_phrase"] and result.critical
    assert result.redacted == "Here it is: [REDACTED:seed_phrase]\nthanks"


def test_neighbouring_wordlist_words_go_with_the_phrase(scanner):
    # "seed", "please" and "help" are BIP39 words: they could belong to a longer phrase, so they go too
    result = scanner.scan(f"my seed is {ENGLISH_12} please help")
    assert result.redacted == "my [REDACTED:seed_phrase]"


@pytest.mark.parametrize("layout", [
    "1. {0}\n2. {1}\n3. {2}\n4. {3}\n5. {4}\n6. {5}\n7. {6}\n8. {7}\n9. {8}\n10. {9}\n11. {10}\n12. {11}",
    "1) {0} 2) {1} 3) {2} 4) {3} 5) {4} 6) {5} 7) {6} 8) {7} 9) {8} 10) {9} 11) {10} 12) {11}",
    "{0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}, {9}, {10}, {11}",
    "{0}\n{1}\n{2}\n{3}\n{4}\n{5}\n{6}\n{7}\n{8}\n{9}\n{10}\n{11}",
    "{0}-{1}-{2}-{3}-{4}-{5}-{6}-{7}-{8}-{9}-{10}-{11}",
])
def test_numbered_and_separated_layouts(scanner, layout):
    text = "Here it is:\n" + layout.format(*ENGLISH_12.split()) + "\nthanks"
    result = scanner.scan(text)
    assert result.kinds == ["seed_phrase"]
    assert set(re.findall(r"\w+", result.redacted)).isdisjoint(ENGLISH_12.split())


@pytest.mark.parametrize("language", BIP39_LANGUAGES)
def test_every_wordlist_language(scanner, language):
    phrase = Mnemonic(language).to_mnemonic(bytes(range(16)))
    for form in (phrase, unicodedata.normalize("NFC", phrase)):
        result = scanner.scan(f"wallet backup: {form} ok")
        assert result.kinds == ["seed_phrase"], (language, result.redacted)
        assert result.redacted == "wallet backup: [REDACTED:seed_phrase] ok"


def test_accents_may_be_left_out(scanner):
    phrase = Mnemonic("spanish").to_mnemonic(bytes(range(32)))
    stripped = "".join(ch for ch in unicodedata.normalize("NFKD", phrase) if not unicodedata.combining(ch))
    assert scanner.scan(stripped).kinds == ["seed_phrase"]


def test_japanese_with_ideographic_spaces(scanner):
    phrase = Mnemonic("japanese").to_mnemonic(bytes(range(16)))
    assert "\u3000" in phrase
    result = scanner.scan(f"シードフレーズは「{unicodedata.normalize('NFC', phrase)}」です")
    assert result.redacted == "シードフレーズは「[REDACTED:seed_phrase]」です"


@pytest.mark.parametrize("language", ["chinese_simplified", "chinese_traditional"])
def test_chinese_with_and_without_spaces(scanner, language):
    phrase = Mnemonic(language).to_mnemonic(bytes.fromhex("6f1a9c3e5b7d2f4a8c0e6b1d3f5a7c9e"))
    joined = phrase.replace(" ", "")
    assert scanner.scan(f"我的助记词是 {phrase}，帮我看看").kinds == ["seed_phrase"]
    result = scanner.scan(f"助记词：{joined}。")
    assert result.redacted == "助记词：[REDACTED:seed_phrase]。"
    # no cue: a complete phrase with a valid checksum, standing on its own
    assert scanner.scan(f"{joined}，钱包打不开").kinds == ["seed_phrase"]


def test_partial_phrases_are_flagged(scanner):
    words = ENGLISH_12.split()
    assert scanner.scan(" ".join(words[:10])).kinds == ["seed_phrase"]
    typo = [*words[:5], "sausge", *words[6:]]
    result = scanner.scan("my words: " + " ".join(typo))
    assert result.kinds == ["seed_phrase"] and "sausge" not in result.redacted
    mistyped_end = [*words[:11], "yelow"]
    result = scanner.scan(" ".join(mistyped_end))
    assert "yelow" not in result.redacted and "winner" not in result.redacted


def test_nine_words_are_not_a_phrase(scanner):
    assert scanner.scan(" ".join(ENGLISH_12.split()[:9])).findings == []


def test_checksum_agrees_with_mnemonic_check(scanner):
    wordlists = scanner._wordlists
    english = BIP39_LANGUAGES.index("english")
    words = ENGLISH_12.split()
    assert wordlists.is_complete(english, words) and Mnemonic("english").check(ENGLISH_12)
    broken = [*words[:-1], "zoo"]
    assert not wordlists.is_complete(english, broken) and not Mnemonic("english").check(" ".join(broken))


# --- keys ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("label", [
    "private key: ", "my priv key is ", "pk: ", "私钥：", "私鑰 ", "秘密鍵は", "개인키 ", "приватный ключ ",
    "clave privada: ", "chave privada ", "özel anahtar: ", "clé privée : ", "privater Schlüssel: ",
    "المفتاح الخاص: ", "secret: ",
])
def test_labelled_hex_key(scanner, label):
    for key in (HEX_KEY, "0x" + HEX_KEY, HEX_KEY.upper()):
        result = scanner.scan(label + key)
        assert result.kinds == ["private_key"], (label, result.redacted)
        assert HEX_KEY not in result.redacted.lower()


@pytest.mark.parametrize("text", [
    f"txid {HEX_KEY}", f"tx hash: 0x{HEX_KEY}", f"交易哈希 {HEX_KEY}", f"ハッシュ {HEX_KEY}", f"해시 {HEX_KEY}",
    f"хэш транзакции {HEX_KEY}", f"hash de transacción {HEX_KEY}", f"my deposit {HEX_KEY} has not arrived",
    f"0x{HEX_KEY}", HEX_KEY,
    f"I lost my private key years ago, but the transaction {HEX_KEY} is mine",
])
def test_transaction_hashes_and_unlabelled_hex_are_not_secrets(scanner, text):
    assert scanner.scan(text).findings == []


def test_key_label_elsewhere_in_message_without_transaction_label(scanner):
    assert scanner.scan(f"here is the private key of my old wallet, can you recover it? {HEX_KEY}").kinds == [
        "private_key"]


def test_wif_keys(scanner):
    key = bytes.fromhex(HEX_KEY)
    compressed = base58.b58encode_check(b"\x80" + key + b"\x01").decode()
    for wif in (WIF, compressed):
        result = scanner.scan(f"import this {wif} please")
        assert result.redacted == "import this [REDACTED:private_key] please"
    broken = WIF[:-1] + ("K" if WIF[-1] != "K" else "L")
    assert scanner.scan(f"look {broken}").findings == []  # bad checksum, no label: not a key
    assert scanner.scan(f"private key {broken}").kinds == ["private_key"]


def test_extended_private_keys(scanner):
    result = scanner.scan(f"xprv: {XPRV}")
    assert result.kinds == ["extended_key"] and XPRV[4:] not in result.redacted
    xpub = XPRV.replace("xprv", "xpub")
    assert scanner.scan(xpub).findings == []


def test_keystore_json_is_removed_whole(scanner):
    result = scanner.scan(f"my keystore file: {KEYSTORE} and the password hint")
    assert result.kinds == ["keystore"]
    assert result.redacted == "my keystore file: [REDACTED:keystore] and the password hint"


def test_keystore_cut_off_is_removed_to_the_end(scanner):
    cut = KEYSTORE[: KEYSTORE.index('"mac"')]
    result = scanner.scan("here " + cut)
    assert result.kinds == ["keystore"] and result.redacted == "here [REDACTED:keystore]"


@pytest.mark.parametrize("text", [
    "API key: aB3dEfGhIjKlMnOpQrStUv", "my api secret is 7fG9kLmN0pQrStUvWxYz1234AbCd",
    "apikey=Zx81Kd02Lq93Mw84Ne75", "secret key = 9aB8cD7eF6gH5iJ4kL3m", "API密钥是 aB3dEfGhIjKlMnOpQrStUv",
    "APIキー：aB3dEfGhIjKlMnOpQrStUv", "API 키: aB3dEfGhIjKlMnOpQrStUv", "API-ключ aB3dEfGhIjKlMnOpQrStUv",
    "clave API: aB3dEfGhIjKlMnOpQrStUv", "chave secreta aB3dEfGhIjKlMnOpQrStUv", "API anahtarım aB3dEfGhIjKlMnOpQrStUv",
    "clé API : aB3dEfGhIjKlMnOpQrStUv", "API-Schlüssel: aB3dEfGhIjKlMnOpQrStUv", "مفتاح API: aB3dEfGhIjKlMnOpQrStUv",
    "my API key for the trading bot is vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A",
])
def test_labelled_api_secrets(scanner, text):
    result = scanner.scan(text)
    assert result.kinds == ["api_secret"], result.redacted
    token = text.split()[-1]
    assert token not in result.redacted


def test_api_words_after_the_label_are_not_secrets(scanner):
    assert scanner.scan("my API key permissions do not allow withdrawals").findings == []
    assert scanner.scan("the api secret troubleshooting page").findings == []


# --- passwords, codes, cards, identity numbers ----------------------------------------------------------------

@pytest.mark.parametrize(("text", "kept"), [
    ("my password is hunter2", "my password is "), ("password: abc123", "password: "),
    ("my password is qwerty", "my password is "), ("密码是abc123", "密码是"),
    ("我的登录密码是 Abc12345", "我的登录密码是 "), ("密碼是abc123", "密碼是"),
    ("パスワードは qwerty です", "パスワードは "), ("비밀번호는 abc123입니다", "비밀번호는 "),
    ("мой пароль qwerty", "мой пароль "), ("mi contraseña es Secreto123", "mi contraseña es "),
    ("minha senha é abc12345", "minha senha é "), ("şifrem 1234abcd", "şifrem "),
    ("mon mot de passe est azerty", "mon mot de passe est "), ("mein Passwort ist Sommer2024", "mein Passwort ist "),
    ("كلمة المرور هي abc123", "كلمة المرور هي "), ('my password is "correct horse"', 'my password is "'),
    ("my pin is 4321", "my pin is "),
])
def test_passwords_keep_the_sentence(scanner, text, kept):
    result = scanner.scan(text)
    assert result.kinds == ["password"]
    assert result.redacted.startswith(kept + "[REDACTED:password]")


@pytest.mark.parametrize("text", [
    "my 2fa code is 123456", "2FA: 654321", "google authenticator code 123 456", "验证码是 123456", "谷歌验证码 123456",
    "短信验证码：654321", "驗證碼 123456", "認証コードは123456", "인증번호 123456", "код 123456",
    "код подтверждения: 123456", "código 2fa 123456", "mi código de verificación es 123456",
    "código de verificação 123456", "doğrulama kodu 123456", "code de vérification : 123456", "Bestätigungscode 123456",
    "رمز التحقق 123456", "my code is 4821",
])
def test_otp_codes(scanner, text):
    result = scanner.scan(text)
    assert result.kinds == ["otp_code"], result.redacted
    assert not re.search(r"\d{3}", result.redacted)


def test_2fa_setup_key(scanner):
    result = scanner.scan("my google authenticator setup key is JBSWY3DPEHPK3PXP")
    assert result.kinds == ["otp_code"] and "JBSWY3DPEHPK3PXP" not in result.redacted
    assert scanner.scan("16位密钥是 JBSWY3DPEHPK3PXP").kinds == ["otp_code"]


@pytest.mark.parametrize(("text", "last4"), [
    ("card 4111 1111 1111 1111", "1111"), ("4111-1111-1111-1111 was charged", "1111"),
    ("my card number is 5555555555554444", "4444"), ("cartão 378282246310005", "0005"),
    ("card number: 5555555555554444", "4444"), ("カード番号 4111-1111-1111-1111", "1111"),
])
def test_card_numbers(scanner, text, last4):
    result = scanner.scan(text)
    assert result.kinds == ["card_number"]
    assert f"[REDACTED:card_number ****{last4}]" in result.redacted
    digits = re.sub(r"\D", "", text)
    assert digits[:-4] not in re.sub(r"\D", "", result.redacted)


def test_card_like_numbers_that_are_not_cards(scanner):
    assert scanner.scan("4111 1111 1111 1112").findings == []  # Luhn fails
    assert scanner.scan("order id 4111111111111111").findings == []  # labelled as an order
    assert scanner.scan("timestamp 1732350000000").findings == []
    assert luhn_valid("79927398713") and not luhn_valid("79927398710")


@pytest.mark.parametrize("text", [
    "passport no. E12345678", "ID number: 123456789", "身份证号 11010519491231002X", "マイナンバー 123456789012",
    "주민등록번호 900101-1234567", "паспорт 4510 123456", "DNI 12345678Z", "CPF 123.456.789-09",
    "TC kimlik no 12345678901", "numéro de passeport 12AB34567", "Personalausweisnummer L01X00T47",
    "رقم الهوية 1234567890", "11010519491231002X",
])
def test_identity_numbers(scanner, text):
    result = scanner.scan(text)
    assert result.kinds == ["id_number"], result.redacted
    assert "[REDACTED:id_number]" in result.redacted


def test_chinese_resident_id_checksum():
    assert valid_chinese_id("11010519491231002X")
    assert not valid_chinese_id("110105194912310021")
    assert not valid_chinese_id("11010519491331002X")


def test_several_secrets_in_one_message(scanner):
    text = f"password: hunter22, code 123456 and my seed {ENGLISH_12}"
    result = scanner.scan(text)
    assert result.kinds == ["otp_code", "password", "seed_phrase"]
    assert result.redacted.count("[REDACTED:") == 3


def test_findings_point_at_the_secrets(scanner):
    text = "my password is hunter2 ok"
    (finding,) = scanner.scan(text).findings
    assert text[finding.start:finding.end] == "hunter2"


# --- contacts -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("write to john.doe@example.com", "write to j***@example.com"),
    ("+86 138 0013 8000", "+86 *******8000"),
    ("call +1 (415) 555-0132", "call +1 ******0132"),
    ("my number 13800138000", "my number *******8000"),
    ("+4915112345678", "+49 *******5678"),
])
def test_mask_contacts(text, expected):
    assert mask_contacts(text) == expected


def test_mask_contacts_leaves_dates_uids_and_hashes():
    text = f"2026-11-23 14:05 uid 1234567890 tx {HEX_KEY}"
    assert mask_contacts(text) == text


# --- speed ----------------------------------------------------------------------------------------------------

def test_scan_is_fast(scanner):
    messages = [m for m in ORDINARY_MESSAGES if len(m) >= 40]
    messages = [(m + " " + m)[:120] for m in messages]
    assert statistics.mean(len(m) for m in messages) >= 80
    for m in messages:
        scanner.scan(m)
    timings = []
    for _ in range(5):
        for m in messages:
            start = time.perf_counter()
            scanner.scan(m)
            timings.append(time.perf_counter() - start)
    median_ms = statistics.median(timings) * 1000
    print(f"\nscan: median {median_ms:.3f} ms, p95 {sorted(timings)[int(len(timings) * 0.95)] * 1000:.3f} ms "
          f"per message of ~{statistics.mean(len(m) for m in messages):.0f} characters")
    assert median_ms < 5
