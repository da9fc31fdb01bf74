"""Pull the details support needs out of a message: transaction hashes, addresses (with checksum checks),
coins, networks, amounts, UIDs, order ids, memos/tags and dates.

A bad address checksum is a common cause of failed withdrawals, so addresses carry `valid` and, when the
checksum fails, `detail="checksum"`. Nothing a `SecretScanner` flags is ever returned: a 64-hex string labelled
as a private key is a secret, not a txid.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import base58
import bech32
from Crypto.Hash import keccak

from bot.security.secrets import SecretFinding, SecretScanner

TXID = "txid"
ADDRESS = "address"
COIN = "coin"
NETWORK = "network"
AMOUNT = "amount"
UID = "uid"
ORDER_ID = "order_id"
MEMO = "memo"
DATETIME = "datetime"


@dataclass(frozen=True)
class Entity:
    """A detail found in a message; `valid` is set where it can be checked (address checksums)."""

    kind: str
    value: str
    valid: bool | None = None
    detail: str = ""


# --- addresses ----------------------------------------------------------------------------------------------

BECH32M_CONST = 0x2BC830A3
# Base58check version bytes of the legacy address types the extractor recognises.
_BASE58_VERSIONS = {0x00: "bitcoin:p2pkh", 0x05: "bitcoin:p2sh", 0x30: "litecoin:p2pkh", 0x32: "litecoin:p2sh",
                    0x1E: "dogecoin:p2pkh", 0x16: "dogecoin:p2sh"}
_SEGWIT_HRPS = {"bc": "bitcoin", "tb": "bitcoin-testnet", "ltc": "litecoin"}


def eip55(address: str) -> str:
    """The EIP-55 mixed-case checksum form of an Ethereum address (0x + 40 hex)."""
    lowered = address[2:].lower()
    digest = keccak.new(digest_bits=256, data=lowered.encode("ascii")).hexdigest()
    return "0x" + "".join(ch.upper() if ch.isalpha() and int(digest[i], 16) >= 8 else ch
                          for i, ch in enumerate(lowered))


def check_ethereum(address: str) -> tuple[bool, str]:
    """(valid, detail) of an EVM address: all one case is valid but carries no checksum; mixed case must match
    EIP-55."""
    body = address[2:]
    if body == body.lower() or body == body.upper():
        return True, "evm:unchecksummed"
    return (True, "evm:eip55") if address == eip55(address) else (False, "checksum")


def check_base58(address: str) -> tuple[bool, str]:
    """(valid, detail) of a base58check address: Bitcoin/Litecoin/Dogecoin legacy or TRON."""
    try:
        raw = base58.b58decode_check(address)
    except ValueError:
        return False, "checksum"
    if len(raw) != 21:
        return False, "length"
    if address.startswith("T"):
        return (True, "tron") if raw[0] == 0x41 else (False, "version")
    kind = _BASE58_VERSIONS.get(raw[0])
    return (True, kind) if kind else (False, "version")


def check_segwit(address: str) -> tuple[bool, str]:
    """(valid, detail) of a bech32 (witness v0) or bech32m (v1+, BIP350) segwit address."""
    if address != address.lower() and address != address.upper():
        return False, "checksum"
    lowered = address.lower()
    separator = lowered.rfind("1")
    hrp, data = lowered[:separator], [bech32.CHARSET.find(ch) for ch in lowered[separator + 1:]]
    if hrp not in _SEGWIT_HRPS or len(data) < 7 or -1 in data:
        return False, "checksum"
    constant = bech32.bech32_polymod(bech32.bech32_hrp_expand(hrp) + data)
    if constant not in (1, BECH32M_CONST):
        return False, "checksum"
    version, program = data[0], bech32.convertbits(data[1:-6], 5, 8, False)
    if version > 16 or program is None or not 2 <= len(program) <= 40:
        return False, "program"
    if (version == 0) != (constant == 1):
        return False, "checksum"  # v0 must use bech32, v1+ bech32m
    if version == 0 and len(program) not in (20, 32):
        return False, "program"
    kind = {(0, 20): "p2wpkh", (0, 32): "p2wsh", (1, 32): "p2tr"}.get((version, len(program)), f"segwit-v{version}")
    return True, f"{_SEGWIT_HRPS[hrp]}:{kind}"


_ETH_ADDRESS = re.compile(r"(?<![0-9A-Za-z])0x[0-9a-fA-F]{40}(?![0-9A-Za-z])")
_SEGWIT_ADDRESS = re.compile(r"(?<![0-9A-Za-z])(?:bc|tb|ltc|BC|TB|LTC)1[0-9A-Za-z]{6,87}(?![0-9A-Za-z])")
# Any alphanumeric character, so a typo such as 0 or O (not base58) still reads as a bad address.
_BASE58_ADDRESS = re.compile(r"(?<![0-9A-Za-z])(?:[13LMD][0-9A-Za-z]{25,34}|T[0-9A-Za-z]{33})(?![0-9A-Za-z])")


def _addresses(text: str) -> Iterator[tuple[int, int, Entity]]:
    for match in _ETH_ADDRESS.finditer(text):
        valid, detail = check_ethereum(match.group())
        yield match.start(), match.end(), Entity(ADDRESS, match.group(), valid, detail)
    for match in _SEGWIT_ADDRESS.finditer(text):
        valid, detail = check_segwit(match.group())
        yield match.start(), match.end(), Entity(ADDRESS, match.group(), valid, detail)
    for match in _BASE58_ADDRESS.finditer(text):
        value = match.group()
        if value.isdigit() or not any(ch.isdigit() for ch in value) or not re.search("[a-z]", value):
            continue  # numbers and words are not addresses
        valid, detail = check_base58(value)
        yield match.start(), match.end(), Entity(ADDRESS, value, valid, detail)


# --- transaction hashes -------------------------------------------------------------------------------------

_TXID = re.compile(r"(?<![0-9A-Za-z])(0[xX])?[0-9a-fA-F]{64}(?![0-9A-Za-z])")
_TRON_CONTEXT = re.compile(r"trc[\s-]?20|\btrx\b|\btron\b|波[场場]|tronscan", re.IGNORECASE)


def _txids(text: str) -> Iterator[tuple[int, int, Entity]]:
    tron = _TRON_CONTEXT.search(text) is not None
    for match in _TXID.finditer(text):
        detail = "ethereum,evm" if match.group(1) else "tron,bitcoin-like" if tron else "bitcoin-like,tron"
        yield match.start(), match.end(), Entity(TXID, match.group().lower(), None, detail)


# --- coins, networks, amounts -------------------------------------------------------------------------------

# Tickers recognised in any case, and tickers that are also ordinary words ("dot", "ton", "sol", "link"),
# recognised only in capitals (or right after a number, as the unit of an amount).
TICKERS = ("BTC", "ETH", "USDT", "USDC", "BNB", "XRP", "TRX", "LTC", "DOGE", "MATIC", "XLM", "AVAX", "SHIB", "BCH",
           "BUSD", "FDUSD", "TUSD", "ARB", "ICP", "WBTC", "USDE", "XMR")
CAPITAL_TICKERS = ("ADA", "DOT", "TON", "SOL", "EOS", "ATOM", "LINK", "NEAR", "UNI", "OP", "APT", "SUI", "ETC", "DAI",
                   "POL", "FIL", "PEPE", "TRUMP")
COIN_NAMES = {
    "BTC": r"bitcoins?|比特[币幣]|ビットコイン|비트코인|биткоин\w*|биткойн\w*|بيتكوين",
    "ETH": r"ethereum|ether|以太坊|以太[币幣]|イーサリアム|이더리움|эфириум\w*|эфир\w*|إيثريوم|ايثريوم|إيثيريوم",
    "USDT": r"tether|泰[达達][币幣]|テザー|테더|тезер\w*|تيثر",
    "USDC": r"usd\s+coin",
    "XRP": r"ripple|瑞波[币幣]?|リップル|리플",
    "SOL": r"solana|ソラナ|솔라나|солан\w*|سولانا",
    "DOGE": r"dogecoin|狗狗[币幣]|ドージコイン|도지코인|догикоин\w*",
    "LTC": r"litecoin|莱特[币幣]|萊特[幣币]|ライトコイン|라이트코인|лайткоин\w*",
    "TRX": r"波[场場][币幣]",
    "ADA": r"cardano|カルダノ|카르다노",
    "DOT": r"polkadot|ポルカドット|폴카닷",
    "TON": r"toncoin",
    "BNB": r"binance\s+coin",
}
FIAT = ("USD", "EUR", "GBP", "CNY", "RMB", "JPY", "KRW", "RUB", "BRL", "TRY", "HKD", "TWD", "AED", "SAR", "INR")
# Canonical network -> pattern (matched ignoring case, except the parts in (?-i:...): "Base", "TON" and "SOL"
# are networks only in capitals and next to a word such as "network" or "on").
NETWORKS = (
    ("ERC20", r"erc[\s-]?20|(?:ethereum|eth)\s+(?:network|mainnet|chain)|以太坊网络|以太坊網路"),
    ("TRC20", r"trc[\s-]?20|\btron\b|波[场場]"),
    ("BEP20", r"bep[\s-]?20|\bbsc\b|bnb\s+smart\s+chain|币安智能链|幣安智能鏈"),
    ("BEP2", r"bep[\s-]?2(?!\d)|bnb\s+beacon\s+chain"),
    ("SOL", r"solana|\bspl\b|(?-i:\bSOL)\s+(?:network|chain)"),
    ("POLYGON", r"polygon(?:\s+pos)?|matic\s+network"),
    ("ARBITRUM", r"arbitrum(?:\s+one)?"),
    ("OPTIMISM", r"(?-i:\bOptimism\b)|op\s+mainnet"),
    ("BASE", r"(?-i:\bBase)\s+(?:network|chain|mainnet)|\b(?:on|via|using|over)\s+(?-i:Base)\b"),
    ("AVAXC", r"avalanche\s+c[\s-]?chain|avax\s+c[\s-]?chain|avax[\s-]?c\b|\bc[\s-]chain"),
    ("LIGHTNING", r"lightning(?:\s+network)?"),
    ("OMNI", r"\bomni(?:\s*layer)?\b"),
    ("TON", r"(?-i:\bTON)\s+(?:network|chain)|the\s+open\s+network|\b(?:on|via)\s+(?-i:TON)\b"),
)
_NETWORK_RES = tuple((name, re.compile(pattern, re.IGNORECASE)) for name, pattern in NETWORKS)

_TICKER_ANY = re.compile(r"(?<![A-Za-z0-9])(" + "|".join(TICKERS) + r")(?![A-Za-z0-9])", re.IGNORECASE)
_TICKER_CAPS = re.compile(r"(?<![A-Za-z0-9])(" + "|".join(CAPITAL_TICKERS) + r")(?![A-Za-z0-9])")
_NAME_RES = tuple((ticker, re.compile(rf"(?<![A-Za-z])(?:{pattern})(?![A-Za-z])", re.IGNORECASE))
                  for ticker, pattern in COIN_NAMES.items())
_UNITS = {unit.lower(): unit for unit in (*TICKERS, *CAPITAL_TICKERS, *FIAT)}
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3})+,\d+|\d+(?:[.,]\d+)?"
_UNIT_WORDS = "|".join(sorted((*_UNITS, *(p for p in COIN_NAMES.values())), key=len, reverse=True))
_AMOUNT = re.compile(
    rf"(?<![0-9A-Za-z.,$€])(?P<number>{_NUMBER})(?:\s*(?:[个個枚개]\s*)?(?P<unit>{_UNIT_WORDS})(?![A-Za-z0-9])|(?P<u>[uU])(?![A-Za-z0-9]))"
    rf"|(?P<symbol>[$€])\s?(?P<snumber>{_NUMBER})(?![0-9])", re.IGNORECASE)


def normalise_number(raw: str) -> str:
    """'1,000.50' -> '1000.50', '1.000,5' -> '1000.5', '0,5' -> '0.5' (a comma before exactly three digits is a
    thousands separator)."""
    if "," in raw and "." in raw:
        return raw.replace(".", "").replace(",", ".") if raw.rfind(",") > raw.rfind(".") else raw.replace(",", "")
    if "," in raw:
        head, _, tail = raw.rpartition(",")
        return raw.replace(",", "") if len(tail) == 3 and head != "0" else raw.replace(",", ".")
    return raw


def _unit_ticker(unit: str) -> str:
    lowered = unit.lower()
    if lowered in _UNITS:
        return _UNITS[lowered]
    for ticker, pattern in _NAME_RES:
        if pattern.fullmatch(unit):
            return ticker
    return unit.upper()


def _coins(text: str) -> Iterator[tuple[int, int, Entity]]:
    for pattern in (_TICKER_ANY, _TICKER_CAPS):
        for match in pattern.finditer(text):
            yield match.start(), match.end(), Entity(COIN, match.group(1).upper())
    for ticker, pattern in _NAME_RES:
        for match in pattern.finditer(text):
            yield match.start(), match.end(), Entity(COIN, ticker, None, match.group())


def _networks(text: str) -> Iterator[tuple[int, int, Entity]]:
    for name, pattern in _NETWORK_RES:
        for match in pattern.finditer(text):
            yield match.start(), match.end(), Entity(NETWORK, name, None, match.group())


def _amounts(text: str) -> Iterator[tuple[int, int, Entity]]:
    for match in _AMOUNT.finditer(text):
        if match.group("symbol"):
            unit = "USD" if match.group("symbol") == "$" else "EUR"
            number = match.group("snumber")
        else:
            number = match.group("number")
            unit = "USDT" if match.group("u") else _unit_ticker(match.group("unit"))
        yield match.start(), match.end(), Entity(AMOUNT, f"{normalise_number(number)} {unit}")


# --- labelled identifiers -----------------------------------------------------------------------------------

_UID_LABEL = (
    r"\bUID\b|user\s*id|userid|account\s*id|用[户戶]\s*ID|[会會][员員]\s*ID|ユーザー?\s*ID|유저\s*ID|사용자\s*ID|"
    r"회원\s*ID|ID\s+пользователя|айди|id\s+de\s+usuario|ID\s+do\s+usu[aá]rio|kullan[ıi]c[ıi]\s+ID|"
    r"identifiant(?:\s+utilisateur)?|Benutzer-?ID|Nutzer-?ID|Konto-?ID|معرف\s+المستخدم|رقم\s+المستخدم")
_ORDER_LABEL = (
    r"order\s*(?:id|no\.?|number|#)?|[订訂][单單](?:[号號]|[编編][号號]|ID)?|注文(?:番号|ID)|주문\s*(?:번호|ID)|"
    r"номер\s+заказа|заказ[ау]?|(?:ID|n[uú]mero)\s+de\s+(?:la\s+)?orden|orden|(?:ID|n[uú]mero)\s+do\s+pedido|"
    r"pedido|sipari[sş]\s*(?:no|numaras[ıi])?|(?:num[ée]ro|ID)\s+de\s+(?:la\s+)?commande|commande|ordre|"
    r"Auftrags?(?:nummer|-ID)?|Order-ID|Bestellnummer|رقم\s+الطلب|الطلب")
_MEMO_LABEL = (
    r"destination\s+tag|dest\.?\s*tag|memo|\btag\b|payment\s+id|备注|備註|[标標][签籤]|メモ|タグ|메모|태그|мемо|"
    r"\bтег\b|etiqueta(?:\s+de\s+destino)?|étiquette|mémo|Memo|Tag|مذكرة|العلامة|الوسم")
_CONNECTOR = re.compile(
    r"(?:\s*(?:[:：=#№\-]|is|es|é|est|ist|это|是|为|為|は|는|은|:)(?![A-Za-z]))*\s*", re.IGNORECASE)
_LABELLED = (
    (UID, re.compile(rf"(?:{_UID_LABEL})", re.IGNORECASE), re.compile(r"\d{6,12}(?![0-9A-Za-z])")),
    (ORDER_ID, re.compile(rf"(?<![A-Za-z])(?:{_ORDER_LABEL})", re.IGNORECASE),
     re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{4,39}(?![0-9A-Za-z])")),
    (MEMO, re.compile(rf"(?<![A-Za-z])(?:{_MEMO_LABEL})", re.IGNORECASE),
     re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}(?![0-9A-Za-z])")),
)


def _labelled(text: str) -> Iterator[tuple[int, int, Entity]]:
    for kind, label, value_re in _LABELLED:
        for match in label.finditer(text):
            connector = _CONNECTOR.match(text, match.end())
            position = connector.end() if connector else match.end()
            value = value_re.match(text, position)
            if not value:
                continue
            token = value.group()
            digits = sum(ch.isdigit() for ch in token)
            explicit = connector is not None and any(ch in ":：=#" for ch in connector.group())
            if kind == ORDER_ID and digits < 4:
                continue
            if kind == MEMO and not (digits or explicit):
                continue
            yield value.start(), value.end(), Entity(kind, token)


# --- dates and times ----------------------------------------------------------------------------------------

_TIME = r"(?P<h>\d{1,2})[:：時时点點](?P<mi>\d{2})(?:[:：](?P<s>\d{2}))?"
_ZONE = r"(?:\s*(?P<zone>Z|UTC(?:\s*[+-]\s*\d{1,2}(?::?\d{2})?)?|GMT(?:\s*[+-]\s*\d{1,2})?|[+-]\d{2}:?\d{2}))?"
_DATETIMES = (
    re.compile(rf"(?<!\d)(?P<y>\d{{4}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}})(?!\d)(?:[T\s]+{_TIME})?{_ZONE}"),
    re.compile(rf"(?<!\d)(?P<y>\d{{4}})\s*[年년]\s*(?P<m>\d{{1,2}})\s*[月월]\s*(?P<d>\d{{1,2}})\s*[日일号號]?"
               rf"(?:\s*{_TIME})?{_ZONE}"),
    re.compile(rf"(?<![\d.])(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})\.(?P<y>\d{{4}})(?!\d)(?:,?\s+{_TIME})?{_ZONE}"),
    re.compile(rf"(?<![\d/])(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})/(?P<y>\d{{4}})(?!\d)(?:,?\s+{_TIME})?{_ZONE}"),
    re.compile(rf"(?<!\d)(?P<m>\d{{1,2}})\s*[月월]\s*(?P<d>\d{{1,2}})\s*[日일号號](?:\s*{_TIME})?{_ZONE}"),
    re.compile(rf"(?<![\d:.])(?P<h>\d{{1,2}}):(?P<mi>\d{{2}})(?::(?P<s>\d{{2}}))?(?![\d:])"
               rf"(?:\s*(?P<ampm>[AaPp][Mm])\b)?{_ZONE}"),
)


def _datetime_value(match: re.Match[str]) -> tuple[str, bool]:
    groups = match.groupdict()
    parts = []
    valid = True
    year = groups.get("y")
    month, day = groups.get("m"), groups.get("d")
    if groups.get("a"):  # dd/mm/yyyy or mm/dd/yyyy: decide when one side cannot be a month
        first, second = int(groups["a"]), int(groups["b"])
        month, day = (str(second), str(first)) if first > 12 else (str(first), str(second)) if second > 12 else (
            None, None)
        if month is None:
            return match.group().strip(), True
    if month and day:
        valid = 1 <= int(month) <= 12 and 1 <= int(day) <= 31
        parts.append(f"{year}-{int(month):02d}-{int(day):02d}" if year else f"--{int(month):02d}-{int(day):02d}")
    if groups.get("h"):
        hour = int(groups["h"])
        if groups.get("ampm"):
            hour = hour % 12 + (12 if groups["ampm"].lower() == "pm" else 0)
        valid = valid and hour <= 23 and int(groups["mi"]) <= 59
        parts.append(f"{hour:02d}:{groups['mi']}" + (f":{groups['s']}" if groups.get("s") else ""))
    if groups.get("zone"):
        parts.append(re.sub(r"\s+", "", groups["zone"]))
    return " ".join(parts), valid


def _datetimes(text: str) -> Iterator[tuple[int, int, Entity]]:
    taken: list[tuple[int, int]] = []
    for pattern in _DATETIMES:
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            value, valid = _datetime_value(match)
            taken.append((match.start(), match.end()))
            yield match.start(), match.end(), Entity(DATETIME, value, valid)


# --- all together -------------------------------------------------------------------------------------------

_DEFAULT_SCANNER = SecretScanner()
# Earlier extractors win where spans overlap: a 0x+40-hex is an address, not part of an amount.
_EXTRACTORS = (_txids, _addresses, _labelled, _datetimes, _amounts, _networks, _coins)


def extract_entities(text: str, *, scanner: SecretScanner | None = None,
                     findings: list[SecretFinding] | None = None) -> list[Entity]:
    """The entities in `text` in order of appearance, each (kind, value) once, never overlapping a secret.

    Pass `findings` when `text` was already scanned (e.g. it is the redacted text: no secrets left)."""
    if findings is None:
        findings = (scanner or _DEFAULT_SCANNER).scan(text).findings
    # Secrets, hashes, addresses and ids block everything; amounts and dates block each other but not the
    # coin or network inside them ("100 USDT" is an amount and a mention of USDT).
    hard = [(f.start, f.end) for f in findings]
    soft: list[tuple[int, int]] = []
    found: list[tuple[int, int, Entity]] = []
    for extractor in _EXTRACTORS:
        for start, end, entity in extractor(text):
            against = hard if entity.kind in (COIN, NETWORK) else hard + soft
            if any(start < b_end and b_start < end for b_start, b_end in against):
                continue
            if entity.kind in (AMOUNT, DATETIME):
                soft.append((start, end))
            elif entity.kind not in (COIN, NETWORK):
                hard.append((start, end))
            found.append((start, end, entity))
    seen: set[tuple[str, str]] = set()
    entities = []
    for _, _, entity in sorted(found, key=lambda item: (item[0], item[1])):
        if (entity.kind, entity.value) not in seen:
            seen.add((entity.kind, entity.value))
            entities.append(entity)
    return entities
