"""Checks run while the intake collects facts. Each returns a `Finding` with the matching FAQ id and an
explanation in the user's language, or None.

- `check_txid_network`: a transaction hash whose format does not fit the stated network (likely wrong network);
- `check_address`: an address whose checksum fails, or whose format belongs to another network;
- `check_suspension`: deposits/withdrawals of the coin (on the network) are suspended in the operator's status
  file, read through a `StatusBoard`;
- `check_confirmation`: a deposit younger than the network's usual confirmation time: it is still confirming,
  which answers the case on the spot (`solves=True`).

Checksums are computed by `bot.security.entities` (base58check, bech32/bech32m, EIP-55), never here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from bot.intake.status import StatusBoard
from bot.intake.texts import text
from bot.intake.timeparse import parse_stamp, user_zone
from bot.security.entities import check_base58, check_ethereum, check_segwit

WRONG_NETWORK_FAQ = "deposit.wrong_network"
SUSPENDED_FAQ = "withdraw.suspended"   # the knowledge base has no deposit-suspension entry; this one covers both
NOT_ARRIVED_FAQ = {"deposit": "deposit.not_arrived", "withdraw": "withdraw.not_arrived"}
ADDRESS_FAQ = {"deposit": "deposit.crypto", "withdraw": "withdraw.crypto"}

# Usual time until a deposit is credited, in minutes, per network (operators override it in config).
DEFAULT_CONFIRMATION_MINUTES: dict[str, int] = {
    "BTC": 60, "ERC20": 5, "ETH": 5, "TRC20": 3, "BEP20": 3, "SOL": 1, "LTC": 30, "DOGE": 20, "BCH": 60,
    "POLYGON": 5, "ARBITRUM": 2, "OPTIMISM": 2, "BASE": 2, "AVAXC": 2, "XRP": 1, "XLM": 1, "TON": 1,
}
EVM_NETWORKS = frozenset({"ERC20", "ETH", "BEP20", "BSC", "POLYGON", "ARBITRUM", "OPTIMISM", "BASE", "AVAXC", "ETC"})
# Chains whose transaction ids are 64 hex digits without 0x.
HEX_NETWORKS = frozenset({"BTC", "LTC", "DOGE", "BCH", "TRC20", "TRX", "XRP", "OMNI", "BEP2", "XMR", "ADA", "ATOM"})
BASE58_NETWORKS = frozenset({"SOL"})
# Which networks an address format can belong to (the `detail` of the security checks).
ADDRESS_NETWORKS = {"tron": frozenset({"TRC20", "TRX"}), "evm": EVM_NETWORKS,
                    "bitcoin": frozenset({"BTC", "OMNI"}), "litecoin": frozenset({"LTC"}),
                    "dogecoin": frozenset({"DOGE"})}
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")
_EVM_HASH = re.compile(r"^0[xX][0-9a-fA-F]{64}$")
_BASE58 = re.compile(r"^[1-9A-HJ-NP-Za-km-z]{80,90}$")


@dataclass(frozen=True)
class Finding:
    """What a check found: `faq_id` to show, `solves` when it answers the case, `text` in the user's language."""

    check: str
    faq_id: str
    solves: bool
    text: str
    data: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (for the handoff packet)."""
        return asdict(self)


def txid_family(txid: str) -> str:
    """'evm' (0x + 64 hex), 'hex' (64 hex: Bitcoin-like, TRON, XRP), 'base58' (Solana signature) or 'other'."""
    if _EVM_HASH.match(txid):
        return "evm"
    if _HEX64.match(txid):
        return "hex"
    return "base58" if _BASE58.match(txid) else "other"


def check_txid_network(txid: str, network: str, language: str, *, direction: str = "deposit") -> Finding | None:
    """A finding when the hash's format cannot come from `network` (e.g. 0x... stated as TRC20 or BTC)."""
    family = txid_family(txid)
    network = network.upper()
    fits = {"evm": EVM_NETWORKS, "hex": HEX_NETWORKS, "base58": BASE58_NETWORKS}.get(family)
    known = network in EVM_NETWORKS | HEX_NETWORKS | BASE58_NETWORKS
    if fits is None or not known or network in fits:
        return None
    faq = WRONG_NETWORK_FAQ if direction == "deposit" else NOT_ARRIVED_FAQ.get(direction, WRONG_NETWORK_FAQ)
    return Finding("txid_network", faq, False,
                   text("checks", "txid_network", language, network=network,
                        family=text("checks", f"family_{family}", language)),
                   {"txid_family": family, "network": network})


def address_verdict(address: str) -> tuple[bool | None, str]:
    """(valid, detail) from the security module's checksum code; (None, 'unknown') for other formats."""
    if address.lower().startswith("0x") and len(address) == 42:
        return check_ethereum(address)
    if address.lower().startswith(("bc1", "tb1", "ltc1")):
        return check_segwit(address)
    if address[:1] in "13LMDT" and 26 <= len(address) <= 35:
        return check_base58(address)
    return None, "unknown"


def _address_family(detail: str) -> str:
    return detail.split(":")[0] if detail else ""


def check_address(address: str, language: str, *, network: str | None = None,
                  direction: str = "withdraw") -> Finding | None:
    """A finding when the checksum fails (the address is mistyped) or the format belongs to another network."""
    valid, detail = address_verdict(address)
    faq = ADDRESS_FAQ.get(direction, ADDRESS_FAQ["withdraw"])
    if valid is False:
        return Finding("address_checksum", faq, False, text("checks", "address_checksum", language),
                       {"address": address, "detail": detail})
    family = _address_family(detail)
    allowed = ADDRESS_NETWORKS.get(family)
    if valid and network and allowed is not None and network.upper() not in allowed:
        faq = WRONG_NETWORK_FAQ if direction == "deposit" else faq
        return Finding("address_network", faq, False,
                       text("checks", "address_network", language, network=network.upper(),
                            family=text("checks", f"address_{family}", language)),
                       {"address": address, "family": family, "network": network.upper()})
    return None


def check_suspension(board: StatusBoard, coin: str, network: str | None, direction: str, language: str,
                     now: datetime) -> Finding | None:
    """A finding (solves the case) when the status file marks this coin/network/direction suspended."""
    entry = board.suspension(coin, network, direction, now)
    if entry is None:
        return None
    net = (entry.network or network or "").upper()
    values = {"asset": f"{coin.upper()} ({net})" if net else coin.upper(), "coin": coin.upper(), "network": net,
              "direction": direction}
    parts = [text("checks", f"suspended_{direction}", language, **values)]
    if entry.until is not None:
        values["until"] = f"{entry.until:%Y-%m-%d %H:%M} UTC"
        parts.append(text("checks", "suspended_until", language, **values))
    if entry.note:
        parts.append(entry.note)
    return Finding("suspension", SUSPENDED_FAQ, True, " ".join(parts), values)


def check_confirmation(network: str, sent_at: str | None, now: datetime, language: str,
                       minutes_by_network: Mapping[str, int], utc_offset_minutes: int = 0) -> Finding | None:
    """A finding (solves the case) when a deposit sent at `sent_at` (ISO) is younger than the network's usual
    confirmation time: 'still confirming, check again at about HH:MM' (in the user's zone)."""
    minutes = minutes_by_network.get(network.upper())
    stamp = parse_stamp(sent_at)
    if minutes is None or stamp is None:
        return None
    age = now - stamp
    if age < timedelta(0) or age >= timedelta(minutes=minutes):
        return None   # a time in the future is a time-zone mix-up: no verdict
    ready = (stamp + timedelta(minutes=minutes)).astimezone(stamp.tzinfo or user_zone(utc_offset_minutes))
    values = {"network": network.upper(), "minutes": str(minutes), "until": f"{ready:%H:%M}",
              "age": str(max(int(age.total_seconds() // 60), 0))}
    return Finding("confirmation", NOT_ARRIVED_FAQ["deposit"], True,
                   text("checks", "confirming", language, **values), values)
