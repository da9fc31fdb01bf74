"""Find secrets a user pasted into the chat and redact them before anything is stored, logged or answered.

What counts as a secret, and the decisions behind the rules:

* `seed_phrase`: a run of BIP39 words in one of the ten official wordlists (english, spanish, french, italian,
  czech, portuguese, japanese, korean, chinese_simplified, chinese_traditional; the russian and turkish lists
  the `mnemonic` package also ships are not part of BIP39 and are skipped). Words may be separated by spaces,
  ideographic spaces, commas, line breaks or numbering ("1. word 2) word"), typed with or without accents.
  A run is flagged when it has at least 10 consecutive wordlist words, or 11 wordlist words among 12 tokens
  (a typo), so partial phrases are caught too. The whole run is redacted, wordlist neighbours included (they
  may belong to a longer phrase pasted in part); when no complete phrase with a valid checksum
  (`Mnemonic.check`) is inside it, up to two neighbouring tokens that look like mistyped words go as well.
  Chinese written without spaces is made of the same 2048 common characters as ordinary text, so such a run
  (11+ characters) counts only when it is a complete phrase right after a cue ("助记词：..."), or when it does
  not look like ordinary text (few of the 100 most frequent characters, none of a list of common words) and
  is either a complete phrase with a valid checksum or in a message that mentions a seed phrase.
* `private_key`: a WIF key (base58check, version 0x80) or 64 hex characters (with or without 0x) labelled as a
  key ("private key", 私钥, "pk:", ...). A 64-hex string labelled as a transaction (txid, hash, 交易哈希, ...) or
  not labelled at all is treated as a transaction hash, not a secret: customers paste txids far more often than
  raw keys, and an Ethereum tx hash (0x + 64 hex) cannot be told apart from a key. The nearest label before the
  string wins; without one, a key label anywhere in a message without any transaction label still counts.
* `extended_key`: xprv/yprv/zprv/tprv/uprv/vprv/Yprv/Zprv strings (111 characters, a few missing allowed).
* `keystore`: an Ethereum keystore JSON object ("crypto" with "ciphertext" and "kdf"), the whole object.
* `api_secret`: a random-looking token of 16+ characters within a few words after an API key/secret label.
* `password`, `otp_code`, `id_number`: a value right after a label in one of 12 languages; only the value is
  redacted ("my password is [REDACTED:password]").
* `card_number`: 13-19 digits (spaces or dashes allowed) that pass the Luhn check and start like a card
  (2-6), unless labelled as an order, user or transaction id. The marker keeps the last four digits.
* `id_number`: also a bare 18-character Chinese resident ID with a valid checksum and birth date.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

import base58
from mnemonic import Mnemonic

from bot.security import load_locales, pick_language

SEED_PHRASE = "seed_phrase"
PRIVATE_KEY = "private_key"
EXTENDED_KEY = "extended_key"
KEYSTORE = "keystore"
API_SECRET = "api_secret"
PASSWORD = "password"
OTP_CODE = "otp_code"
CARD_NUMBER = "card_number"
ID_NUMBER = "id_number"
KINDS = (SEED_PHRASE, PRIVATE_KEY, EXTENDED_KEY, KEYSTORE, API_SECRET, PASSWORD, OTP_CODE, CARD_NUMBER, ID_NUMBER)
CRITICAL_KINDS = frozenset({SEED_PHRASE, PRIVATE_KEY, EXTENDED_KEY, KEYSTORE})
# When two findings overlap, the merged span takes the kind that comes first here.
_PRIORITY = {kind: rank for rank, kind in enumerate(
    (KEYSTORE, SEED_PHRASE, PRIVATE_KEY, EXTENDED_KEY, API_SECRET, CARD_NUMBER, ID_NUMBER, PASSWORD, OTP_CODE))}

BIP39_LANGUAGES = ("english", "spanish", "french", "italian", "czech", "portuguese", "japanese", "korean",
                   "chinese_simplified", "chinese_traditional")
_ACCENTED = frozenset({"spanish", "french", "italian", "czech", "portuguese"})
_CHINESE = frozenset({"chinese_simplified", "chinese_traditional"})
PHRASE_LENGTHS = frozenset({12, 15, 18, 21, 24})
MIN_RUN = 10          # consecutive wordlist words that make a (partial) phrase
WINDOW, WINDOW_HITS = 12, 11   # or this many wordlist words among WINDOW tokens (a typo inside)
MAX_GAP = 8           # separator characters allowed between two words ("\n12) " is 5)
EDGE_TOKENS = 2       # likely-typo tokens swallowed at each end of an incomplete phrase
COMMON_RANK = 100     # the Chinese wordlists are ordered by frequency; ordinary text is rich in the top 100
CUE_GAP = 6           # characters allowed between a seed-phrase cue and the phrase it labels ("助记词是：")

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"(?P<han>[{_HAN}]+)|(?:[^\W\d_{_HAN}]|[\u0300-\u036f\u3099\u309a])+")
_SEED_CUE = re.compile(
    r"seed|mnemoni|recovery\s+phrase|secret\s+(?:recovery\s+)?phrase|backup\s+phrase|12\s+words|24\s+words|"
    r"助[记記](?:词|詞|码|碼)?|种子|種子|恢复短语|恢復短語|恢复词|备份词|私钥|私鑰|シード|復元フレーズ|リカバリーフレーズ|"
    r"시드|복구\s*문구|니모닉|сид-?фраз|мнемони|semilla|semente|frase\s+de\s+recupera|kurtarma|anımsatıcı|"
    r"phrase\s+de\s+récupération|wiederherstellungs|عبارة\s+الاسترداد|العبارة\s+السرية", re.IGNORECASE)
# Everyday and support words. Ordinary Chinese text is full of them; a run of random wordlist characters almost
# never contains one of their two-character pieces (about 0.1% of 12-character seed phrases do).
_COMMON_ZH_WORDS = """
我们 你们 他们 她们 它们 我的 你的 他的 您的 自己 什么 怎么 怎样 怎麼 為什麼 为什么 为何 如何 哪里 哪裡 哪个
哪個 多少 几天 幾天 多久 可以 不能 能不能 没有 沒有 不是 就是 还是 還是 但是 可是 因为 因為 所以 如果 现在
現在 时候 時候 时间 時間 这个 這個 那个 那個 一下 一个 一個 一直 已经 已經 请问 請問 帮我 幫我 帮忙 幫忙 谢谢
謝謝 您好 你好 需要 应该 應該 必须 必須 知道 觉得 覺得 希望 问题 問題 情况 情況 原因 方法 办法 辦法 处理 處理
解决 解決 操作 设置 設置 設定 显示 顯示 提示 页面 頁面 点击 點擊 点选 點選 选择 選擇 输入 輸入 填写 填寫 提交
申请 申請 审核 審核 完成 成功 失败 失敗 错误 錯誤 正常 无法 無法 不了 不到 收到 找到 找回 到账 到帳 到賬 转账
轉帳 轉賬 账户 賬戶 帳戶 账号 帳號 賬號 帐号 登录 登陆 登入 注册 註冊 密码 密碼 验证 驗證 认证 認證 实名 實名
身份 证件 證件 手机 手機 邮箱 郵箱 信箱 邮件 郵件 短信 簡訊 客服 人工 官方 平台 网站 網站 网址 網址 链接 連結
鏈接 钱包 錢包 地址 充值 提现 提現 提币 提幣 充币 充幣 入金 出金 资金 資金 资产 資產 余额 餘額 数量 數量 金额
金額 价格 價格 手续费 手續費 费用 費用 网络 網路 網絡 交易 订单 訂單 合约 合約 杠杆 槓桿 现货 現貨 保证金
保證金 仓位 倉位 平仓 平倉 买入 買入 卖出 賣出 购买 購買 出售 市场 市場 限价 限價 币种 幣種 代币 代幣 记录
記錄 紀錄 历史 歷史 安全 风险 風險 冻结 凍結 解冻 解凍 锁定 鎖定 限制 禁用 开启 開啟 关闭 關閉 绑定 綁定 解绑
解綁 修改 更改 更换 更換 重置 忘记 忘記 丢失 遺失 丢了 被盗 被騙 被骗 诈骗 詐騙 冒充 私信 私訊 联系 聯繫 聯絡
电话 電話 微信 助记 助記 私钥 私鑰 备份 備份 恢复 恢復 导入 導入 导出 導出 生成 创建 建立 保存 保管 离线 離線
截图 截圖 上传 上傳 下载 下載 使用 支持 支援 可能 通常 一般 目前 之前 之后 之後 以后 以後 以前 然后 然後 最近
今天 昨天 明天 小时 小時 分钟 分鐘 每天 时区 時區 日期 还没 還沒 一样 一樣 不要 不会 不會 不用 只能 只有 还有
還有 以及 或者 或是 而且 并且 並且 其他 其它 所有 全部 部分 这样 這樣 那样 那樣 这些 這些 那些 这里 這裡 那里
那裡 的话 的話 了吧 好的 是否 是不是 有没有 有沒有 多长 多長 多大 最低 最高 最少 最多 以上 以下 之间 之間 左右
等待 等了 一天 两天 兩天 几个 幾個 各种 各種 个人 個人 中心 管理 规则 規則 活动 活動 奖励 獎勵 返佣 邀请 邀請
推荐 推薦 等级 等級 会员 會員 用户 用戶 客户 客戶 服务 服務 系统 系統 更新 升级 升級 维护 維護 暂停 暫停 延迟
延遲 到达 到達 发送 發送 接收 进行 進行 开始 開始 结束 結束 继续 繼續 取消 撤销 撤銷 确认 確認 同意 拒绝 拒絕
通过 通過 通知 消息 訊息 信息 資訊 资料 資料 文件 照片 自拍 人脸 人臉 护照 護照 驾照 駕照 国家 國家 地区 地區
语言 語言 中文 英文 电脑 電腦 设备 設備 裝置 浏览器 瀏覽器 应用 應用 软件 軟體 版本 谷歌 二维码 二維碼 扫码
掃碼 复制 複製 粘贴 貼上 比特币 比特幣 以太坊 泰达币 泰達幣 稳定币 穩定幣 法币 法幣 人民币 人民幣 美元 银行
銀行 银行卡 銀行卡 信用卡 支付宝 支付寶 付款 收款 买家 買家 卖家 賣家 商家 广告 廣告 申诉 申訴 纠纷 糾紛 仲裁
投诉 投訴 建议 建議 反馈 回饋 回复 回覆 答复 明白 理解 清楚 确定 確定 真的 一定 马上 馬上 立即 尽快 盡快 及时
及時 很多 很久 很慢 太慢 太高 太多 非常 比较 比較 有点 有點 一点 一點 一些 这么 這麼 那么 那麼 为了 為了 关于
關於 对于 對於 根据 根據 按照 由于 由於 不过 不過 虽然 雖然 即使 无论 無論 只要 除了 另外 此外 例如 比如 包括
其中 区别 區別 用于 用於 计算 計算 实际 實際 请求 請求 完全 相同 控制 能够 能夠 一起 大家 朋友 工作 公司 生活
东西 東西 事情 地方 开心 開心 喜欢 喜歡 看到 听说 聽說 告诉 告訴 发现 發現 认为 認為 表示 成为 成為 进入 進入
出现 出現 得到 变成 變成 起来 起來 出来 出來 回来 回來 下来 下來 上面 下面 里面 裡面 后面 後面 前面 中间 中間
"""


@dataclass(frozen=True)
class SecretFinding:
    """One secret in the scanned text: its kind and its character span [start, end)."""

    kind: str
    start: int
    end: int


@dataclass
class ScanResult:
    """The text with every secret replaced by a `[REDACTED:kind]` marker, and what was found where."""

    redacted: str
    findings: list[SecretFinding]

    @property
    def kinds(self) -> list[str]:
        """The kinds of secret found, sorted and without repeats."""
        return sorted({finding.kind for finding in self.findings})

    @property
    def critical(self) -> bool:
        """True when a secret that gives away funds was found (seed phrase, private or extended key, keystore)."""
        return any(finding.kind in CRITICAL_KINDS for finding in self.findings)


def _fold(token: str) -> str:
    """The lookup key of a word: NFKD (the form of the wordlists), lower case."""
    return token.lower() if token.isascii() else unicodedata.normalize("NFKD", token).lower()


def _strip_accents(word: str) -> str:
    return "".join(ch for ch in word if not unicodedata.combining(ch))


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    key: str
    han: bool


class _Wordlists:
    """The BIP39 wordlists as one lookup table: word -> bit mask of the languages it belongs to."""

    def __init__(self) -> None:
        self.languages = BIP39_LANGUAGES
        self.checkers = [Mnemonic(language) for language in self.languages]
        self.masks: dict[str, int] = {}
        self.canonical: list[dict[str, str]] = []
        self.prefixes: list[frozenset[str]] = []
        self.ranks: list[dict[str, int]] = []
        for bit, (language, checker) in enumerate(zip(self.languages, self.checkers, strict=True)):
            canonical: dict[str, str] = {}
            for word in checker.wordlist:
                keys = {word, _strip_accents(word)} if language in _ACCENTED else {word}
                for key in keys:
                    canonical[key] = word
                    self.masks[key] = self.masks.get(key, 0) | (1 << bit)
            self.canonical.append(canonical)
            self.prefixes.append(frozenset(_strip_accents(w)[:3] for w in checker.wordlist))
            self.ranks.append({word: rank for rank, word in enumerate(checker.wordlist)})
        self.common_pairs = frozenset(word[i:i + 2] for word in _COMMON_ZH_WORDS.split() for i in range(len(word) - 1))

    def is_complete(self, bit: int, keys: list[str]) -> bool:
        """Whether `keys` are a whole BIP39 phrase in language `bit` with a valid checksum."""
        if len(keys) not in PHRASE_LENGTHS:
            return False
        words = [self.canonical[bit].get(key) for key in keys]
        return all(words) and self.checkers[bit].check(" ".join(w for w in words if w))

    def find(self, text: str) -> list[tuple[int, int]]:
        """Spans of (partial) seed phrases in `text`."""
        tokens = [_Token(m.start(), m.end(), _fold(m.group()), m.group("han") is not None)
                  for m in _TOKEN.finditer(text)]
        masks = [self.masks.get(token.key, 0) for token in tokens]
        spans: list[tuple[int, int]] = []
        if sum(1 for mask in masks if mask) >= MIN_RUN:
            for bit in range(len(self.languages)):
                if sum(1 for mask in masks if mask >> bit & 1) >= MIN_RUN:
                    spans.extend(self._spaced(text, tokens, [bool(mask >> bit & 1) for mask in masks], bit))
        if any(token.han and token.end - token.start >= 2 for token in tokens):
            spans.extend(self._unspaced_chinese(text, tokens))
        return spans

    def _spaced(self, text: str, tokens: list[_Token], good: list[bool], bit: int) -> Iterator[tuple[int, int]]:
        """Runs of words separated by spaces, commas, line breaks or numbering."""
        segment: list[int] = []
        for i in range(len(tokens) + 1):
            if segment and (i == len(tokens) or not 0 < tokens[i].start - tokens[i - 1].end <= MAX_GAP):
                yield from self._runs_in_segment(text, tokens, good, bit, segment)
                segment = []
            if i < len(tokens):
                segment.append(i)

    def _runs_in_segment(self, text: str, tokens: list[_Token], good: list[bool], bit: int,
                         segment: list[int]) -> Iterator[tuple[int, int]]:
        hits: list[tuple[int, int]] = []  # token index ranges [first, last]
        run_start = None
        for i in [*segment, None]:
            if i is not None and good[i]:
                run_start = i if run_start is None else run_start
                continue
            if run_start is not None:
                last = (i if i is not None else segment[-1] + 1) - 1
                if last - run_start + 1 >= MIN_RUN:
                    hits.append((run_start, last))
                run_start = None
        for offset in range(len(segment) - WINDOW + 1):
            first, last = segment[offset], segment[offset + WINDOW - 1]
            if good[first] and good[last] and sum(good[first:last + 1]) >= WINDOW_HITS:
                hits.append((first, last))
        for first, last in _merge_ranges(hits):
            # The whole run goes, even when a complete phrase inside it would allow a tighter cut: a neighbouring
            # wordlist word may belong to a longer phrase pasted in part, and no part of a phrase may remain.
            if not self._has_complete_part(bit, [tokens[i].key for i in range(first, last + 1)]):
                first, last = self._extend(tokens, good, bit, segment, first, last)
            yield tokens[first].start, tokens[last].end

    def _has_complete_part(self, bit: int, keys: list[str]) -> bool:
        """Whether the run, its start or its end is a complete phrase with a valid checksum."""
        return any(self.is_complete(bit, keys[:length]) or self.is_complete(bit, keys[-length:])
                   for length in PHRASE_LENGTHS if length <= len(keys))

    def _extend(self, tokens: list[_Token], good: list[bool], bit: int, segment: list[int],
                first: int, last: int) -> tuple[int, int]:
        """Swallow up to EDGE_TOKENS neighbours on each side that look like mistyped words of the list."""
        chinese = self.languages[bit] in _CHINESE

        def plausible(i: int) -> bool:
            token = tokens[i]
            if chinese:
                return token.han and token.end - token.start == 1
            return 2 <= len(token.key) <= 12 and _strip_accents(token.key)[:3] in self.prefixes[bit]

        for _ in range(EDGE_TOKENS):
            if first - 1 >= segment[0] and not good[first - 1] and plausible(first - 1):
                first -= 1
            if last + 1 <= segment[-1] and not good[last + 1] and plausible(last + 1):
                last += 1
        return first, last

    def _unspaced_chinese(self, text: str, tokens: list[_Token]) -> Iterator[tuple[int, int]]:
        """Chinese phrases written without spaces (or in space-separated groups of characters)."""
        cues = [m.span() for m in _SEED_CUE.finditer(text)]
        groups: list[list[_Token]] = []
        for token in tokens:
            if not token.han:
                continue
            if groups and text[groups[-1][-1].end:token.start].isspace():
                groups[-1].append(token)
            else:
                groups.append([token])
        for group in groups:
            if all(t.end - t.start == 1 for t in group):
                continue  # single characters with separators: the spaced rules apply
            # The whole group, each token, and the group without its first or last token ("帮我看看 <phrase>").
            parts = {tuple(group), *((t,) for t in group), tuple(group[1:]), tuple(group[:-1])}
            for part in parts:
                positions = [p for token in part for p in range(token.start, token.end)]
                if len(positions) < WINDOW_HITS:
                    continue
                for bit, language in enumerate(self.languages):
                    if language in _CHINESE:
                        yield from self._chinese_runs(text, positions, bit, cues)

    def _chinese_runs(self, text: str, positions: list[int], bit: int, cues: list[tuple[int, int]]
                      ) -> Iterator[tuple[int, int]]:
        ranks = self.ranks[bit]
        run: list[int] = []
        for position in [*positions, -1]:
            if position >= 0 and _fold(text[position]) in ranks:
                run.append(position)
                continue
            if len(run) >= WINDOW_HITS:
                span = self._judge_chinese(text, run, bit, cues)
                if span:
                    yield span
            run = []

    def _judge_chinese(self, text: str, run: list[int], bit: int, cues: list[tuple[int, int]]
                       ) -> tuple[int, int] | None:
        for cue_start, cue_end in cues:
            if cue_start <= run[-1] and run[0] < cue_end:  # "助记词是..." : the phrase starts after the cue
                run = [p for p in run if p >= cue_end]
        if len(run) < WINDOW_HITS:
            return None
        # "助记词是<phrase>": a connecting character or two may come first; they go with the phrase.
        labelled = any(0 <= run[0] - cue_end <= CUE_GAP for _, cue_end in cues)
        variants = [run[skip:] for skip in range(3 if labelled else 1)]
        complete = next((v for v in variants if self.is_complete(bit, [_fold(text[p]) for p in v])), None)
        if complete and labelled:
            return run[0], run[-1] + 1
        body = complete or run
        ranks = self.ranks[bit]
        common = sum(1 for p in body if ranks[_fold(text[p])] < COMMON_RANK)
        if common >= max(4, -(-len(body) // 3)):
            return None  # ordinary text: too many of the most frequent characters
        if any(text[a] + text[b] in self.common_pairs for a, b in pairwise(body)):
            return None  # ordinary text: contains common words
        return (run[0], run[-1] + 1) if complete or cues else None


def _merge_ranges(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    return merged


# --- keys -------------------------------------------------------------------------------------------------

_B58 = "1-9A-HJ-NP-Za-km-z"
_HEX64 = re.compile(r"(?<![0-9A-Za-z])(?:0[xX])?[0-9a-fA-F]{64}(?![0-9A-Za-z])")
_WIF = re.compile(rf"(?<![{_B58}])[5KL][{_B58}]{{50,51}}(?![{_B58}])")
_XPRV = re.compile(rf"(?<![{_B58}])[xyztuvYZ]prv[{_B58}]{{100,108}}(?![{_B58}])")
_API_LABELS = (
    r"api[\s_-]*(?:secret|private[\s_-]*key|passphrase|key)|apikey|client[\s_-]*secret|access[\s_-]*secret|"
    r"secret[\s_-]*key|API\s*(?:密[钥鑰]|金[钥鑰]|私[钥鑰])|(?<![私位用复復])密[钥鑰]|APIキー|API\s*シークレット|"
    r"シークレットキー|API\s*키|시크릿\s*키|비밀\s*키|API[\s-]*ключ\w*|ключ\w*\s+(?:от\s+)?API|секретн\w*\s+ключ\w*|"
    r"clave\s+(?:de\s+(?:la\s+)?)?API|clave\s+secreta|chave\s+(?:de\s+|da\s+)?API|chave\s+secreta|"
    r"API\s+anahtar\w*|gizli\s+anahtar\w*|cl[ée]\s+(?:d['’]\s*)?API|cl[ée]\s+secr[èe]te|API[\s-]*Schl[üu]ssel\w*|"
    r"geheim\w*\s+Schl[üu]ssel\w*|مفتاح\s+(?:ال)?API|المفتاح\s+السري")
_KEY_LABELS = (
    r"private[\s_-]*key|priv[\s_-]*key|privkey|\bpk\s*[:=]|\bsecret\b|私[钥鑰]|秘密鍵|プライベートキー|개인\s*키|"
    r"프라이빗\s*키|приватн\w*\s+ключ\w*|закрыт\w*\s+ключ\w*|clave\s+privada|chave\s+privada|özel\s+anahtar\w*|"
    r"cl[ée]\s+priv[ée]e|privat\w*\s+Schl[üu]ssel\w*|المفتاح\s+الخاص")
_TX_LABELS = (
    r"\btx\b|txid|txn|tx\s*id|tx\s*hash|txhash|\bhash\b|transaction|交易|哈希|雜湊|杂凑|ハッシュ|トランザクション|"
    r"해시|트랜잭션|거래\s*(?:id|ID)|хэш|хеш|транзакц\w*|transacci[oó]n|transa[cç][aã]o|i[sş]lem|transaktion\w*|"
    r"معامل\w*|هاش|区块|區塊|\bblock\b|explorer|etherscan|tronscan|bscscan")
# For 64 hex characters a bare "secret:" names a private key; for other tokens, an API secret.
_HEX_LABEL = re.compile(rf"(?P<api>{_API_LABELS})|(?P<key>{_KEY_LABELS})|(?P<tx>{_TX_LABELS})", re.IGNORECASE)
_KEYSTORE_KEY = re.compile(r"[\"']crypto[\"']\s*:", re.IGNORECASE)
_API_LABEL = re.compile(_API_LABELS + r"|\bsecret\s*[:=]", re.IGNORECASE)
_API_VALUE = re.compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9][A-Za-z0-9+/=_-]{15,}")
_SETUP_KEY_LABEL = re.compile(
    r"(?:2fa|setup|backup|authenticator|recovery|google)[\s-]*(?:secret|key)|16[\s-]*(?:digit|character|位)\s*"
    r"(?:key|密[钥鑰]|金[钥鑰])|(?:备用|備用|恢复|恢復)密[钥鑰]|セットアップキー|バックアップキー|설정\s*키|복구\s*키|"
    r"резервн\w*\s+ключ\w*|clave\s+de\s+configuraci[oó]n|chave\s+de\s+configura[cç][aã]o|kurulum\s+anahtar\w*|"
    r"cl[ée]\s+de\s+configuration|Einrichtungsschl[üu]ssel|مفتاح\s+الإعداد", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.?!。？！\n](?:\s|$)|[。？！\n]")
_LABEL_WINDOW = 40
# Cheap first checks: every label a detector knows contains one of these words, so a message without any of them
# skips the detector's long label pattern. A new label must keep its detector's gate true.
_API_GATE = re.compile(r"api|secret|密[钥鑰]|金[钥鑰]|私[钥鑰]|キー|シークレット|키|ключ|clave|chave|anahtar|cl[ée]|"
                       r"schl[üu]ssel|مفتاح", re.IGNORECASE)
_SETUP_KEY_GATE = re.compile(r"key|secret|密[钥鑰]|キー|키|ключ|clave|chave|anahtar|cl[ée]|schl[üu]ssel|مفتاح",
                             re.IGNORECASE)
_PASSWORD_GATE = re.compile(r"pass|pwd|pw|pin|密[码碼]|パスワード|暗証番号|비밀번호|패스워드|비번|пароль|contrase|"
                            r"clave|senha|şifre|parola|mdp|kennwort|كلمة|باسورد|الرقم", re.IGNORECASE)
_OTP_GATE = re.compile(r"code|c[oó]digo|codice|pin|otp|2fa|mfa|one[\s-]*time|[验驗][证證]|[动動][态態][码碼]|"
                       r"校[验驗][码碼]|安全[码碼]|[认認][证證][码碼]|コード|ワンタイム|認証番号|인증|코드|код|kod|رمز|كود",
                       re.IGNORECASE)
_ID_GATE = re.compile(r"passport|\bid|ssn|social\s+security|licen|身份|身分|护照|護照|证件|證件|マイナンバー|個人番号|"
                      r"パスポート|旅券|免許証|주민|여권|외국인등록|운전면허|паспорт|серия|инн|снилс|dni|nie|pasaporte|"
                      r"c[ée]dula|curp|rut|cpf|\brg\b|cnh|passaporte|kimlik|pasaport|passeport|identit|ausweis|reisepass|"
                      r"passnummer|steuer|هوية|جواز", re.IGNORECASE)


def _nearest_label(text: str, start: int, end: int) -> str | None:
    """The kind of the label closest before (else after) a string: 'api', 'key', 'tx' or None."""
    before = list(_HEX_LABEL.finditer(text, max(0, start - 80), start))
    if before:
        return before[-1].lastgroup
    after = _HEX_LABEL.search(text, end, min(len(text), end + 40))
    return after.lastgroup if after else None


def _hex_keys(text: str) -> Iterator[SecretFinding]:
    everywhere: set[str | None] | None = None  # the labels anywhere in the text, found when first needed
    for match in _HEX64.finditer(text):
        label = _nearest_label(text, match.start(), match.end())
        if label is None:
            everywhere = everywhere if everywhere is not None else {m.lastgroup for m in _HEX_LABEL.finditer(text)}
            label = "key" if "key" in everywhere and "tx" not in everywhere else None
        if label == "key":
            yield SecretFinding(PRIVATE_KEY, match.start(), match.end())
        elif label == "api":
            yield SecretFinding(API_SECRET, match.start(), match.end())


def _wif_keys(text: str) -> Iterator[SecretFinding]:
    for match in _WIF.finditer(text):
        try:
            raw = base58.b58decode_check(match.group())
        except ValueError:
            raw = b""
        valid = raw[:1] == b"\x80" and (len(raw) == 33 or (len(raw) == 34 and raw[-1] == 1))
        if valid or _nearest_label(text, match.start(), match.end()) == "key":
            yield SecretFinding(PRIVATE_KEY, match.start(), match.end())


def _extended_keys(text: str) -> Iterator[SecretFinding]:
    for match in _XPRV.finditer(text):
        yield SecretFinding(EXTENDED_KEY, match.start(), match.end())


def _keystores(text: str) -> Iterator[SecretFinding]:
    lowered = text.lower()
    if ('"ciphertext"' not in lowered and "'ciphertext'" not in lowered) or "kdf" not in lowered:
        return
    for match in _KEYSTORE_KEY.finditer(text):
        start, end = _enclosing_object(text, match.start())
        yield SecretFinding(KEYSTORE, start, end)


def _enclosing_object(text: str, position: int) -> tuple[int, int]:
    """The outermost {...} around `position` (to the end of the text when it is cut off)."""
    depth, start = 0, position
    for i in range(position - 1, -1, -1):
        if text[i] == "}":
            depth += 1
        elif text[i] == "{":
            if depth == 0:
                start = i
            else:
                depth -= 1
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return start, i + 1
    return start, len(text)


def _looks_random(token: str) -> bool:
    """A machine-made token rather than a word: digits, mixed case, base64 symbols or all capitals."""
    if any(ch.isdigit() for ch in token) or any(ch in "+/=" for ch in token):
        return True
    letters = [ch for ch in token if ch.isalpha()]
    upper = sum(1 for ch in letters if ch.isupper())
    return (upper >= 2 and upper < len(letters)) or (upper == len(letters) and len(letters) >= 16)


def _labelled_tokens(text: str, label: re.Pattern[str], kind: str) -> Iterator[SecretFinding]:
    """Random-looking tokens of 16+ characters a few words after `label`, in the same sentence."""
    for match in label.finditer(text):
        window_end = min(len(text), match.end() + _LABEL_WINDOW)
        stop = _SENTENCE_END.search(text, match.end(), window_end)
        window_end = stop.start() if stop and stop.start() > match.end() else window_end
        # the value may run past the window; it only has to start inside it
        for value in _API_VALUE.finditer(text, match.end(), min(len(text), window_end + 512)):
            if value.start() >= window_end:
                break
            if _looks_random(value.group()):
                yield SecretFinding(kind, value.start(), value.end())
                break


# --- labelled values: passwords, codes, identity numbers ------------------------------------------------

_POSSESSIVE = re.compile(r"\b(?:my|mi|minha|mon|mein|meine)\b|мой|我的|私の|내|제|şifrem|parolam", re.IGNORECASE)
_PASSWORD_LABEL = re.compile(
    r"(?:\b(?:my|the|our)\s+)?(?:\b(?:new|old|current|login|account|email|exchange|wallet|fund|trading)\s+)?"
    r"(?:\bpassword|\bpasscode|\bpasswd|\bpwd|\bpw|\bpin(?:\s*code)?)\b|\bpass\s*(?=[:=])|"
    r"(?:我的)?(?:登录|登陆|登入|资金|資金|交易|支付|钱包|錢包)?(?:密码|密碼)|(?:私の)?(?:パスワード|暗証番号)|"
    r"(?:내\s*|제\s*)?(?:비밀번호|패스워드|비번)|(?:мой\s+)?(?:новый\s+|старый\s+)?пароль\b|"
    r"(?:\bmi\s+)?(?:\bcontraseña|\bcontrasena)\b|\bmi\s+clave\b(?!\s+(?:privada|api|secreta))|"
    r"(?:\bminha\s+)?\bsenha\b|\b(?:şifrem|parolam|şifre|parola)\b|(?:\bmon\s+)?\bmot\s+de\s+passe\b|"
    r"(?:\bmon\s+)?\bmdp\b|(?:\bmein\s+)?\b(?:passwort|kennwort)\b|كلمة\s+(?:ال)?(?:مرور|سر)|الباسورد|باسورد|"
    r"الرقم\s+السري", re.IGNORECASE)
_CONNECTOR = re.compile(
    r"\s*(?:[:：=＝#№\-–—]|(?:is|was|are|es|era|é|est|ist|lautet|это|هي|هو|now)(?!\w)|[是为為はが는은])\s*",
    re.IGNORECASE)
_EXPLICIT = frozenset(":：=＝")
_QUOTED = re.compile(r"[\"'“‘「『]([^\"'”’」』\n]{1,64})[\"'”’」』]")
_PLAIN_VALUE = re.compile(r"(?![(\[{<«„‚])[!-~\u00a1-\u024f]{4,64}")
_TRAILING = ".,;:)]}\"'’”」』"
# A number followed by a unit is a rule or a duration ("8 characters", "60 seconds", "6位"), not a secret. Only
# spaces may separate them, and Latin units must end at a word boundary ("Hunter2!xyz minimum" is a password).
_UNIT_AFTER = re.compile(
    r"[ \t]*(?:(?:characters?|chars?|digits?|letters?|symbols?|numbers?|seconds?|secs?|minutes?|mins?|hours?|"
    r"times?|символ\w*|цифр\w*|caracteres|carácteres|dígitos|caractères|chiffres|Zeichen|Stellen|Ziffern|karakter|"
    r"haneli|hane|حرف|أحرف|رقم)\b|位|个|個|字符|文字|桁|자리|자|글자|秒|分|%)", re.IGNORECASE)
_RANGE = re.compile(r"\d+\s*[-~–]\s*\d+")
# Words that end a statement about the password rather than reveal it ("my password is wrong").
_NOT_PASSWORDS = frozenset("""
wrong incorrect correct right invalid valid expired blocked locked not too very so still being also the a an my
your it this that what which none unknown fine ok okay good bad working changed reset lost forgotten forgot required
needed saved same different long short empty missing accepted rejected case secure safe strong weak compromised
hacked stolen leaked broken gone there here set new old mine yes no please help and or but because since when if how
why where who gmail email enabled disabled
incorrecta incorrecto correcta correcto inválida invalida válida valida errónea erronea equivocada mala buena segura
débil debil bloqueada larga corta nueva vieja la el mi muy que cual cuál
incorreta incorreto correta inválido errada certa fraca forte nova antiga minha não nao muito qual
incorrect incorrecte correcte faux fausse bon bonne mauvais mauvaise invalide valide bloqué bloque oublié oublie pas
trop le mon nouveau quel quelle
falsch richtig korrekt ungültig ungueltig gültig gesperrt nicht vergessen abgelaufen zu sehr neu alt das der die
mein welches
yanlış yanlis doğru dogru hatalı hatali geçersiz gecersiz çalışmıyor calismiyor unuttum kabul değil degil ne nedir
neydi yok var
""".split())
_OTP_STRONG = re.compile(
    r"(?:2fa|two[\s-]*factor|2[\s-]*step|google(?:\s+auth(?:enticator)?)?|authenticator|\bga|otp|totp|sms|e-?mail|"
    r"verification|security|auth(?:entication)?|one[\s-]*time|login|confirmation|withdrawal)\s*(?:code|pin|otp)s?\b|"
    r"\b(?:otp|2fa|totp|mfa)\b|one[\s-]*time\s+password|验证码|驗證碼|谷歌验证|谷歌驗證|google验证|google驗證|动态码|"
    r"動態碼|校验码|校驗碼|安全码|安全碼|认证码|認證碼|認証コード|確認コード|ワンタイムパスワード|ワンタイムコード|"
    r"セキュリティコード|(?:2FA|SMS|Google)コード|(?:2|二)段階認証(?:の)?コード|認証番号|인증\s*번호|인증\s*코드|"
    r"OTP\s*(?:번호|코드)|확인\s*코드|보안\s*코드|код\w*\s+(?:подтверждения|2fa|из\s+(?:sms|смс|google|гугл)|"
    r"гугл|google|аутентификатор\w*|верификации|безопасности)|c[oó]digo\s+(?:2fa|de\s+verifica\w+|de\s+seguran\w+|"
    r"de\s+seguridad|sms|de\s+google|do\s+google|otp|de\s+autentica\w+)|(?:doğrulama|2fa|sms|google|onay|güvenlik)"
    r"\s+kod(?:u|um)?\b|code\s+(?:2fa|de\s+v[ée]rification|de\s+s[ée]curit[ée]|sms|google|otp|"
    r"d['’]authentification|de\s+confirmation)|(?:2fa|best[äa]tigungs|verifizierungs|sicherheits|sms|google|"
    r"authenticator)[\s-]*code|رمز\s+(?:ال)?(?:تحقق|مصادقة|تأكيد|أمان)|كود\s+(?:ال)?(?:تحقق|تفعيل)", re.IGNORECASE)
_OTP_WEAK = re.compile(r"\bcode\b|\bc[oó]digo\b|\bкод\b|\bkod(?:um|u)?\b|\bcodice\b|الكود|الرمز", re.IGNORECASE)
_NOT_OTP_BEFORE = re.compile(
    r"(?:error|err|fault|promo|promotion|referral|ref|invite|invitation|coupon|voucher|zip|postal|post|country|"
    r"tracking|reward|bonus|anti[\s-]*phishing|phishing|qr|status|bank|swift|tax|source|ошибк\w*|промо\w*|"
    r"реферал\w*|приглас\w*|error|referido|promocional|cup[oó]n|invitaci[oó]n|erro|indica[cç][aã]o|erreur|"
    r"parrainage|fehler|empfehlungs|gutschein|hata|referans|davet|خطأ|الإحالة|الدعوة)\W{0,3}$", re.IGNORECASE)
_OTP_VALUE = re.compile(r"(?<!\d)(?:\d{3}[ -]\d{3}|\d{4,8})(?!\d)")
_OTP_GAP = re.compile(r"[^\d\n.?!。？！]{0,20}")
_ID_LABEL = re.compile(
    r"passport(?:\s*(?:no\.?|number|num|#))?|(?<![\w-])(?:national\s+)?id(?:entity)?\s*(?:card\s*)?"
    r"(?:no\.?|number|num|#)|\bssn\b|social\s+security\s+(?:no\.?|number)|driver'?s?\s+licen[cs]e\s*(?:no\.?|number)?|"
    r"身份证(?:号码|号)?|身份證(?:字號|號碼|號)?|身分證(?:字號|號碼|號)?|护照(?:号码|号)?|護照(?:號碼|號)?|"
    r"证件号码?|證件號碼?|マイナンバー|個人番号|パスポート番号|旅券番号|(?:運転)?免許証番号|주민(?:등록)?\s*번호|"
    r"여권\s*번호|외국인등록번호|운전면허\s*번호|номер\s+паспорта|паспорт\w*|серия\s+и\s+номер|\bИНН\b|\bСНИЛС\b|"
    r"\bDNI\b|\bNIE\b|(?:n[uú]mero\s+de\s+)?pasaporte|c[ée]dula|\bCURP\b|\bRUT\b|\bCPF\b|\bRG\b|\bCNH\b|"
    r"(?:n[uú]mero\s+do\s+)?passaporte|T\.?\s*C\.?\s*kimlik(?:\s*(?:no|numaras[ıi]m?))?|"
    r"kimlik\s+(?:no|numaras[ıi]m?)|pasaport\s+(?:no|numaras[ıi]m?)|num[ée]ro\s+de\s+passeport|passeport|"
    r"num[ée]ro\s+(?:de\s+(?:la\s+|ma\s+)?)?carte\s+d['’]identit[ée]|carte\s+d['’]identit[ée]|"
    r"Personalausweis(?:nummer|-?Nr\.?)?|Ausweisnummer|Reisepassnummer|Passnummer|Steuer-?ID|رقم\s+(?:ال)?هوية|"
    r"رقم\s+جواز\s+(?:ال)?سفر|جواز\s+(?:ال)?سفر", re.IGNORECASE)
_NOT_ID_BEFORE = re.compile(r"(?:user|account|order|transaction|tx|client|member|uid)\s*$", re.IGNORECASE)
_CN_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_CN_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_VALUE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9./-]| (?=\d)){4,30}[A-Za-z0-9]")


@dataclass(frozen=True)
class _Connection:
    position: int     # where the value starts
    explicit: bool    # a ':' or '=' came between label and value
    worded: bool      # a connector such as 'is', '是' or ':' came between them (not only spaces or dashes)


def _skip_connectors(text: str, position: int) -> _Connection:
    """Skip 'is', ':', '是', 'は' ... after a label, and say which kind of connector came."""
    explicit = worded = False
    for _ in range(3):
        match = _CONNECTOR.match(text, position)
        if not match or match.end() == position or match.group().isspace():
            break
        explicit = explicit or any(ch in _EXPLICIT for ch in match.group())
        worded = worded or any(not ch.isspace() and ch not in "-–—#№" for ch in match.group())
        position = match.end()
    while position < len(text) and text[position].isspace():
        position += 1
    return _Connection(position, explicit, worded)


def _passwords(text: str) -> Iterator[SecretFinding]:
    if not _PASSWORD_GATE.search(text):
        return
    for label in _PASSWORD_LABEL.finditer(text):
        connection = _skip_connectors(text, label.end())
        position = connection.position
        if position == label.end() and label.group()[-1:].isalpha() and label.group().isascii():
            continue  # "passwordless": the label must be followed by a connector or a space
        quoted = _QUOTED.match(text, position)
        if quoted:
            yield SecretFinding(PASSWORD, quoted.start(1), quoted.end(1))
            continue
        plain = _PLAIN_VALUE.match(text, position)
        if not plain:
            continue
        value = plain.group().rstrip(_TRAILING)
        end = plain.start() + len(value)
        core = value.rstrip("!?…")
        if len(core) < 4 or not re.search(r"[A-Za-z0-9]", core) or _RANGE.fullmatch(core):
            continue
        if core.isdigit() and _UNIT_AFTER.match(text, end):
            continue
        if core.isalpha() and not _plain_word_password(text, label, core, end, connection):
            continue
        yield SecretFinding(PASSWORD, plain.start(), end)


def _plain_word_password(text: str, label: re.Match[str], value: str, end: int, connection: _Connection) -> bool:
    """A value made of letters only ('qwerty') counts when the sentence ends there and the user plainly says it
    is the password: 'my password is qwerty', 'password: qwerty', 'мой пароль qwerty', 'パスワードは qwerty'."""
    if value.lower() in _NOT_PASSWORDS:
        return False
    rest = text[end:].lstrip()
    if rest and re.match(r"[A-Za-z0-9]", rest):
        return False  # more words follow: a sentence about the password, not the password
    non_latin_label = not re.search(r"[A-Za-zÀ-ɏ]", label.group())
    possessive = bool(_POSSESSIVE.search(label.group()))
    return connection.explicit or non_latin_label or (connection.worded and possessive)


def _otp_codes(text: str) -> Iterator[SecretFinding]:
    if not _OTP_GATE.search(text):
        return
    for label in _OTP_STRONG.finditer(text):
        gap = _OTP_GAP.match(text, label.end())  # "2fa code for my account is 123456"
        value = _OTP_VALUE.match(text, gap.end() if gap else label.end())
        if value and not _UNIT_AFTER.match(text, value.end()) and (
                len(re.sub(r"\D", "", value.group())) >= 6 or _skip_connectors(text, label.end()).worded):
            yield SecretFinding(OTP_CODE, value.start(), value.end())
    for label in _OTP_WEAK.finditer(text):
        if _NOT_OTP_BEFORE.search(text, max(0, label.start() - 25), label.start()):
            continue
        connection = _skip_connectors(text, label.end())
        value = _OTP_VALUE.match(text, connection.position)
        if value and not _UNIT_AFTER.match(text, value.end()) and (
                len(re.sub(r"\D", "", value.group())) >= 6 or connection.worded):
            yield SecretFinding(OTP_CODE, value.start(), value.end())


def _id_numbers(text: str) -> Iterator[SecretFinding]:
    labels = _ID_LABEL.finditer(text) if _ID_GATE.search(text) else iter(())
    for label in labels:
        if _NOT_ID_BEFORE.search(text, max(0, label.start() - 12), label.start()):
            continue
        value = _ID_VALUE.match(text, _skip_connectors(text, label.end()).position)
        if value and sum(ch.isdigit() for ch in value.group()) >= 2 and sum(ch.isalnum() for ch in value.group()) >= 6:
            yield SecretFinding(ID_NUMBER, value.start(), value.end())
    for match in _CN_ID.finditer(text):
        if valid_chinese_id(match.group()):
            yield SecretFinding(ID_NUMBER, match.start(), match.end())


def valid_chinese_id(number: str) -> bool:
    """Whether an 18-character Chinese resident ID has a valid GB 11643 check character and birth date."""
    if not re.fullmatch(r"\d{17}[\dXx]", number):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _CN_ID_WEIGHTS, strict=True))
    if "10X98765432"[total % 11] != number[17].upper():
        return False
    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    return 1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31 and 11 <= int(number[:2]) <= 91


# --- cards --------------------------------------------------------------------------------------------------

_CARD = re.compile(r"(?<![0-9A-Za-z+])\d(?:[ -]?\d){12,18}(?![0-9A-Za-z])")
_NOT_CARD_BEFORE = re.compile(
    r"(?:order|uid|user|id|no\.?|number|#|tx|txid|hash|订单|訂單|注文|주문|заказ|orden|pedido|sipariş|commande|"
    r"auftrag|bestell|طلب|单号|單號|编号|編號|番号|번호|номер|número|numéro|nummer|numarası)\W{0,4}$", re.IGNORECASE)
_CARD_LABEL = re.compile(r"card|卡|カード|카드|карт|tarjeta|cart[ãa]o|carte|karte|kart|بطاقة", re.IGNORECASE)


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn check used by payment cards."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        value = int(ch) * (2 if i % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _cards(text: str) -> Iterator[SecretFinding]:
    for match in _CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if digits[0] not in "23456" or not luhn_valid(digits):
            continue
        if len(digits) == 18 and valid_chinese_id(digits):
            continue
        before = max(0, match.start() - 25)
        if _NOT_CARD_BEFORE.search(text, before, match.start()) and not _CARD_LABEL.search(text, before, match.start()):
            continue
        yield SecretFinding(CARD_NUMBER, match.start(), match.end())


# --- the scanner --------------------------------------------------------------------------------------------


class SecretScanner:
    """Finds and redacts secrets in chat messages. Cheap to build; `warm_up()` loads the BIP39 wordlists."""

    def __init__(self) -> None:
        self._wordlists: _Wordlists | None = None

    def warm_up(self) -> None:
        """Load the BIP39 wordlists of the `mnemonic` package (once; later calls do nothing)."""
        if self._wordlists is None:
            self._wordlists = _Wordlists()

    def scan(self, text: str) -> ScanResult:
        """Every secret in `text`, and the text with each one replaced by a `[REDACTED:kind]` marker."""
        self.warm_up()
        assert self._wordlists is not None
        found: list[SecretFinding] = [SecretFinding(SEED_PHRASE, s, e) for s, e in self._wordlists.find(text)]
        for detector in (_keystores, _extended_keys, _wif_keys, _hex_keys, _api_secrets, _setup_keys, _cards,
                         _id_numbers, _passwords, _otp_codes):
            found.extend(detector(text))
        findings = _merge(found)
        return ScanResult(redact(text, findings), findings)


def _api_secrets(text: str) -> Iterator[SecretFinding]:
    return _labelled_tokens(text, _API_LABEL, API_SECRET) if _API_GATE.search(text) else iter(())


def _setup_keys(text: str) -> Iterator[SecretFinding]:
    return _labelled_tokens(text, _SETUP_KEY_LABEL, OTP_CODE) if _SETUP_KEY_GATE.search(text) else iter(())


def _merge(found: list[SecretFinding]) -> list[SecretFinding]:
    """Overlapping findings become one span with the most severe kind."""
    merged: list[SecretFinding] = []
    for finding in sorted(found, key=lambda f: (f.start, -f.end)):
        if merged and finding.start < merged[-1].end:
            last = merged[-1]
            kind = min(last.kind, finding.kind, key=_PRIORITY.__getitem__)
            merged[-1] = SecretFinding(kind, last.start, max(last.end, finding.end))
        else:
            merged.append(finding)
    return merged


def redact(text: str, findings: list[SecretFinding]) -> str:
    """`text` with each finding (sorted, not overlapping) replaced by its marker."""
    parts: list[str] = []
    position = 0
    for finding in findings:
        parts.append(text[position:finding.start])
        parts.append(marker(finding.kind, text[finding.start:finding.end]))
        position = finding.end
    parts.append(text[position:])
    return "".join(parts)


def marker(kind: str, secret: str) -> str:
    """The text that replaces a secret: `[REDACTED:kind]`, with the last four digits for card numbers."""
    if kind == CARD_NUMBER:
        digits = re.sub(r"\D", "", secret)
        return f"[REDACTED:{kind} ****{digits[-4:]}]"
    return f"[REDACTED:{kind}]"


# --- contacts in logs -------------------------------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.+-])([A-Za-z0-9._%+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})\b")
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d(?:[\s.-]?\d){5,13}|"
    r"\(?\d{3}\)?[\s.-]\d{3,4}[\s.-]\d{4}|1[3-9]\d{9}|0\d{1,4}[\s-]\d{3,4}[\s-]?\d{3,4})(?![\w])")
# Calling codes of one and two digits; everything else in the ITU plan has three.
_CALLING_1 = {"1", "7"}
_CALLING_2 = {"20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48",
              "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66", "81",
              "82", "84", "86", "90", "91", "92", "93", "94", "95", "98"}


def mask_contacts(text: str) -> str:
    """`text` with e-mail addresses and phone numbers partly masked for logs (j***@example.com, +86 *******8000)."""
    text = _EMAIL.sub(lambda m: f"{m.group(1)[0]}***@{m.group(2)}", text)
    return _PHONE.sub(_mask_phone, text)


def _mask_phone(match: re.Match[str]) -> str:
    raw = match.group()
    digits = re.sub(r"\D", "", raw)
    prefix = ""
    if raw.startswith("+"):
        head = re.match(r"\+(\d{1,3})(?=[\s.(-])", raw)
        code = head.group(1) if head else (
            digits[:1] if digits[:1] in _CALLING_1 else digits[:2] if digits[:2] in _CALLING_2 else digits[:3])
        prefix, digits = f"+{code} ", digits[len(code):]
    keep = 4 if len(digits) >= 10 else 2
    return prefix + "*" * (len(digits) - keep) + digits[-keep:]


# --- what to tell the user --------------------------------------------------------------------------------

# The advice for each kind, in the order it is given; the four critical kinds share one piece of advice.
_ACTIONS = {SEED_PHRASE: "critical", PRIVATE_KEY: "critical", EXTENDED_KEY: "critical", KEYSTORE: "critical",
            PASSWORD: PASSWORD, OTP_CODE: OTP_CODE, API_SECRET: API_SECRET, CARD_NUMBER: CARD_NUMBER,
            ID_NUMBER: ID_NUMBER}
_ACTION_ORDER = ("critical", PASSWORD, OTP_CODE, API_SECRET, CARD_NUMBER, ID_NUMBER)


def warning_text(kinds: list[str], language: str, exchange_name: str) -> str:
    """The warning for a user whose message contained secrets of `kinds`, in `language` (English when not
    supported): what was exposed and removed, that support never asks for it, and what to do now. Empty when
    `kinds` has no known kind."""
    texts = load_locales()["secret_warning"]
    language = pick_language(language, texts["intro"])
    known = [kind for kind in KINDS if kind in kinds]
    if not known:
        return ""
    names = texts["separator"][language].join(texts["names"][kind][language] for kind in known)
    lines = [texts["intro"][language].format(secrets=names, exchange_name=exchange_name)]
    needed = {_ACTIONS[kind] for kind in known}
    lines += [texts["actions"][action][language].format(exchange_name=exchange_name)
              for action in _ACTION_ORDER if action in needed]
    return "\n".join(lines)

