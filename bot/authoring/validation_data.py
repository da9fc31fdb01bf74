"""Synthetic validation data for the report's clustering and suggestion thresholds.

Each topic is a question the shipped knowledge base does NOT answer, written as paraphrases in several
languages (what users of a real exchange ask). `bot.authoring.calibrate` clusters them with the configured
encoder and picks the distance threshold that best recovers the topics; the same texts serve as negatives
("no entry covers this") when choosing the score above which a cluster is suggested as an alternate question.
The tests hold out further topics of their own, so the chosen threshold is checked on unseen questions.
"""

from __future__ import annotations

UNANSWERED_TOPICS: dict[str, list[tuple[str, str]]] = {
    "staking": [
        ("en", "How do I stake ETH to earn rewards?"),
        ("es", "¿Cómo puedo hacer staking de ETH para ganar recompensas?"),
        ("de", "Wie kann ich ETH staken, um Belohnungen zu bekommen?"),
        ("fr", "Comment staker mes ETH pour gagner des récompenses ?"),
        ("ru", "Как застейкать ETH и получать вознаграждение?"),
        ("zh-CN", "怎么质押ETH赚取收益？"),
        ("ja", "ETHをステーキングして報酬を得る方法は？"),
    ],
    "tax_report": [
        ("en", "Can I download a tax report of my trades?"),
        ("de", "Kann ich einen Steuerbericht meiner Trades herunterladen?"),
        ("fr", "Puis-je télécharger un rapport fiscal de mes transactions ?"),
        ("es", "¿Puedo descargar un informe fiscal de mis operaciones?"),
        ("ru", "Можно ли скачать налоговый отчёт по моим сделкам?"),
        ("ja", "取引の税務レポートをダウンロードできますか？"),
        ("ko", "거래 세금 보고서를 다운로드할 수 있나요?"),
    ],
    "nft_marketplace": [
        ("en", "Do you have an NFT marketplace where I can sell my NFTs?"),
        ("es", "¿Tienen un mercado de NFT donde pueda vender mis NFT?"),
        ("fr", "Avez-vous une place de marché NFT pour vendre mes NFT ?"),
        ("zh-CN", "你们有NFT市场可以卖我的NFT吗？"),
        ("tr", "NFT'lerimi satabileceğim bir NFT pazarınız var mı?"),
        ("pt", "Vocês têm um marketplace de NFT para vender meus NFTs?"),
    ],
    "referral_program": [
        ("en", "How does the referral program work and how much do I earn for inviting friends?"),
        ("es", "¿Cómo funciona el programa de referidos y cuánto gano por invitar amigos?"),
        ("de", "Wie funktioniert das Empfehlungsprogramm und wie viel verdiene ich, wenn ich Freunde einlade?"),
        ("ru", "Как работает реферальная программа и сколько я получу за приглашённых друзей?"),
        ("zh-CN", "邀请好友返佣计划怎么运作？能拿多少奖励？"),
        ("ar", "كيف يعمل برنامج الإحالة وكم أربح عند دعوة الأصدقاء؟"),
        ("ja", "友達紹介プログラムの仕組みと報酬はいくらですか？"),
    ],
    "debit_card": [
        ("en", "Do you offer a crypto debit card I can use in shops?"),
        ("fr", "Proposez-vous une carte de débit crypto utilisable en magasin ?"),
        ("de", "Bietet ihr eine Krypto-Debitkarte zum Bezahlen in Geschäften an?"),
        ("es", "¿Ofrecen una tarjeta de débito cripto para pagar en tiendas?"),
        ("pt", "Vocês oferecem um cartão de débito cripto para usar em lojas?"),
        ("ko", "매장에서 쓸 수 있는 암호화폐 직불카드가 있나요?"),
    ],
    "price_alert": [
        ("en", "How do I set a price alert for Bitcoin?"),
        ("es", "¿Cómo configuro una alerta de precio para Bitcoin?"),
        ("de", "Wie stelle ich einen Preisalarm für Bitcoin ein?"),
        ("ru", "Как настроить уведомление о цене биткоина?"),
        ("ja", "ビットコインの価格アラートを設定するには？"),
        ("zh-TW", "如何設定比特幣的價格提醒？"),
        ("tr", "Bitcoin için fiyat alarmı nasıl kurarım?"),
    ],
    "dust_conversion": [
        ("en", "How can I convert small leftover balances into BNB?"),
        ("es", "¿Cómo convierto los saldos pequeños que me quedan en BNB?"),
        ("fr", "Comment convertir mes petits soldes restants en BNB ?"),
        ("ru", "Как конвертировать мелкие остатки на балансе в BNB?"),
        ("zh-CN", "怎么把小额资产兑换成BNB？"),
        ("de", "Wie kann ich kleine Restguthaben in BNB umwandeln?"),
    ],
    "dark_mode": [
        ("en", "Is there a dark mode in the mobile app?"),
        ("es", "¿La aplicación móvil tiene modo oscuro?"),
        ("de", "Gibt es in der mobilen App einen Dunkelmodus?"),
        ("fr", "L'application mobile a-t-elle un mode sombre ?"),
        ("ja", "モバイルアプリにダークモードはありますか？"),
        ("pt", "O aplicativo tem modo escuro?"),
        ("ko", "모바일 앱에 다크 모드가 있나요?"),
    ],
    "copy_trading": [
        ("en", "How do I copy the trades of top traders automatically?"),
        ("es", "¿Cómo copio automáticamente las operaciones de los mejores traders?"),
        ("ru", "Как автоматически копировать сделки лучших трейдеров?"),
        ("zh-CN", "如何自动跟单顶级交易员？"),
        ("tr", "En iyi traderların işlemlerini otomatik olarak nasıl kopyalarım?"),
        ("de", "Wie kann ich die Trades von Top-Tradern automatisch kopieren?"),
    ],
    "listing_application": [
        ("en", "How can my project apply to get its token listed on your exchange?"),
        ("es", "¿Cómo puede mi proyecto solicitar el listado de su token en su exchange?"),
        ("fr", "Comment mon projet peut-il demander le listing de son jeton sur votre plateforme ?"),
        ("zh-CN", "项目方如何申请在你们交易所上币？"),
        ("ru", "Как нашему проекту подать заявку на листинг токена на вашей бирже?"),
        ("ko", "저희 프로젝트 토큰을 거래소에 상장하려면 어떻게 신청하나요?"),
    ],
    "savings_interest": [
        ("en", "What interest rate do I get on USDT savings?"),
        ("es", "¿Qué interés pagan por ahorrar USDT?"),
        ("de", "Welchen Zinssatz bekomme ich auf USDT-Ersparnisse?"),
        ("pt", "Qual é a taxa de juros da poupança em USDT?"),
        ("ja", "USDTの貯蓄の金利はいくらですか？"),
        ("ar", "ما هو معدل الفائدة على مدخرات USDT؟"),
    ],
    "airdrop": [
        ("en", "Am I eligible for the airdrop of the new token?"),
        ("es", "¿Soy elegible para el airdrop del nuevo token?"),
        ("fr", "Suis-je éligible à l'airdrop du nouveau jeton ?"),
        ("ru", "Имею ли я право на аирдроп нового токена?"),
        ("zh-CN", "我有资格参加新币空投吗？"),
        ("tr", "Yeni tokenin airdrop'u için uygun muyum?"),
    ],
    "site_language": [
        ("en", "How do I change the language of the website?"),
        ("es", "¿Cómo cambio el idioma del sitio web?"),
        ("de", "Wie ändere ich die Sprache der Webseite?"),
        ("fr", "Comment changer la langue du site ?"),
        ("ja", "ウェブサイトの表示言語を変更するには？"),
        ("ru", "Как поменять язык сайта?"),
        ("pt", "Como mudo o idioma do site?"),
    ],
    "trading_competition": [
        ("en", "When does the next trading competition start and what are the prizes?"),
        ("es", "¿Cuándo empieza la próxima competición de trading y cuáles son los premios?"),
        ("de", "Wann beginnt der nächste Trading-Wettbewerb und was gibt es zu gewinnen?"),
        ("zh-CN", "下一次交易大赛什么时候开始？奖品有哪些？"),
        ("ko", "다음 트레이딩 대회는 언제 시작하고 상품은 뭔가요?"),
        ("fr", "Quand commence la prochaine compétition de trading et quels sont les prix ?"),
    ],
    "crypto_loan": [
        ("en", "Can I borrow USDT using my BTC as collateral?"),
        ("es", "¿Puedo pedir prestado USDT usando mi BTC como garantía?"),
        ("de", "Kann ich USDT leihen und meine BTC als Sicherheit hinterlegen?"),
        ("ru", "Можно ли взять в долг USDT под залог BTC?"),
        ("ja", "BTCを担保にしてUSDTを借りられますか？"),
        ("pt", "Posso pegar USDT emprestado usando meu BTC como garantia?"),
    ],
    "gift_card": [
        ("en", "Can I buy gift cards with crypto?"),
        ("es", "¿Puedo comprar tarjetas regalo con cripto?"),
        ("de", "Kann ich mit Krypto Geschenkkarten kaufen?"),
        ("fr", "Puis-je acheter des cartes cadeaux avec des cryptos ?"),
        ("zh-CN", "可以用加密货币购买礼品卡吗？"),
        ("ar", "هل يمكنني شراء بطاقات هدايا بالعملات المشفرة؟"),
    ],
}


def labelled_texts(topics: dict[str, list[tuple[str, str]]] | None = None) -> tuple[list[str], list[str]]:
    """The texts of every topic and, aligned with them, their topic names."""
    texts, labels = [], []
    for topic, items in (topics or UNANSWERED_TOPICS).items():
        for _, text in items:
            texts.append(text)
            labels.append(topic)
    return texts, labels
