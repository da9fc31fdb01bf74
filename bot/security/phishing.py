"""Spot phishing in a user's message: links outside the official domains, look-alike domains, and reports of
someone posing as support on Telegram, WhatsApp, WeChat ... in the 12 supported languages.

A host is official when it is one of the official domains or a subdomain of one. Every other host in the text
is reported as `unofficial_domain:<host>`; on top of that, `lookalike:<host>` when it imitates an official
domain's name (the first label, e.g. `kestrel` for `kestrel.example`): after undoing homoglyphs (Cyrillic and
Greek letters, accents, 0/o, 1/l/i, rn/m, vv/w) a part of the host equals the name, contains it
(kestrelsupport.com), or is within edit distance 2 of it (1 for names of 5-6 letters, none below).
Internationalised hosts are reported as `punycode:<xn--...>` and judged in their decoded form. Bare
domains without a scheme count only with a known top-level domain, so "e.g." or "v1.2" are not links.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType

from bot.security import load_locales, pick_language

_idna: ModuleType | None
try:  # the `idna` package implements IDNA 2008; the standard library's codec (IDNA 2003) is the fallback
    import idna as _idna
except ImportError:  # pragma: no cover - idna comes with the HTTP stack
    _idna = None

_LETTER = r"A-Za-z0-9\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff"
_LABEL = rf"[{_LETTER}](?:[{_LETTER}-]{{0,61}}[{_LETTER}])?"
_HOST = rf"(?:{_LABEL}\.)+{_LABEL}"
_LINK = re.compile(
    rf"(?P<scheme>(?:https?|hxxps?)://)?(?<![{_LETTER}@.-])(?P<host>{_HOST})\.?(?::\d{{1,5}})?"
    rf"(?P<path>/[^\s<>\"'，。、「」）)]*)?", re.IGNORECASE)
_EMAIL = re.compile(rf"[\w.+-]+@(?P<host>{_HOST})", re.IGNORECASE)
# Top-level domains that make a bare "name.tld" a link (file extensions such as .md, .sh or .so are left out).
KNOWN_TLDS = frozenset("""
com net org io co app info xyz me top vip cc ru cn su tk ml ga cf gq us uk de fr es it nl pl br pt tr jp kr in id
vn th ph my sg hk tw ae sa ir ua kz by biz pro club online site website live link click support help services
finance exchange trade wallet network money cash capital digital tech cloud dev page store shop world today news
one fun icu buzz space host lol ly gl to gg ai ws bz la im is ee lt lv eu asia mobi tv fm am st cx ch at be
se no dk fi cz sk hu ro bg gr il mx ar cl pe ve nz au ca za ng ke eg ma tn pk bd lk np mn kg uz az ge rs hr si
ba mk al cy mt lu li mc gift bet win vip ltd inc llc group global center company email security systems solutions
example test invalid localhost
""".split())
# Characters that pass for Latin letters, mapped to the letter they imitate.
_CONFUSABLES = str.maketrans({
    "а": "a", "е": "e", "ё": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j",
    "ѕ": "s", "ԁ": "d", "ӏ": "l", "һ": "h", "к": "k", "м": "m", "н": "h", "т": "t", "в": "b", "г": "r", "ԛ": "q",
    "ԝ": "w", "α": "a", "ο": "o", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ρ": "p", "τ": "t", "υ": "u", "χ": "x",
    "β": "b", "γ": "y", "η": "n", "μ": "u", "ω": "w", "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h",
    "0": "o", "1": "l", "i": "l", "|": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "$": "s",
})
_MULTI_CONFUSABLES = (("rn", "m"), ("vv", "w"), ("cl", "d"))


@dataclass
class PhishingReport:
    """What looked like phishing in a message: the suspicious links and why (`lookalike:host`, ...)."""

    suspicious_links: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def suspected(self) -> bool:
        """True when anything in the message looked like phishing."""
        return bool(self.reasons)


def skeleton(text: str) -> str:
    """`text` with homoglyphs, accents and digit substitutions undone, for comparing names: kеstre1 -> kestrel."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).translate(_CONFUSABLES)
    for many, one in _MULTI_CONFUSABLES:
        folded = folded.replace(many, one)
    return folded


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count once), capped at `limit`."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return min(previous[-1], limit)


def to_ascii(host: str) -> str | None:
    """The ASCII (punycode) form of a host name, or None when it is not a valid IDN."""
    if host.isascii():
        return host
    try:
        if _idna is not None:
            return str(_idna.encode(host, uts46=True).decode("ascii"))
        return host.encode("idna").decode("ascii")
    except (UnicodeError, ValueError):
        return None


def to_unicode(host: str) -> str:
    """The Unicode form of a host name with punycode (xn--) labels; the host itself when it cannot be decoded."""
    if "xn--" not in host:
        return host
    try:
        if _idna is not None:
            return str(_idna.decode(host))
        return host.encode("ascii").decode("idna")
    except (UnicodeError, ValueError):
        return host


class PhishingDetector:
    """Checks messages for unofficial and look-alike links and for reports of people posing as support."""

    def __init__(self, official_domains: list[str], *, trusted_domains: list[str] | tuple[str, ...] = ()) -> None:
        self.official = [d.lower().strip(".") for d in official_domains]
        self.official_ascii = [to_ascii(d) or d for d in self.official]
        self.trusted = [d.lower().strip(".") for d in trusted_domains]
        self.names = sorted({skeleton(d.split(".")[0]) for d in self.official})

    def warm_up(self) -> None:
        """Nothing to load; present for the same life cycle as the other guards."""

    def is_official(self, host: str) -> bool:
        """Whether `host` is an official domain or one of its subdomains."""
        ascii_host = to_ascii(host.lower().strip("."))
        return ascii_host is not None and any(
            ascii_host == d or ascii_host.endswith("." + d) for d in self.official_ascii)

    def check(self, text: str) -> PhishingReport:
        """Every suspicious link in `text` and every reason to suspect phishing."""
        report = PhishingReport()
        for link, host in self._links(text):
            reasons = self.host_reasons(host)
            if reasons:
                report.suspicious_links.append(link)
                report.reasons.extend(r for r in reasons if r not in report.reasons)
        for match in _EMAIL.finditer(text):
            host = match.group("host").lower()
            if not self.is_official(host) and self._lookalike(host):
                report.suspicious_links.append(match.group())
                report.reasons.append(f"lookalike:{host}")
        channel = impostor_contact(text)
        if channel:
            report.reasons.append(f"impostor_contact:{channel}")
        return report

    def host_reasons(self, host: str) -> list[str]:
        """Why a host is suspicious (empty when it is official or trusted)."""
        host = host.lower().strip(".")
        if self.is_official(host):
            return []
        reasons = []
        decoded = to_unicode(host)
        if "xn--" in host:
            reasons.append(f"punycode:{host}")
        elif not host.isascii():
            reasons.append(f"punycode:{to_ascii(host) or host}")
        if self._lookalike(decoded):
            reasons.append(f"lookalike:{host}")
        trusted = any(host == d or host.endswith("." + d) for d in self.trusted)
        if not trusted or reasons:
            reasons.append(f"unofficial_domain:{host}")
        return reasons

    def _lookalike(self, host: str) -> bool:
        parts = [p for p in re.split(r"[.\-]", host) if p]
        joined = skeleton("".join(parts))
        for name in self.names:
            budget = 2 if len(name) >= 7 else 1 if len(name) >= 5 else 0
            if len(name) >= 4 and name in joined:
                return True
            for part in parts:
                if skeleton(part) == name or (budget and (edit_distance(part, name) <= budget
                                                          or edit_distance(skeleton(part), name) <= budget)):
                    return True
        return False

    def _links(self, text: str) -> list[tuple[str, str]]:
        links = []
        for match in _LINK.finditer(text):
            host = match.group("host")
            tld = host.rsplit(".", 1)[-1].lower()
            if not match.group("scheme") and not self._looks_like_domain(host, tld):
                continue
            links.append((match.group().rstrip(".,;:!?"), host))
        return links

    def _looks_like_domain(self, host: str, tld: str) -> bool:
        official_tlds = {d.rsplit(".", 1)[-1] for d in self.official_ascii}
        return (tld in KNOWN_TLDS or tld in official_tlds or tld.startswith("xn--")
                or host.lower().startswith("www.")) and not tld.isdigit()


# --- people posing as support ------------------------------------------------------------------------------

_CHANNELS = (
    ("telegram", r"telegram|\btg\b|电报|電報|纸飞机|紙飛機|飞机|飛機|テレグラム|텔레그램|телеграм\w*|"
                 r"تيليجرام|تلغرام|تليجرام|تلیگرام|\bt\.me\b"),
    ("whatsapp", r"whats\s?app|\bwa\.me\b|ワッツアップ|왓츠앱|вотсап\w*|ватсап\w*|واتساب|واتس"),
    ("wechat", r"wechat|微信|weixin"),
    ("line", r"\bLINE\b|ライン|라인"),
    ("kakaotalk", r"kakao\s?talk|카카오톡|카톡"),
    ("discord", r"discord|ディスコード|디스코드|дискорд|ديسكورد"),
    ("signal", r"\bsignal\b"),
    ("viber", r"viber|вайбер"),
    ("qq", r"\bQQ\b"),
    ("twitter", r"twitter|推特|ツイッター|트위터|твиттер|تويتر"),
    ("facebook", r"facebook|messenger|脸书|臉書|フェイスブック|페이스북|фейсбук|فيسبوك"),
    ("instagram", r"instagram|インスタ|인스타|инстаграм"),
    ("phone", r"phone\s+call|called\s+me|电话|電話|전화|позвонил\w*|me\s+llam\w+|me\s+ligou|beni\s+arad|"
              r"m['’]a\s+appel|angerufen|اتصل"),
    ("email", r"e-?mail|邮件|郵件|メール|이메일|письм\w*|correo|المبريد|البريد"),
)
_CHANNEL_RES = tuple((name, re.compile(pattern, re.IGNORECASE)) for name, pattern in _CHANNELS)
_MESSENGERS = frozenset(name for name, _ in _CHANNELS) - {"phone", "email"}

_CONTACT = re.compile("|".join((
    r"\b(?:messaged|contacted|dm'?e?d|pm'?e?d|texted|called|e-?mailed|wrote\s+to|reached\s+out\s+to|added|approached|"
    r"pinged|whatsapp'?e?d|sent|invited)\s+me\b|\b(?:got|received|had)\s+(?:a\s+)?(?:dm|message|call|text|pm)s?\s+"
    r"from\b|\bi\s+was\s+(?:contacted|added|messaged)\b|\bslid\s+into\s+my\s+dms?",
    r"加(?:了)?我|[联聯][系繫络絡](?:了)?我|私[信訊](?:了)?我|[给給]我(?:[发發]|打|私[信訊])|找(?:了)?我|打[电電][话話][给給]我|"
    r"拉我[进進]群|[发發](?:了)?(?:一[个個])?(?:[链連鏈][接结結]|消息|[讯訊]息|信息)[给給]我",
    r"(?:DM|メッセージ|連絡|電話|メール|LINE)\s*(?:が|を)?\s*(?:来|き|届|もら|受け)|から\s*(?:DM|連絡|メッセージ)|"
    r"連絡してきた|話しかけられ|追加され|送られてき",
    r"연락(?:이)?\s*(?:왔|받았|와서|옴)|메시지(?:가)?\s*(?:왔|받았|와서|옴)|DM(?:이)?\s*(?:왔|받았|와서)|"
    r"전화(?:가)?\s*(?:왔|받았|와서)|문자(?:가)?\s*(?:왔|받았)|보내왔|친구\s*추가",
    r"(?:написал[иа]?|писал[иа]?|позвонил[иа]?|звонил[иа]?|связал(?:ся|ись|ась)|добавил[иа]?|прислал[иа]?|"
    r"отправил[иа]?)\s+(?:мне|со\s+мной|меня)|мне\s+(?:написал[иа]?|позвонил[иа]?|прислал[иа]?|пишут|звонят|"
    r"пришл[оа]\s+(?:сообщение|ссылка|письмо))|со\s+мной\s+связал(?:ся|ись|ась)",
    r"\bme\s+(?:escribi(?:eron|ó)|contact(?:aron|ó)|llam(?:aron|ó)|envi(?:aron|ó)|agreg(?:aron|ó)|añadi(?:eron|ó)|"
    r"mand(?:aron|ó)|habl(?:aron|ó))",
    r"\bme\s+(?:mand(?:aram|ou)|contat(?:aram|ou)|escreve(?:ram|u)|lig(?:aram|ou)|envi(?:aram|ou)|"
    r"adicion(?:aram|ou)|cham(?:ou|aram))",
    r"\bbana\s+(?:yazd[ıi]|mesaj\s+(?:att[ıi]|g[öo]nderdi)|ula[sş]t[ıi]|link\s+g[öo]nderdi|d[öo]nd[üu])|"
    r"benimle\s+ileti[sş]ime\s+ge[çc]ti|beni\s+(?:arad[ıi]|ekledi)",
    r"m['’]\s*(?:a|ont)\s+(?:contact[ée]e?s?|[ée]crit|envoy[ée]|appel[ée]e?|ajout[ée]e?)|"
    r"\bon\s+m['’]a\s+(?:contact[ée]|[ée]crit|envoy[ée]|appel[ée])",
    r"\b(?:hat|haben)\s+mich\s+(?:\w+\s+){0,3}(?:kontaktiert|angeschrieben|angerufen|hinzugef[üu]gt|angesprochen)|"
    r"\b(?:hat|haben)\s+mir\s+(?:\w+\s+){0,3}(?:geschrieben|eine\s+nachricht|einen\s+link|eine\s+dm)|"
    r"\bschrieben?\s+mir\b",
    r"راسلني|راسلوني|تواصل(?:وا)?\s+معي|[أا]رسل(?:وا)?\s+لي|اتصل(?:وا)?\s+بي|كلمني|كلموني|[أا]ضافني|[أا]ضافوني|"
    r"وصلتني\s+رسالة|جاءتني\s+رسالة",
)), re.IGNORECASE)

_IMPERSONATION = re.compile("|".join((
    r"pretend(?:ing|ed|s)?\s+to\s+be|claim(?:ing|ed|s)?\s+to\s+be|impersonat\w*|posing\s+as|"
    r"said\s+(?:they|he|she)\s+(?:were|was|are|is)\s+(?:from\s+)?(?:the\s+)?(?:\w+\s+)?(?:support|staff|admin|team)|"
    r"fake\s+(?:support|admin|staff|agent|customer\s+service)|scammer\s+(?:posing|pretending)",
    r"冒充|假冒|自[称稱]|[声聲][称稱]是|[说說]是(?:客服|官方|管理[员員])|假客服|冒牌",
    r"名乗る|名乗って|名乗った|を装|なりすまし|成りすまし|偽(?:の)?(?:サポート|運営|スタッフ)|と称する",
    r"사칭|(?:이|)라고\s*(?:하|해|하면서|하며|주장)|라며|자칭|가짜\s*(?:고객센터|상담원|관리자)",
    r"от\s+имени|представил(?:ся|ись|ась)|якобы|выдава(?:л|ли|ют)\s+себя|фейков\w*\s+(?:поддержк|админ|сотрудник)\w*|"
    r"лже-?поддержк",
    r"diciendo\s+que\s+(?:eran|era|son|es)|haci[ée]ndose\s+pasar|se\s+hac(?:en|ía|ían)\s+pasar|dijeron\s+ser|"
    r"dijo\s+ser|afirmando\s+ser|falso\s+soporte",
    r"dizendo\s+(?:ser|que\s+(?:eram|era|são|é))|se\s+passando\s+por|fingindo\s+ser|alegando\s+ser|falso\s+suporte",
    r"oldu[gğ]unu\s+(?:s[öo]yle\w*|iddia\w*)|gibi\s+davran|taklit|k[ıi]l[ıi][gğ][ıi]na\s+gir|sahte\s+(?:destek|yetkili|"
    r"admin)",
    r"se\s+faisant\s+passer|pr[ée]tend(?:ant|ait|aient)?\s+[êe]tre|soi-disant|pr[ée]tendu|faux\s+(?:support|conseiller|"
    r"admin)",
    r"gab(?:en)?\s+sich\s+(?:\w+\s+){0,2}als|ausgegeben|angeblich\w*|behauptete(?:n)?|vorgab(?:en)?|"
    r"falsche[rn]?\s+(?:support|mitarbeiter|admin)",
    r"انتحل|ينتحل|يدعي|يدّعي|ادعى|يزعم|زعم|(?:دعم|موظف|مسؤول)\s+(?:مزيف|وهمي)|يقول\s+إنه|قال\s+إنه|قالوا\s+إنهم",
)), re.IGNORECASE)

_REQUEST = re.compile("|".join((
    r"\b(?:asked|told|wanted|instructed|requested|urged)\s+(?:me\s+)?(?:to\s+)?(?:verify|validate|sync|connect|confirm|"
    r"unlock|migrate|update|share|send|enter|give|provide|type|scan|import|transfer|move)\b[^.?!]{0,40}?\b(?:wallet|"
    r"account|seed|phrase|private\s+key|password|2fa|code|funds|assets|coins|usdt|btc)|\bsent\s+me\s+(?:a\s+|this\s+)?"
    r"(?:link|url|qr)|\b(?:asked|wanted|asking)\s+(?:me\s+)?for\s+my\s+(?:seed|password|2fa|private\s+key|recovery|code)",
    r"(?:[让讓]我|要我|叫我|要求我)[^。！？]{0,12}(?:[验驗][证證]|[转轉]|授[权權]|[连連]接|[点點]|下[载載]|[扫掃]|"
    r"助[记記]|私[钥鑰]|密[码碼])|[发發](?:了)?(?:一[个個])?[链連鏈][接结結]",
    r"(?:認証|確認|接続|入力|送金|同期)\s*(?:する|して)?(?:よう)?(?:に)?(?:言われ|求められ|頼まれ|指示され)|リンクを送|リンクが送",
    r"(?:인증|확인|연결|입력|송금|전송)\s*(?:하라고|해\s*달라고|해달라고|요청)|링크를?\s*보내",
    r"попросил[иа]?\s+(?:меня\s+)?(?:подтвердить|верифицировать|ввести|отправить|прислать|перевести|подключить|"
    r"синхронизировать|назвать|сообщить)|(?:прислал|скинул|отправил)[иа]?\s+(?:мне\s+)?ссылку",
    r"\bme\s+pidi(?:eron|ó)\s+(?:que\s+)?(?:verific|valid|conect|sincroniz|ingres|envi|compart|confirm|d[ée])\w*|"
    r"\bme\s+(?:enviaron|mandaron)\s+un\s+(?:enlace|link)",
    r"\bme\s+pedi(?:u|ram)\s+(?:para\s+)?(?:verific|valid|conect|sincroniz|inform|envi|compartilh|confirm|digit)\w*|"
    r"\bme\s+(?:mandaram|enviaram|mandou|enviou)\s+um\s+link",
    r"(?:do[gğ]rulamam[ıi]|onaylamam[ıi]|ba[gğ]lamam[ıi]|g[öo]ndermemi|girmemi|payla[sş]mam[ıi]|vermemi)\s+istedi|"
    r"link\s+g[öo]nderdi",
    r"m['’]\s*(?:a|ont)\s+demand[ée]\s+(?:de\s+)?(?:v[ée]rifier|valider|connecter|synchroniser|saisir|envoyer|"
    r"partager|confirmer|donner)|m['’]\s*(?:a|ont)\s+envoy[ée]\s+un\s+lien",
    r"\b(?:bat|baten|wollte|wollten|forderte|forderten)\s+mich\b[^.?!]{0,40}?(?:verifizieren|best[äa]tigen|verbinden|"
    r"synchronisieren|eingeben|senden|teilen)|\b(?:hat|haben)\s+mir\s+(?:\w+\s+){0,2}einen\s+link",
    r"طلب(?:وا)?\s+مني\s+(?:\S+\s+){0,2}(?:كلمة|رمز|عبارة|المفتاح|التحقق|تحويل|ربط|الضغط)|[أا]رسل(?:وا)?\s+لي\s+رابط",
)), re.IGNORECASE)

_STAFF = re.compile("|".join((
    r"support|customer\s+(?:service|care)|\badmins?\b|administrator|moderator|\bmods?\b|staff|\bagents?\b|"
    r"representative|\brep\b|official|employee|team\s+member|help\s*desk|security\s+team",
    r"客服|官方|管理[员員]|工作人[员員]|技[术術]支[持援]|专员|專員",
    r"サポート|運営|公式|スタッフ|管理者|カスタマー|担当者|窓口",
    r"고객\s*센터|고객\s*지원|상담원|관리자|운영자|직원|공식",
    r"поддержк\w*|служб\w*|админ\w*|модератор\w*|сотрудник\w*|оператор\w*|менеджер\w*",
    r"soporte|servicio\s+al\s+cliente|atenci[oó]n\s+al\s+cliente|administrador|moderador|agente|empleado|oficial",
    r"suporte|atendente|atendimento|moderador|funcion[aá]rio",
    r"destek|m[üu][sş]teri\s+hizmetleri|yetkili|y[öo]netici|moderat[öo]r|temsilci|personel",
    r"service\s+client|conseiller|administrateur|mod[ée]rateur|employ[ée]|officiel",
    r"kundendienst|kundenservice|mitarbeiter|offiziell",
    r"الدعم|خدمة\s+العملاء|المسؤول|الإدارة|مشرف|موظف|[اأ]دمن|الرسمي",
)), re.IGNORECASE)


def contact_channel(text: str) -> str | None:
    """The first contact channel (telegram, whatsapp, wechat, ..., phone, email) mentioned in `text`."""
    found = [(m.start(), name) for name, pattern in _CHANNEL_RES if (m := pattern.search(text))]
    return min(found)[1] if found else None


def impostor_contact(text: str) -> str | None:
    """The channel ('telegram', ..., or 'unspecified') when `text` reports someone posing as support, else None.

    Counts: an impersonation ("pretending to be support", 冒充客服, なりすまし, ...); being contacted ("messaged me",
    加我, 連絡が来た, ...) by someone calling themselves staff or through a messenger; or being asked to verify a
    wallet or sent a link. Questions such as "how do I contact support?" contain none of these.
    """
    channel = contact_channel(text)
    contacted = _CONTACT.search(text) is not None
    suspicious = (_IMPERSONATION.search(text) is not None or _REQUEST.search(text) is not None
                  or (contacted and (_STAFF.search(text) is not None or channel in _MESSENGERS)))
    if not suspicious:
        return None
    return channel or "unspecified"


@cache
def _phishing_texts() -> dict[str, str]:
    texts: dict[str, str] = load_locales()["phishing"]
    return texts


def phishing_text(language: str, exchange_name: str, verify_page: str) -> str:
    """The anti-phishing warning in `language` (English when unsupported): official channels only, support never
    messages first, check contacts and links at `verify_page`, do not click the link."""
    template = _phishing_texts()[pick_language(language, _phishing_texts())]
    return template.format(exchange_name=exchange_name, verify_page=verify_page)
