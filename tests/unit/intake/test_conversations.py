"""Whole intake conversations driven through the engine, in English, Chinese (Simplified) and Spanish, plus
the urgent form, checks that solve a case on the spot, cancel, and the state's JSON round trip."""

from __future__ import annotations

import json

from bot.intake import IntakeState

BTC_TXID = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"   # Bitcoin genesis coinbase
ETH_TXID = "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"
ETH_ADDRESS = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"   # EIP-55 test vector
ETH_ADDRESS_FLIPPED = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAEd"   # one letter's case flipped
TRON_ADDRESS = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"   # USDT contract on TRON


def test_english_deposit_with_several_facts_invalid_answer_corrections_skip_and_confirm(chat) -> None:
    step = chat.start("deposit_not_arrived", "en", "My USDT deposit hasn't arrived")
    assert (step.kind, step.field) == ("ask", "network")
    assert "Coin: USDT" in step.text and "cancel" in step.text   # intro, noted facts, one question

    step = chat.say(f"It was sent on TRC20, txid {BTC_TXID}, 500 USDT")   # three more facts in one message
    assert (step.kind, step.field) == ("ask", "deposit_time")
    assert chat.state.answers.items() >= {"network": "TRC20", "txid": BTC_TXID, "amount": "500 USDT"}.items()
    assert step.text.count("?") == 1

    step = chat.say("around teatime")   # invalid: re-asked with the validator's hint
    assert (step.kind, step.field, step.hint) == ("reask", "deposit_time", "datetime")
    assert "2024-05-01 14:30" in step.text
    step = chat.say("2024-05-01 09:00")
    assert (step.kind, step.field) == ("ask", "deposit_address")
    assert chat.state.answers["deposit_time"] == "2024-05-01T09:00+00:00"

    step = chat.say("no, the network was ERC20")   # correction by value + correction word
    assert chat.state.answers["network"] == "ERC20"
    assert "Updated: Network: ERC20" in step.text
    # ...and the check sees a Bitcoin/TRON-style hash stated as ERC20: likely the wrong network.
    assert [f.check for f in step.findings] == ["txid_network"]
    assert step.findings[0].faq_id == "deposit.wrong_network"
    assert step.field == "deposit_address"

    step = chat.say("change the amount to 300")   # correction by naming the field
    assert chat.state.answers["amount"] == "300 USDT"
    assert step.field == "deposit_address"

    step = chat.say("skip")   # optional field
    assert step.kind == "summary"
    assert "• Amount: 300 USDT" in step.text and "• Deposit address: not provided" in step.text
    assert "Memo" not in step.text   # USDT needs no memo: the conditional field is not asked

    step = chat.say("no")
    assert step.kind == "summary" and "4. Amount: 300 USDT" in step.text
    step = chat.say("4")
    assert (step.kind, step.field) == ("ask", "amount")
    step = chat.say("250")
    assert step.kind == "summary" and "• Amount: 250 USDT" in step.text
    step = chat.say("yes")
    assert step.kind == "done" and chat.state.confirmed
    assert step.fields == {"coin": "USDT", "network": "ERC20", "deposit_time": "2024-05-01T09:00+00:00",
                           "amount": "250 USDT", "txid": BTC_TXID, "deposit_address": None}
    assert step.packet["marks"] == {"deposit_address": "skipped"}
    assert [(c["field"], c["old"], c["new"]) for c in step.packet["corrections"]] == [
        ("network", "TRC20", "ERC20"), ("amount", "500 USDT", "300 USDT"), ("amount", "300 USDT", "250 USDT")]
    assert [f["check"] for f in step.packet["findings"]] == ["txid_network"]
    json.dumps(step.packet)   # ready for the handoff packet


def test_required_field_is_reasked_once_then_marked_unknown(chat) -> None:
    chat.start("deposit_not_arrived", "en", "USDT TRC20 deposit missing, sent 2024-05-01 08:00, 20 USDT")
    assert chat.step.field == "txid"
    step = chat.say("I don't know")
    assert (step.kind, step.hint) == ("reask", "required")
    step = chat.say("no idea")
    assert step.field == "deposit_address"
    assert chat.state.answers["txid"] is None and chat.state.marks["txid"] == "unknown"


def test_invalid_checksum_is_reasked_then_the_valid_address_accepted(chat) -> None:
    chat.start("withdrawal_not_arrived", "en", "withdrew 100 USDC on ERC20 yesterday 18:05")
    assert chat.step.field == "withdrawal_address"
    step = chat.say(ETH_ADDRESS_FLIPPED)
    assert (step.kind, step.hint) == ("reask", "address_checksum")
    assert "checksum" in step.text
    step = chat.say(f"sorry, it's {ETH_ADDRESS}")
    assert chat.state.answers["withdrawal_address"] == ETH_ADDRESS and step.field == "txid"
    assert chat.state.answers["withdrawal_time"] == "2024-04-30T18:05+00:00"


def test_cancel_in_the_middle(chat) -> None:
    chat.start("withdrawal_not_arrived", "en", "my BTC withdrawal is missing")
    step = chat.say("never mind")
    assert step.kind == "cancelled" and chat.state.finished
    assert "stopped" in step.text


def test_chinese_withdrawal_with_checksum_skip_named_correction_and_confirm(chat) -> None:
    step = chat.start("withdrawal_not_arrived", "zh-CN", "我提币的 USDT 还没到账", utc_offset_minutes=480)
    assert step.field == "network" and "网络" in step.text and "已记录：币种: USDT" in step.text
    chat.say("BEP20")
    step = chat.say("500")
    assert chat.state.answers["amount"] == "500 USDT" and step.field == "withdrawal_time"
    step = chat.say("昨天 18:05")
    assert chat.state.answers["withdrawal_time"] == "2024-04-30T18:05+08:00"
    step = chat.say(ETH_ADDRESS_FLIPPED)
    assert step.kind == "reask" and "校验" in step.text
    step = chat.say(ETH_ADDRESS)
    assert step.field == "txid" and "TXID" in step.text
    step = chat.say("没有")   # optional: skipped
    assert step.field == "receiving_platform"
    step = chat.say("币安")
    assert step.kind == "summary" and "以下是我将转交给客服的信息" in step.text
    assert "• 金额: 500 USDT" in step.text and "• 交易哈希（TXID）: 未提供" in step.text
    step = chat.say("不对，金额是 300")   # from the summary: name the field and give the value
    assert step.kind == "summary" and "已更新：金额: 300 USDT" in step.text
    step = chat.say("对")
    assert step.kind == "done" and "谢谢" in step.text
    assert step.fields["amount"] == "300 USDT" and step.fields["receiving_platform"] == "币安"
    assert step.fields["withdrawal_address"] == ETH_ADDRESS


def test_chinese_suspended_withdrawal_is_solved_from_the_summary_correction(chat) -> None:
    chat.start("withdrawal_not_arrived", "zh-CN", "USDT 用 ERC20 提币 100 USDT，2024-05-01 10:00，还没到")
    chat.say(ETH_ADDRESS)
    chat.say("没有")
    step = chat.say("没有")
    assert step.kind == "summary"
    step = chat.say("不对，网络是 TRC20")   # the status file marks USDT/TRC20 withdrawals suspended
    assert step.kind == "solved" and step.faq_id == "withdraw.suspended" and step.reason == "suspension"
    assert "暂停提币" in step.text and "Wallet maintenance." in step.text


def test_spanish_wrong_network_with_menu_unknown_amount_and_txid_check(chat) -> None:
    step = chat.start("wrong_network", "es", "envié USDT por la red equivocada")
    assert step.field == "issue" and "1. Enviado por la red equivocada" in step.text
    step = chat.say("la primera")
    assert chat.state.answers["issue"] == "wrong_network" and step.field == "network"
    step = chat.say("TRC20")
    assert step.field == "amount"
    step = chat.say("no sé")
    assert step.kind == "reask" and "no sé" in step.text
    step = chat.say("no lo sé")
    assert chat.state.marks["amount"] == "unknown" and step.field == "txid"
    step = chat.say(ETH_TXID)   # an EVM hash, stated as TRC20
    assert [f.check for f in step.findings] == ["txid_network"]
    assert "parece un hash de una cadena EVM" in step.text and step.field == "deposit_address"
    step = chat.say(TRON_ADDRESS)
    assert step.field == "deposit_time"   # the memo question only follows a wrong-memo case
    step = chat.say("omitir")
    assert step.kind == "summary" and "• Importe: desconocido" in step.text
    assert "• Problema: Enviado por la red equivocada" in step.text
    step = chat.say("sí")
    assert step.kind == "done" and "Gracias" in step.text
    assert step.packet["findings"][0]["faq_id"] == "deposit.wrong_network"


def test_spanish_several_facts_and_correction_from_summary_by_value(chat) -> None:
    chat.start("deposit_not_arrived", "es", f"Mi depósito de 50 USDT por BEP20 no llega, txid {ETH_TXID}, "
                                            "enviado 2024-05-01 08:15")
    assert chat.step.field == "deposit_address"
    step = chat.say("omitir")
    assert step.kind == "summary" and "• Red: BEP20" in step.text
    step = chat.say("no, era por Polygon")
    assert step.kind == "summary" and chat.state.answers["network"] == "POLYGON"
    assert "Actualizado: Red: POLYGON" in step.text


def test_deposit_still_confirming_is_solved_on_the_spot(chat) -> None:
    step = chat.start("deposit_not_arrived", "en", "I sent 0.1 BTC 10 minutes ago and it's not credited")
    assert step.field == "network"
    step = chat.say("Bitcoin")
    assert (step.kind, step.faq_id, step.reason) == ("solved", "deposit.not_arrived", "confirmation")
    assert "wait until about 12:50" in step.text
    assert step.packet["fields"]["deposit_time"] == "2024-05-01T11:50+00:00"


def test_urgent_form_opens_the_handoff_first_and_amends_it(chat) -> None:
    step = chat.start("account_compromised", "ja", "アカウントが乗っ取られました")
    assert step.handoff_now and step.kind == "ask" and step.field == "uid"
    assert "担当者におつなぎしています" in step.text
    step = chat.say("UID 12345678")
    assert step.field == "compromise_details"
    step = chat.say("知らないログインがありました")   # "知らない" inside an answer is not "I don't know"
    assert step.kind == "done" and step.amend and not step.handoff_now
    assert step.fields == {"uid": "12345678", "compromise_details": "知らないログインがありました"}


def test_account_locked_with_email_and_free_text(chat) -> None:
    step = chat.start("account_locked", "en", "my account is locked, UID 87654321")
    assert step.field == "email"
    step = chat.say("it's jane.doe@example.com")
    assert chat.state.answers["email"] == "jane.doe@example.com" and step.field == "lock_message"
    step = chat.say("It says: account frozen for security reasons, contact support")
    assert step.field == "lock_since"
    step = chat.say("since 2 hours ago")
    assert step.kind == "summary" and "• Locked since: 2024-05-01 10:00 (UTC)" in step.text


def test_state_round_trips_through_json(chat) -> None:
    chat.start("deposit_not_arrived", "en", "USDT on TRC20")
    saved = json.loads(json.dumps(chat.state.to_dict()))
    assert IntakeState.from_dict(saved) == chat.state
    assert IntakeState.from_dict({**saved, "added_later": 1}) == chat.state


def test_yes_naming_a_field_confirms_rather_than_edits(chat) -> None:
    chat.start("account_locked", "en", "account locked, UID 87654321")
    chat.say("jane@example.com")
    chat.say("Account frozen")
    step = chat.say("skip")
    assert step.kind == "summary"
    step = chat.say("yes, the email is right")
    assert step.kind == "done" and step.fields["email"] == "jane@example.com"
