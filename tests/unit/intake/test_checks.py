"""Each check with real examples: Bitcoin, Ethereum and TRON addresses and transaction ids, the operator's
status file, and deposit confirmation times."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.intake.checks import (
    DEFAULT_CONFIRMATION_MINUTES,
    address_verdict,
    check_address,
    check_confirmation,
    check_suspension,
    check_txid_network,
    txid_family,
)
from bot.intake.status import StatusBoard, Suspension

GENESIS_ADDRESS = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
P2SH = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"
BECH32 = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"   # BIP173
TAPROOT = "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"   # BIP350
ETH = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"   # EIP-55 vector
TRON = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
BTC_TXID = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"   # genesis coinbase
ETH_TXID = "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def flip_case(address: str, index: int) -> str:
    ch = address[index]
    return address[:index] + (ch.lower() if ch.isupper() else ch.upper()) + address[index + 1:]


def typo(address: str, index: int, replacement: str) -> str:
    return address[:index] + replacement + address[index + 1:]


# --- addresses ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("address", [GENESIS_ADDRESS, P2SH, BECH32, TAPROOT, ETH, ETH.lower(), TRON])
def test_valid_addresses_pass(address: str) -> None:
    assert address_verdict(address)[0] is True
    assert check_address(address, "en") is None


@pytest.mark.parametrize("address", [
    flip_case(ETH, 3),                                  # EIP-55: one letter's case flipped
    typo(GENESIS_ADDRESS, 10, "X"),                     # base58check
    typo(BECH32, len(BECH32) - 1, "5"),                 # bech32
    typo(TRON, 20, "A" if TRON[20] != "A" else "B"),    # TRON base58check
])
def test_invalid_checksums_are_caught_with_the_address_faq(address: str) -> None:
    finding = check_address(address, "en", direction="withdraw")
    assert finding is not None and finding.check == "address_checksum" and not finding.solves
    assert finding.faq_id == "withdraw.crypto" and "checksum" in finding.text
    assert "校验" in check_address(address, "zh-CN").text  # type: ignore[union-attr]


def test_address_of_another_network() -> None:
    finding = check_address(TRON, "en", network="ERC20", direction="deposit")
    assert finding is not None and finding.check == "address_network" and finding.faq_id == "deposit.wrong_network"
    assert "TRON (TRC20) address" in finding.text and "ERC20" in finding.text
    assert check_address(ETH, "es", network="TRC20").check == "address_network"  # type: ignore[union-attr]
    assert check_address(ETH, "en", network="BEP20") is None   # same address format on every EVM chain
    assert check_address(GENESIS_ADDRESS, "en", network="BTC") is None


# --- transaction ids ----------------------------------------------------------------------------------------

def test_txid_families() -> None:
    assert txid_family(ETH_TXID) == "evm" and txid_family(BTC_TXID) == "hex"
    assert txid_family("5" * 88) == "base58" and txid_family("abc") == "other"


@pytest.mark.parametrize(("txid", "network"), [(ETH_TXID, "TRC20"), (ETH_TXID, "BTC"), (BTC_TXID, "ERC20"),
                                               (BTC_TXID, "BEP20"), (BTC_TXID, "SOL")])
def test_txid_not_fitting_the_network_means_likely_wrong_network(txid: str, network: str) -> None:
    finding = check_txid_network(txid, network, "en")
    assert finding is not None and finding.faq_id == "deposit.wrong_network" and not finding.solves
    assert network in finding.text


@pytest.mark.parametrize(("txid", "network"), [(ETH_TXID, "ERC20"), (ETH_TXID, "BEP20"), (BTC_TXID, "BTC"),
                                               (BTC_TXID, "TRC20"), (BTC_TXID, "UNKNOWNCHAIN")])
def test_txid_fitting_the_network_passes(txid: str, network: str) -> None:
    assert check_txid_network(txid, network, "en") is None


def test_txid_finding_in_other_languages() -> None:
    assert "以太坊" in check_txid_network(ETH_TXID, "TRC20", "zh-CN").text  # type: ignore[union-attr]
    assert "TRC20" in check_txid_network(ETH_TXID, "TRC20", "ar").text  # type: ignore[union-attr]


# --- suspensions --------------------------------------------------------------------------------------------

def write(path: Path, text: str, *, bump: int = 0) -> None:
    path.write_text(text, encoding="utf-8")
    stamp = 1_700_000_000 + bump
    os.utime(path, (stamp, stamp))


def test_status_file_suspension_solves_and_reloads(tmp_path: Path) -> None:
    path = tmp_path / "status.yaml"
    board = StatusBoard(path)
    assert check_suspension(board, "USDT", "TRC20", "withdraw", "en", NOW) is None   # no file: nothing suspended
    write(path, "suspended:\n  - {coin: usdt, network: trc20, direction: withdraw, until: 2024-05-02T00:00:00Z,"
                " note: Wallet maintenance.}\n")
    finding = check_suspension(board, "USDT", "TRC20", "withdraw", "en", NOW)
    assert finding is not None and finding.solves and finding.faq_id == "withdraw.suspended"
    assert "USDT (TRC20)" in finding.text and "2024-05-02 00:00 UTC" in finding.text and "Wallet maintenance." in (
        finding.text)
    assert check_suspension(board, "USDT", "ERC20", "withdraw", "en", NOW) is None
    assert check_suspension(board, "USDT", "TRC20", "deposit", "en", NOW) is None
    assert check_suspension(board, "USDT", "TRC20", "withdraw", "en", NOW + timedelta(days=2)) is None   # expired

    write(path, "suspended:\n  - {coin: SOL, direction: both}\n", bump=10)   # edited: re-read
    assert check_suspension(board, "USDT", "TRC20", "withdraw", "en", NOW) is None
    finding = check_suspension(board, "SOL", None, "deposit", "de", NOW)
    assert finding is not None and "Einzahlungen von SOL" in finding.text

    write(path, "suspended:\n  - {coin: SOL, direction: sideways}\n", bump=20)   # broken: keep the last good one
    assert check_suspension(board, "SOL", "SOL", "withdraw", "en", NOW) is not None
    assert "suspended.0.direction" in board.error


def test_status_entries_for_tests() -> None:
    board = StatusBoard(entries=[Suspension(coin="BTC", direction="deposit")])
    assert board.suspension("btc", "BTC", "deposit", NOW) is not None
    assert board.suspension("btc", "BTC", "withdraw", NOW) is None


# --- confirmation times -------------------------------------------------------------------------------------

def test_young_deposit_is_still_confirming() -> None:
    sent = (NOW - timedelta(minutes=10)).isoformat()
    finding = check_confirmation("BTC", sent, NOW, "en", DEFAULT_CONFIRMATION_MINUTES)
    assert finding is not None and finding.solves and finding.faq_id == "deposit.not_arrived"
    assert "about 60 minutes" in finding.text and "12:50" in finding.text
    # In the user's zone: sent 19:58 at UTC+8, TRC20 takes ~3 minutes.
    finding = check_confirmation("TRC20", "2024-05-01T19:58+08:00", NOW, "zh-CN", DEFAULT_CONFIRMATION_MINUTES)
    assert finding is not None and "20:01" in finding.text


def test_old_future_or_unknown_deposits_get_no_verdict() -> None:
    table = DEFAULT_CONFIRMATION_MINUTES
    assert check_confirmation("BTC", (NOW - timedelta(minutes=61)).isoformat(), NOW, "en", table) is None
    assert check_confirmation("BTC", (NOW + timedelta(minutes=30)).isoformat(), NOW, "en", table) is None
    assert check_confirmation("NEWCHAIN", NOW.isoformat(), NOW, "en", table) is None
    assert check_confirmation("BTC", "2024-05-01", NOW, "en", table) is None   # a date alone is not enough
    assert check_confirmation("SOL", (NOW - timedelta(minutes=5)).isoformat(), NOW, "en", {"SOL": 10}) is not None
