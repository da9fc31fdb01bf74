"""Safety lint for answers: never ask for secrets, link only to official domains, known placeholders only."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bot.answers import PLACEHOLDER, fill_placeholders
from bot.kb.model import KnowledgeBase

# Per language: words for the secrets, verbs that ask to hand something over, and negations
# ("never share ...") that make the sentence a warning instead of a request.
SECRET_RULES: dict[str, tuple[str, str, str]] = {
    "en": (r"password|passcode|seed phrase|recovery phrase|mnemonic|private key|2fa code|verification code|"
           r"authenticator code|api secret|secret key",
           r"\b(send|share|provide|tell|give|paste|reply with|dm)\b",
           r"\b(never|not|don't|do not|no one|nobody)\b"),
    "zh-CN": (r"密码|助记词|私钥|验证码|密钥", r"发送|提供|告诉|发给|透露|分享|告知", r"不|勿|切勿|绝不|永远不|禁止"),
    "zh-TW": (r"密碼|助記詞|私鑰|驗證碼|金鑰|密鑰", r"發送|提供|告訴|發給|透露|分享|告知",
              r"不|勿|切勿|絕不|永遠不|禁止"),
    "ja": (r"パスワード|シードフレーズ|リカバリーフレーズ|秘密鍵|認証コード|2faコード|シークレット",
           r"送って|送信して|教えて|共有して|提供して|お知らせください|お送りください",
           r"ない|ません|決して|しないで|絶対に"),
    "ko": (r"비밀번호|시드|복구 문구|개인 ?키|인증 ?코드|otp|시크릿", r"보내|알려|공유|제공|전송",
           r"않|절대|마세요|말고|금지"),
    "ru": (r"пароль|сид-фраз|seed|мнемони|приватн\w* ключ|код 2fa|код подтверждения|секретн\w* ключ",
           r"отправьте|пришлите|сообщите|предоставьте|поделитесь|назовите", r"\bне\b|никогда|нельзя"),
    "es": (r"contraseña|frase semilla|frase de recuperación|clave privada|código 2fa|código de verificación|"
           r"secreto de (la )?api|clave secreta",
           r"\b(env[ií]a(nos|me)?|env[ií]e(nos)?|comp[aá]rte(nos)?|comparta|proporci[oó]na(nos)?|proporcione|"
           r"d[ií]ganos|dinos|facil[ií]ta(nos)?)\b",
           r"\bnunca\b|\bno\b|\bjamás\b|\bnadie\b"),
    "pt": (r"senha|frase semente|frase de recuperação|chave privada|código 2fa|código de verificação|"
           r"segredo da api|chave secreta",
           r"\b(envie(-nos)?|envia|compartilhe|forneça|informe|nos diga|passe)\b",
           r"\bnunca\b|\bnão\b|\bjamais\b|\bninguém\b"),
    "tr": (r"şifre|parola|kurtarma ifade|seed|özel anahtar|2fa kodu|doğrulama kodu|gizli anahtar|api secret",
           r"gönder|paylaş|ilet|bildir|verin|söyle", r"asla|hiçbir|değil|ma[yz]|me[yz]"),
    "fr": (r"mot de passe|phrase de récupération|seed|clé privée|code 2fa|code de vérification|secret api|"
           r"clé secrète", r"\b(envoyez|communiquez|partagez|fournissez|indiquez|donnez)(-nous|-moi)?\b",
           r"\bjamais\b|\bne\b|\bn'|\bpas\b|\bpersonne\b"),
    "de": (r"passwort|kennwort|seed|wiederherstellungsphrase|privaten? schlüssel|2fa-code|bestätigungscode|"
           r"api-secret|geheimen? schlüssel",
           r"\b(senden sie|schicken sie|teilen sie|mitteilen|geben sie|nennen sie)\b",
           r"\bnie\b|niemals|\bnicht\b|\bkein"),
    "ar": (r"كلمة المرور|عبارة الاسترداد|العبارة السرية|المفتاح الخاص|رمز التحقق|رمز المصادقة|المفتاح السري",
           r"أرسل|ارسل|شارك|زودنا|أخبرنا|قدم", r"\bلا\b|\bلن\b|أبد|ليس|إطلاق"),
}
_COMPILED = {lang: tuple(re.compile(p, re.IGNORECASE) for p in rule) for lang, rule in SECRET_RULES.items()}
_SENTENCE = re.compile(r"(?<=[.!?。！？؟])\s*|\n+")
# Host names are ASCII here (punycode for IDNs), so a link ends where ASCII host characters end; this
# keeps trailing punctuation or a Korean particle ("...example에서") out of the host.
_URL = re.compile(
    r"(?:https?://|\bwww\.)[A-Za-z0-9.-]+|\b(?:[A-Za-z0-9-]+\.)+(?:com|net|org|io|co|app|info|xyz)\b",
    re.IGNORECASE)


def asks_for_secret(text: str, language: str) -> str | None:
    """The first sentence of `text` that asks the user to hand over a secret, or None."""
    rule = _COMPILED.get(language) or _COMPILED["en"]
    secret, verb, negation = rule
    for sentence in _SENTENCE.split(text):
        if secret.search(sentence) and verb.search(sentence) and not negation.search(sentence):
            return sentence.strip()
    return None


def unofficial_links(text: str, official_domains: list[str]) -> list[str]:
    """Links in `text` whose host is not an official domain or one of its subdomains."""
    found = []
    for url in _URL.findall(text):
        host = (urlsplit(url if "://" in url else f"https://{url}").hostname or "").lower().strip(".")
        if not any(host == d or host.endswith("." + d) for d in official_domains):
            found.append(url)
    return found


def lint_knowledge_base(kb: KnowledgeBase, placeholders: dict[str, str], official_domains: list[str]) -> list[str]:
    """Every safety problem in the answers, each naming the entry and language."""
    problems = []
    for entry in kb:
        for lang, translation in entry.translations.items():
            where = f"{entry.source or entry.category}: {entry.id} [{lang}]"
            unknown = sorted({m for m in PLACEHOLDER.findall(translation.answer) if m not in placeholders})
            if unknown:
                problems.append(f"{where}: unknown placeholder(s) {unknown}")
            answer = fill_placeholders(translation.answer, placeholders)
            request = asks_for_secret(answer, lang)
            if request:
                problems.append(f"{where}: the answer asks the user for a secret: {request[:120]!r}")
            for link in unofficial_links(answer, official_domains):
                problems.append(f"{where}: link to a non-official domain: {link}")
    return problems
