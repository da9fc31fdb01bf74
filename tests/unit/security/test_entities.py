"""Entities, checked against public test vectors: the Bitcoin genesis address, BIP173/BIP350 segwit vectors,
the EIP-55 vectors and the USDT contract address on TRON."""

import pytest

from bot.security.entities import (
    Entity,
    check_base58,
    check_ethereum,
    check_segwit,
    eip55,
    extract_entities,
    normalise_number,
)

GENESIS = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
P2SH = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"
BECH32 = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"  # BIP173, P2WPKH
BECH32_P2WSH = "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3"  # BIP173
BECH32M = "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"  # BIP350, P2TR
V0_WITH_BECH32M = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh"  # BIP350 invalid: v0 must use bech32
V1_WITH_BECH32 = "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd"  # BIP350 invalid
ETH_VECTORS = ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
               "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb")
TRON = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
BTC_TXID = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"  # genesis coinbase transaction
ETH_TXID = "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"


def of_kind(text, kind):
    return [e for e in extract_entities(text) if e.kind == kind]


def flip_case(address: str, index: int) -> str:
    ch = address[index]
    return address[:index] + (ch.lower() if ch.isupper() else ch.upper()) + address[index + 1:]


# --- addresses ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("address", "detail"), [
    (GENESIS, "bitcoin:p2pkh"), (P2SH, "bitcoin:p2sh"), (BECH32, "bitcoin:p2wpkh"), (BECH32.upper(), "bitcoin:p2wpkh"),
    (BECH32_P2WSH, "bitcoin:p2wsh"), (BECH32M, "bitcoin:p2tr"), (TRON, "tron"),
    *((vector, "evm:eip55") for vector in ETH_VECTORS),
    (ETH_VECTORS[0].lower(), "evm:unchecksummed"), ("0x" + ETH_VECTORS[0][2:].upper(), "evm:unchecksummed"),
])
def test_valid_addresses(address, detail):
    assert of_kind(f"please send to {address} today", "address") == [Entity("address", address, True, detail)]


@pytest.mark.parametrize("address", [
    GENESIS[:-1] + "b", P2SH[:-1] + "z", BECH32[:-1] + "5", BECH32M[:-1] + "1" if BECH32M[-1] != "1" else "2",
    V0_WITH_BECH32M, V1_WITH_BECH32, BECH32[:-2] + "T4", TRON[:-1] + "T",
    *(flip_case(vector, next(i for i in range(2, 42) if vector[i].isalpha())) for vector in ETH_VECTORS),
])
def test_bad_checksums(address):
    (entity,) = of_kind(f"withdrawal to {address} failed", "address")
    assert entity.value == address and entity.valid is False and entity.detail == "checksum"


def test_checkers_directly():
    assert eip55(ETH_VECTORS[1].lower()) == ETH_VECTORS[1]
    assert check_ethereum(ETH_VECTORS[0]) == (True, "evm:eip55")
    assert check_base58(GENESIS) == (True, "bitcoin:p2pkh")
    assert check_segwit(BECH32M) == (True, "bitcoin:p2tr")
    assert check_segwit(V0_WITH_BECH32M) == (False, "checksum")


def test_words_and_numbers_are_not_addresses():
    assert of_kind("order 1234567890123456789012345678 and Thisisaverylongwordwithoutanydigits", "address") == []


# --- transaction hashes --------------------------------------------------------------------------------------

def test_txids():
    (btc,) = of_kind(f"deposit not arrived, txid {BTC_TXID}", "txid")
    assert btc.value == BTC_TXID and btc.detail.startswith("bitcoin-like")
    (tron,) = of_kind(f"USDT TRC20 deposit {BTC_TXID.upper()}", "txid")
    assert tron.value == BTC_TXID and tron.detail.startswith("tron")
    (eth,) = of_kind(f"hash {ETH_TXID}", "txid")
    assert eth.value == ETH_TXID and eth.detail == "ethereum,evm"


def test_a_labelled_private_key_is_not_a_txid():
    entities = extract_entities(f"my private key is {BTC_TXID}, and my UID is 12345678")
    assert [e.kind for e in entities] == ["uid"]


def test_address_inside_txid_is_not_an_address():
    assert of_kind(ETH_TXID, "address") == []


# --- coins, networks, amounts ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "values"), [
    ("send 0.5 BTC", ["0.5 BTC"]), ("100 USDT", ["100 USDT"]), ("1,000.50 usdt", ["1000.50 USDT"]),
    ("100u 到账了吗", ["100 USDT"]), ("提了500U", ["500 USDT"]), ("0,5 BTC", ["0.5 BTC"]),
    ("1.000,50 EUR", ["1000.50 EUR"]),
    ("$100 fee", ["100 USD"]), ("0.5个比特币", ["0.5 BTC"]), ("2 eth and 30 sol", ["2 ETH", "30 SOL"]),
    ("withdrew 25 DOT", ["25 DOT"]), ("2fa code", []), ("12 words", []),
])
def test_amounts(text, values):
    assert [e.value for e in of_kind(text, "amount")] == values


def test_number_normalisation():
    assert normalise_number("1,000.50") == "1000.50"
    assert normalise_number("1.000,5") == "1000.5"
    assert normalise_number("0,5") == "0.5"
    assert normalise_number("12,345") == "12345"


@pytest.mark.parametrize(("text", "values"), [
    ("USDT on trc-20 or TRC20", ["TRC20"]), ("erc 20", ["ERC20"]), ("BEP-20 / BSC", ["BEP20"]), ("BEP2 memo", ["BEP2"]),
    ("Solana", ["SOL"]), ("SOL network", ["SOL"]), ("Polygon PoS", ["POLYGON"]), ("Arbitrum One", ["ARBITRUM"]),
    ("Optimism", ["OPTIMISM"]), ("on Base", ["BASE"]), ("Avalanche C-Chain", ["AVAXC"]),
    ("Lightning Network", ["LIGHTNING"]), ("Omni", ["OMNI"]), ("TON network", ["TON"]), ("波场网络", ["TRC20"]),
    ("the base fee is low", []), ("in the knowledge base", []), ("optimism is good", []),
])
def test_networks(text, values):
    assert [e.value for e in of_kind(text, "network")] == values


@pytest.mark.parametrize(("text", "values"), [
    ("BTC ETH usdt Usdc bnb XRP trx ltc doge matic xlm", ["BTC", "ETH", "USDT", "USDC", "BNB", "XRP", "TRX", "LTC",
                                                        "DOGE", "MATIC", "XLM"]),
    ("ADA DOT TON SOL ATOM EOS", ["ADA", "DOT", "TON", "SOL", "ATOM", "EOS"]),
    ("bitcoin, 比特币, ビットコイン, 비트코인, биткоин, ethereum, 以太坊", ["BTC", "ETH"]),
    ("dot com, a ton of, the sun (sol), link", []),
])
def test_coins(text, values):
    assert [e.value for e in of_kind(text, "coin")] == values


# --- labelled identifiers and dates ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "kind", "value"), [
    ("my UID is 12345678", "uid", "12345678"), ("user id: 987654321", "uid", "987654321"),
    ("用户ID：87654321", "uid", "87654321"), ("ユーザーID 12345678", "uid", "12345678"),
    ("UID 1234", "uid", None), ("order id 1234567890123456789", "order_id", "1234567890123456789"),
    ("订单号 2024112300001", "order_id", "2024112300001"), ("注文番号: A1B2C3D4", "order_id", "A1B2C3D4"),
    ("in order to withdraw", "order_id", None), ("destination tag: 1234567", "memo", "1234567"),
    ("memo 123456", "memo", "123456"), ("备注：8888", "memo", "8888"), ("メモ 445566", "memo", "445566"),
    ("MEMO: kestrelpay", "memo", "kestrelpay"), ("memo is required", "memo", None),
])
def test_labelled_identifiers(text, kind, value):
    found = of_kind(text, kind)
    assert [e.value for e in found] == ([value] if value else [])


@pytest.mark.parametrize(("text", "value"), [
    ("since 2026-11-23 14:05", "2026-11-23 14:05"), ("2026-11-23T14:05:09Z", "2026-11-23 14:05:09 Z"),
    ("2026/1/5", "2026-01-05"), ("2026年11月23日 14:05", "2026-11-23 14:05"), ("2026년 11월 23일", "2026-11-23"),
    ("23.11.2026", "2026-11-23"), ("25/12/2026", "2026-12-25"), ("at 3:05 pm UTC+8", "15:05 UTC+8"),
    ("11月23日", "--11-23"),
])
def test_datetimes(text, value):
    assert [e.value for e in of_kind(text, "datetime")] == [value]


def test_a_full_support_message():
    text = (f"Withdrawal of 1,000.50 USDT via TRC20 to {TRON} is pending since 2026-11-23 14:05, "
            f"UID 12345678, order id 1234567890123, memo 998877")
    kinds = {(e.kind, e.value) for e in extract_entities(text)}
    assert kinds >= {("amount", "1000.50 USDT"), ("coin", "USDT"), ("network", "TRC20"), ("address", TRON),
                     ("datetime", "2026-11-23 14:05"), ("uid", "12345678"), ("order_id", "1234567890123"),
                     ("memo", "998877")}
