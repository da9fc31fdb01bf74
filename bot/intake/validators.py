"""Field validators: read a field's value from the entities of a message or, for the question being asked,
from its raw text. Each returns a `Parsed`: a value, or the hint key (`locales.yaml` `hints`) to re-ask with."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.followup import pick_option
from bot.intake.schema import FieldSpec
from bot.intake.timeparse import days_back, entity_time, relative_time
from bot.intake.words import normalise
from bot.security.entities import ADDRESS, AMOUNT, COIN, DATETIME, MEMO, NETWORK, ORDER_ID, TXID, UID, Entity
from bot.security.entities import normalise_number as _number

# A coin named where a network is asked ("bitcoin", "ETH") stands for its own chain.
NATIVE_NETWORK = {"BTC": "BTC", "ETH": "ERC20", "BNB": "BEP20", "TRX": "TRC20", "SOL": "SOL", "XRP": "XRP",
                  "LTC": "LTC", "DOGE": "DOGE", "TON": "TON", "XLM": "XLM", "ADA": "ADA", "DOT": "DOT",
                  "ATOM": "ATOM", "BCH": "BCH", "AVAX": "AVAXC", "MATIC": "POLYGON", "POL": "POLYGON",
                  "ARB": "ARBITRUM", "OP": "OPTIMISM", "EOS": "EOS", "XMR": "XMR", "NEAR": "NEAR", "APT": "APT",
                  "SUI": "SUI", "ETC": "ETC", "FIL": "FIL", "ICP": "ICP"}
_TOKEN = re.compile(r"^[A-Za-z0-9]{2,12}$")
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)(?![\w])")
_UID = re.compile(r"(?<!\d)\d{6,12}(?!\d)")
_MEMO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_ORDER = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9][A-Za-z0-9_-]{4,39}(?![A-Za-z0-9])")
_BASE58_SIGNATURE = re.compile(r"(?<![A-Za-z0-9])[1-9A-HJ-NP-Za-km-z]{80,90}(?![A-Za-z0-9])")
_OTHER_ADDRESS = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9_-]{25,100}(?![A-Za-z0-9_-])")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+(?![\w-])")
MAX_TEXT = 500
RELATIVE = "relative"   # detail of a datetime entity the engine made from "10 minutes ago": already ISO


@dataclass(frozen=True)
class Parsed:
    """A validator's verdict: `value` when usable; `hint` names what was wrong; `mark` qualifies the value
    (e.g. "unchecked" for an address format the checksum code does not know)."""

    value: str | None = None
    hint: str = ""
    mark: str = ""
    detail: str = ""


@dataclass
class ParseContext:
    """What validators may look at besides the message: earlier answers, the clock and the user's UTC offset."""

    answers: dict[str, str | None] = field(default_factory=dict)
    now: datetime | None = None
    utc_offset_minutes: int = 0
    language: str = "en"


Validator = Callable[[FieldSpec, str, Sequence[Entity], ParseContext], Parsed]
NOTHING = Parsed()


def _first(entities: Sequence[Entity], kind: str) -> Entity | None:
    return next((e for e in entities if e.kind == kind), None)


def _coin(spec: FieldSpec, text: str, entities: Sequence[Entity], ctx: ParseContext) -> Parsed:
    entity = _first(entities, COIN)
    if entity:
        return Parsed(entity.value)
    token = text.strip()
    return Parsed(token.upper()) if _TOKEN.match(token) and not token.isdigit() else Parsed(hint="coin")


def _network(spec: FieldSpec, text: str, entities: Sequence[Entity], ctx: ParseContext) -> Parsed:
    entity = _first(entities, NETWORK)
    if entity:
        return Parsed(entity.value)
    coin = _first(entities, COIN)
    if coin and coin.value in NATIVE_NETWORK and text:
        return Parsed(NATIVE_NETWORK[coin.value])
    token = text.strip()
    return Parsed(token.upper()) if _TOKEN.match(token) and not token.isdigit() else Parsed(hint="network")


def _amount(spec: FieldSpec, text: str, entities: Sequence[Entity], ctx: ParseContext) -> Parsed:
    entity = _first(entities, AMOUNT)
    if entity:
        return Parsed(entity.value)
    match = _NUMBER.search(text)
    if not match:
        return Parsed(hint="amount")
    number = _number(match.group(1))
    try:
        if float(number) <= 0:
            return Parsed(hint="amount")
    except ValueError:
        return Parsed(hint="amount")
    coin = ctx.answers.get("coin")
    return Parsed(f"{number} {coin}" if coin else number)


def _txid(spec: FieldSpec, text: str, entities: Sequence[Entity], ctx: ParseContext) -> Parsed:
    entity = _first(entities, TXID)
    if entity:
        return Parsed(entity.value, detail=entity.detail)
    match = _BASE58_SIGNATURE.search(text)   # e.g. a Solana signature
    return Parsed(match.group(), detail="base58") if match else Parsed(hint="txid")


def _address(spec: FieldSpec, text: str, entities: Sequence[Entity], ctx: ParseContext) -> Parsed:
    entity = _first(entities, ADDRESS)
    if entity:
        if entity.valid is False:
            return Parsed(entity.value, hint="address_checksum", detail=entity.detail)
        return Parsed(entity.value, detail=entity.detail)
    match = _OTHER_ADDRESS.search(text.strip()) if text else None
    if match and any(ch.isdigit() for ch in match.group()):
        return Parsed(match.group(), mark="unchecked")   # XRP, SOL, TON...: a format without a checksum test here
    return Parsed(hint="address")


def _memo(spec: FieldSpec, text: str, entities: Sequence[Entity], ctx: ParseContext) -> Parsed:
    entity = _first(entities, MEMO)
    if entity:
        return Parsed(entity.value)
    token = text.strip()
    return Parsed(token) if _MEMO.match(token) and any(ch.isdigit() for ch in token) else Parsed(hint="memo")


def _uid(spec: FieldSpec, text: str, entities: Sequence[Entity], ctx: ParseContext) -> Parsed:
    entity = _first(entities, UID)
    if entity:
        return Parsed(entity.value)
    matches = _UID.findall(text)
    return Parsed(matches[0]) if len(matches) == 1 else Parsed(hint="uid")


def _order_id(spec: FieldSpec, text: str, entities: Sequence[Entity], ctx: ParseContext) -> Parsed:
    entity = _first(entities, ORDER_ID)
    if entity:
        return Parsed(entity.value)
    for match in _ORDER.finditer(text):
        if sum(ch.isdigit() for ch in match.group()) >= 4:
            return Parsed(match.group())
    return Parsed(hint="order_id")


def _datetime(spec: FieldSpec, text: str, entities: Sequence[Entity], ctx: ParseContext) -> Parsed:
    now = ctx.now or datetime.now().astimezone()
    stamps = [e for e in entities if e.kind == DATETIME]
    # The most complete of several ("at 10:00, 2024-04-30 10:00"): a date and a time beat a bare time.
    entity = max(stamps, key=lambda e: ("-" in e.value) + (":" in e.value), default=None)
    if entity:
        if entity.valid is False:
            return Parsed(hint="datetime")
        if entity.detail == RELATIVE:
            return Parsed(entity.value)
        return Parsed(entity_time(entity.value, now, ctx.utc_offset_minutes, back=days_back(text)))
    relative = relative_time(text, now, ctx.utc_offset_minutes) if text else None
    return Parsed(relative) if relative else Parsed(hint="datetime")


def _email(spec: FieldSpec, text: str, entities: Sequence[Entity], ctx: ParseContext) -> Parsed:
    match = _EMAIL.search(text)
    return Parsed(match.group().lower()) if match else Parsed(hint="email")


def _text(spec: FieldSpec, text: str, entities: Sequence[Entity], ctx: ParseContext) -> Parsed:
    cleaned = " ".join(text.split())
    return Parsed(cleaned[:MAX_TEXT]) if len(cleaned) >= 2 else Parsed(hint="text")


def _enum(spec: FieldSpec, text: str, entities: Sequence[Entity], ctx: ParseContext) -> Parsed:
    if not text:
        return NOTHING
    choice = pick_option(text, len(spec.options))
    if choice is not None:
        return Parsed(spec.options[choice].value)
    norm = normalise(text)
    best: tuple[int, str] | None = None
    for option in spec.options:
        for word in (*option.label.values(), *option.aliases):
            candidate = normalise(word)
            if candidate and candidate in norm and (best is None or len(candidate) > best[0]):
                best = (len(candidate), option.value)
    return Parsed(best[1]) if best else Parsed(hint="enum")


VALIDATORS: dict[str, Validator] = {
    "coin": _coin, "network": _network, "amount": _amount, "txid": _txid, "address": _address, "memo": _memo,
    "uid": _uid, "order_id": _order_id, "datetime": _datetime, "email": _email, "text": _text, "enum": _enum,
}
# The entity kind that can fill each field kind without the field being asked.
ENTITY_KIND = {"coin": COIN, "network": NETWORK, "amount": AMOUNT, "txid": TXID, "address": ADDRESS, "memo": MEMO,
               "uid": UID, "order_id": ORDER_ID, "datetime": DATETIME}


def validate(spec: FieldSpec, text: str, entities: Sequence[Entity], ctx: ParseContext) -> Parsed:
    """Run the field's validator; `text` is '' when only the entities may be used (field not being asked)."""
    return VALIDATORS[spec.validator](spec, text, entities, ctx)
