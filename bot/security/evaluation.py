"""Measure the secret scanner: recall on generated secrets, leaks, false positives, speed."""

from __future__ import annotations

import random
from collections.abc import Callable

import base58
from mnemonic import Mnemonic

from bot.security.secrets import BIP39_LANGUAGES, SecretScanner

PASSWORD_TEMPLATES = ("my password is {}", "password: {}", "密码是{}", "密碼是 {}", "パスワードは{}です",
                      "비밀번호는 {}", "мой пароль {}", "mi contraseña es {}", "minha senha é {}",
                      "mon mot de passe est {}",
                      "mein Passwort ist {}", "كلمة المرور هي {}")
OTP_TEMPLATES = ("my 2fa code is {}", "验证码是{}", "認証コードは{}です", "인증번호 {}", "код {}", "código 2fa {}",
                 "Bestätigungscode {}", "رمز التحقق {}")
SURROUNDINGS = ("", "please help", "帮我看看", "помогите", "ayuda por favor", "I sent 100 USDT yesterday")


def _seed(rng: random.Random) -> tuple[str, str]:
    language = rng.choice(BIP39_LANGUAGES)
    words = Mnemonic(language).generate(rng.choice((128, 160, 192, 224, 256))).replace("\u3000", " ").split(" ")
    layout = rng.choice(("space", "numbered", "comma", "lines"))
    if layout == "numbered":
        phrase = "\n".join(f"{i}. {w}" for i, w in enumerate(words, 1))
    else:
        phrase = {"space": " ", "comma": ", ", "lines": "\n"}[layout].join(words)
    return phrase, max(words, key=len)


def _key(rng: random.Random) -> tuple[str, str]:
    raw = rng.randbytes(32)
    if rng.random() < 0.5:
        key = base58.b58encode_check(b"\x80" + raw + b"\x01").decode()
        return key, key
    key = ("0x" if rng.random() < 0.5 else "") + raw.hex()
    return f"my private key is {key}", raw.hex()


def _password(rng: random.Random) -> tuple[str, str]:
    alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!@#$%"
    password = "".join(rng.choice(alphabet) for _ in range(rng.randint(6, 18))) + str(rng.randint(0, 9)) + "x"
    return rng.choice(PASSWORD_TEMPLATES).format(password), password


def _otp(rng: random.Random) -> tuple[str, str]:
    code = f"{rng.randint(0, 999999):06d}"
    return rng.choice(OTP_TEMPLATES).format(code), code


GENERATORS: dict[str, tuple[str, Callable[[random.Random], tuple[str, str]]]] = {
    "seed_phrase": ("seed_phrase", _seed), "private_key": ("private_key", _key),
    "password": ("password", _password), "otp_code": ("otp_code", _otp)}


def recall(scanner: SecretScanner, per_kind: int, seed: int = 0) -> dict[str, dict[str, float]]:
    """For each kind: share detected, and how many redacted texts still contained the secret."""
    rng = random.Random(seed)
    report = {}
    for name, (kind, generate) in GENERATORS.items():
        found = leaked = 0
        for _ in range(per_kind):
            secret_text, probe = generate(rng)
            text = f"{rng.choice(SURROUNDINGS)} {secret_text} {rng.choice(SURROUNDINGS)}"
            result = scanner.scan(text)
            found += kind in result.kinds
            leaked += probe in result.redacted
        report[name] = {"recall": round(found / per_kind, 4), "leaked": leaked, "generated": per_kind}
    return report


def false_positives(scanner: SecretScanner, texts: list[str]) -> dict[str, float]:
    """Messages wrongly flagged among ordinary `texts`."""
    flagged = sum(bool(scanner.scan(text).findings) for text in texts)
    return {"texts": len(texts), "flagged": flagged, "rate": round(flagged / max(len(texts), 1), 5)}
