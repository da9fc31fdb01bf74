"""Characters that tell Simplified from Traditional Chinese (common in support chats)."""

from __future__ import annotations

# Pairs (simplified, traditional) of frequent characters that differ between the two scripts.
_PAIRS = (
    "币幣 账帳 户戶 码碼 认認 证證 实實 转轉 网網 络絡 请請 问問 题題 钱錢 为為 么麼 "
    "这這 个個 们們 说說 时時 间間 没沒 还還 会會 来來 现現 发發 对對 处處 务務 费費 "
    "额額 订訂 单單 买買 卖賣 价價 资資 产產 银銀 号號 设設 验驗 绑綁 邮郵 机機 录錄 "
    "锁鎖 冻凍 结結 关關 闭閉 开開 级級 审審 过過 败敗 张張 图圖 护護 驾駕 驶駛 执執 "
    "约約 仓倉 强強 损損 续續 链鏈 区區 块塊 应應 该該 样樣 吗嗎 帮幫 谢謝 联聯 员員 "
    "经經 长長 东東 车車 马馬 门門 见見 让讓 给給 识識 读讀 写寫 错錯 误誤 变變 历歷 "
    "记記 总總 计計 补補 偿償 赔賠 诈詐 骗騙 钓釣 鱼魚 击擊 盗盜 丢丟 换換 显顯 状狀 "
    "态態 队隊 团團 几幾 点點 后後 边邊 头頭 业業 类類 达達 迟遲 纳納 语語 简簡 体體 "
    "国國 际際 儿兒 动動 场場 书書 两兩 无無 与與 进進 选選 将將 专專 页頁 登登 输輸 "
    "确確 认認 届屆 从從 么麼 虑慮 复復 杂雜 乱亂 临臨 紧緊 报報 层層 够夠 线線"
)
SIMPLIFIED_ONLY = frozenset(pair[0] for pair in _PAIRS.split() if pair[0] != pair[1])
TRADITIONAL_ONLY = frozenset(pair[1] for pair in _PAIRS.split() if pair[0] != pair[1])


def chinese_variant(text: str, default: str = "zh-CN") -> str:
    """zh-CN or zh-TW by counting script-specific characters; `default` when the text does not tell."""
    simplified = sum(ch in SIMPLIFIED_ONLY for ch in text)
    traditional = sum(ch in TRADITIONAL_ONLY for ch in text)
    if simplified == traditional:
        return default
    return "zh-CN" if simplified > traditional else "zh-TW"
