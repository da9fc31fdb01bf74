/*
 * Kestrel support chat widget: plain JavaScript, no dependencies, no build step.
 *
 * Embed on any site (a floating launcher button that opens a chat panel) with one script tag:
 *
 *   <script src="https://HOST/static/widget.js" data-api="https://HOST" data-lang="fr" defer></script>
 *
 *   data-api   base URL of the chat API; default: the origin this script was loaded from.
 *   data-lang  initial interface language: en, zh-CN, zh-TW, ja, ko, ru, es, pt, tr, fr, de or ar;
 *              default: the browser's language when supported, else English. After each bot reply the
 *              interface follows the language of that reply.
 *
 * Full-page mode (what index.html uses): give the page a container and the chat fills it:
 *
 *   <div id="kestrel-chat" data-mode="page"></div>
 *   <script src="/static/widget.js" defer></script>
 *
 * data-mode="page" on the script tag itself also selects full-page mode; the chat is then appended to <body>.
 * widget.css is loaded from next to this script unless the page already has <link id="kestrel-chat-css">.
 *
 * Safe under a strict Content-Security-Policy (script-src/style-src 'self'): no inline code, no eval, no
 * HTML strings. Message text is only ever inserted as text nodes; bare http(s) URLs become <a> elements.
 * The session (id and token) lives in sessionStorage, so a reload keeps the conversation.
 */
(function () {
  "use strict";

  if (window.__kestrelChatLoaded) {
    return;
  }
  window.__kestrelChatLoaded = true;

  var STRINGS = {
    en: {
      title: "Kestrel Support", open: "Open support chat", close: "Close chat", log: "Conversation",
      inputLabel: "Your message", placeholder: "Type your question…", send: "Send",
      didYouMean: "Did you mean:", helpful: "Was this helpful?", yes: "Yes", no: "No",
      thanks: "Thanks for the feedback", human: "Talk to a person", connecting: "Connecting you to a person…",
      joined: "An agent has joined", agent: "Support agent", you: "You", bot: "Assistant",
      rateLimited: "Too many messages, wait {n} s",
      offline: "Can't reach support right now. Check your connection and try again.",
      failed: "Something went wrong. Please try again."
    },
    "zh-CN": {
      title: "Kestrel 客服", open: "打开客服聊天", close: "关闭聊天", log: "对话记录",
      inputLabel: "您的消息", placeholder: "请输入您的问题…", send: "发送",
      didYouMean: "您是不是想问：", helpful: "这个回答有帮助吗？", yes: "是", no: "否",
      thanks: "感谢您的反馈", human: "转人工客服", connecting: "正在为您转接人工客服…",
      joined: "人工客服已加入对话", agent: "人工客服", you: "您", bot: "智能助手",
      rateLimited: "消息发送过于频繁，请等待 {n} 秒",
      offline: "暂时无法连接客服，请检查网络后重试。",
      failed: "出了点问题，请重试。"
    },
    "zh-TW": {
      title: "Kestrel 客服", open: "開啟客服聊天", close: "關閉聊天", log: "對話紀錄",
      inputLabel: "您的訊息", placeholder: "請輸入您的問題…", send: "傳送",
      didYouMean: "您是不是想問：", helpful: "這個回答有幫助嗎？", yes: "是", no: "否",
      thanks: "感謝您的回饋", human: "轉接真人客服", connecting: "正在為您轉接真人客服…",
      joined: "真人客服已加入對話", agent: "真人客服", you: "您", bot: "智慧助理",
      rateLimited: "訊息傳送過於頻繁，請等待 {n} 秒",
      offline: "暫時無法連線客服，請檢查網路後再試。",
      failed: "發生錯誤，請再試一次。"
    },
    ja: {
      title: "Kestrel サポート", open: "サポートチャットを開く", close: "チャットを閉じる", log: "会話",
      inputLabel: "メッセージ", placeholder: "ご質問を入力してください…", send: "送信",
      didYouMean: "もしかして：", helpful: "この回答は役に立ちましたか？", yes: "はい", no: "いいえ",
      thanks: "フィードバックありがとうございます", human: "担当者と話す", connecting: "担当者におつなぎしています…",
      joined: "担当者が参加しました", agent: "サポート担当者", you: "あなた", bot: "アシスタント",
      rateLimited: "メッセージが多すぎます。{n} 秒お待ちください",
      offline: "サポートに接続できません。通信環境を確認して、もう一度お試しください。",
      failed: "問題が発生しました。もう一度お試しください。"
    },
    ko: {
      title: "Kestrel 고객지원", open: "상담 채팅 열기", close: "채팅 닫기", log: "대화 내용",
      inputLabel: "메시지", placeholder: "질문을 입력하세요…", send: "보내기",
      didYouMean: "이것을 찾으셨나요:", helpful: "도움이 되었나요?", yes: "예", no: "아니요",
      thanks: "의견을 보내 주셔서 감사합니다", human: "상담원 연결", connecting: "상담원에게 연결하는 중입니다…",
      joined: "상담원이 대화에 참여했습니다", agent: "상담원", you: "나", bot: "어시스턴트",
      rateLimited: "메시지가 너무 많습니다. {n}초 후에 다시 시도하세요",
      offline: "지금은 고객지원에 연결할 수 없습니다. 인터넷 연결을 확인한 후 다시 시도해 주세요.",
      failed: "문제가 발생했습니다. 다시 시도해 주세요."
    },
    ru: {
      title: "Поддержка Kestrel", open: "Открыть чат поддержки", close: "Закрыть чат", log: "Переписка",
      inputLabel: "Ваше сообщение", placeholder: "Введите ваш вопрос…", send: "Отправить",
      didYouMean: "Возможно, вы имели в виду:", helpful: "Это было полезно?", yes: "Да", no: "Нет",
      thanks: "Спасибо за отзыв", human: "Связаться с оператором", connecting: "Соединяем вас с оператором…",
      joined: "Оператор подключился к чату", agent: "Оператор поддержки", you: "Вы", bot: "Ассистент",
      rateLimited: "Слишком много сообщений, подождите {n} с",
      offline: "Не удаётся связаться с поддержкой. Проверьте подключение и попробуйте ещё раз.",
      failed: "Что-то пошло не так. Попробуйте ещё раз."
    },
    es: {
      title: "Soporte de Kestrel", open: "Abrir el chat de soporte", close: "Cerrar el chat", log: "Conversación",
      inputLabel: "Tu mensaje", placeholder: "Escribe tu pregunta…", send: "Enviar",
      didYouMean: "Quizás quisiste decir:", helpful: "¿Te ha resultado útil?", yes: "Sí", no: "No",
      thanks: "Gracias por tu opinión", human: "Hablar con una persona",
      connecting: "Te estamos conectando con una persona…",
      joined: "Un agente se ha unido", agent: "Agente de soporte", you: "Tú", bot: "Asistente",
      rateLimited: "Demasiados mensajes, espera {n} s",
      offline: "No podemos conectar con soporte ahora. Revisa tu conexión e inténtalo de nuevo.",
      failed: "Algo salió mal. Inténtalo de nuevo."
    },
    pt: {
      title: "Suporte Kestrel", open: "Abrir o chat de suporte", close: "Fechar o chat", log: "Conversa",
      inputLabel: "Sua mensagem", placeholder: "Digite sua pergunta…", send: "Enviar",
      didYouMean: "Você quis dizer:", helpful: "Isso ajudou?", yes: "Sim", no: "Não",
      thanks: "Obrigado pelo feedback", human: "Falar com uma pessoa", connecting: "Conectando você a um atendente…",
      joined: "Um atendente entrou na conversa", agent: "Atendente", you: "Você", bot: "Assistente",
      rateLimited: "Muitas mensagens, aguarde {n} s",
      offline: "Não foi possível conectar ao suporte agora. Verifique sua conexão e tente novamente.",
      failed: "Algo deu errado. Tente novamente."
    },
    tr: {
      title: "Kestrel Destek", open: "Destek sohbetini aç", close: "Sohbeti kapat", log: "Konuşma",
      inputLabel: "Mesajınız", placeholder: "Sorunuzu yazın…", send: "Gönder",
      didYouMean: "Bunu mu demek istediniz:", helpful: "Bu yanıt yardımcı oldu mu?", yes: "Evet", no: "Hayır",
      thanks: "Geri bildiriminiz için teşekkürler", human: "Bir temsilciyle görüş",
      connecting: "Sizi bir temsilciye bağlıyoruz…",
      joined: "Bir temsilci sohbete katıldı", agent: "Destek temsilcisi", you: "Siz", bot: "Asistan",
      rateLimited: "Çok fazla mesaj gönderdiniz, {n} sn bekleyin",
      offline: "Şu anda desteğe ulaşılamıyor. Bağlantınızı kontrol edip tekrar deneyin.",
      failed: "Bir şeyler ters gitti. Lütfen tekrar deneyin."
    },
    fr: {
      title: "Assistance Kestrel", open: "Ouvrir le chat d’assistance", close: "Fermer le chat",
      log: "Conversation", inputLabel: "Votre message", placeholder: "Posez votre question…", send: "Envoyer",
      didYouMean: "Vouliez-vous dire\u00a0:", helpful: "Cette réponse vous a-t-elle aidé\u00a0?", yes: "Oui",
      no: "Non", thanks: "Merci pour votre avis", human: "Parler à un conseiller",
      connecting: "Mise en relation avec un conseiller…",
      joined: "Un conseiller a rejoint la conversation", agent: "Conseiller", you: "Vous", bot: "Assistant",
      rateLimited: "Trop de messages, patientez {n}\u00a0s",
      offline: "Impossible de joindre l’assistance pour le moment. Vérifiez votre connexion et réessayez.",
      failed: "Une erreur s’est produite. Veuillez réessayer."
    },
    de: {
      title: "Kestrel-Support", open: "Support-Chat öffnen", close: "Chat schließen", log: "Unterhaltung",
      inputLabel: "Ihre Nachricht", placeholder: "Geben Sie Ihre Frage ein…", send: "Senden",
      didYouMean: "Meinten Sie:", helpful: "War das hilfreich?", yes: "Ja", no: "Nein",
      thanks: "Danke für Ihr Feedback", human: "Mit einem Mitarbeiter sprechen",
      connecting: "Sie werden mit einem Mitarbeiter verbunden…",
      joined: "Ein Mitarbeiter ist dem Chat beigetreten", agent: "Support-Mitarbeiter", you: "Sie",
      bot: "Assistent", rateLimited: "Zu viele Nachrichten, bitte {n} s warten",
      offline: "Der Support ist gerade nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.",
      failed: "Etwas ist schiefgelaufen. Bitte versuchen Sie es erneut."
    },
    ar: {
      title: "دعم Kestrel", open: "فتح محادثة الدعم", close: "إغلاق المحادثة", log: "المحادثة",
      inputLabel: "رسالتك", placeholder: "اكتب سؤالك…", send: "إرسال",
      didYouMean: "هل تقصد:", helpful: "هل كان هذا مفيدًا؟", yes: "نعم", no: "لا",
      thanks: "شكرًا على ملاحظاتك", human: "التحدث إلى موظف", connecting: "جارٍ توصيلك بموظف دعم…",
      joined: "انضم موظف الدعم إلى المحادثة", agent: "موظف الدعم", you: "أنت", bot: "المساعد",
      rateLimited: "رسائل كثيرة جدًا، انتظر {n} ث",
      offline: "تعذّر الاتصال بالدعم حاليًا. تحقّق من اتصالك وحاول مرة أخرى.",
      failed: "حدث خطأ ما. يُرجى المحاولة مرة أخرى."
    }
  };
  // Texts of the "e-mail me updates" box offered after a ticket notice; merged into the tables above.
  var TICKET_EMAIL_STRINGS = {
    en: {
      emailPrompt: "Get updates on this ticket by e-mail (optional)", emailLabel: "Your e-mail address",
      emailPlaceholder: "name@example.com", emailSave: "E-mail me updates", emailDismiss: "No thanks",
      emailSaved: "Thanks! We'll e-mail you when your ticket is answered or closed.",
      emailInvalid: "Please check the e-mail address."
    },
    "zh-CN": {
      emailPrompt: "通过邮件接收此工单的进展（可选）", emailLabel: "您的邮箱地址",
      emailPlaceholder: "name@example.com", emailSave: "用邮件通知我", emailDismiss: "不用了",
      emailSaved: "好的！工单有回复或关闭时，我们会发邮件通知您。",
      emailInvalid: "请检查邮箱地址是否正确。"
    },
    "zh-TW": {
      emailPrompt: "透過電子郵件接收此工單的進度（選填）", emailLabel: "您的電子郵件地址",
      emailPlaceholder: "name@example.com", emailSave: "用電子郵件通知我", emailDismiss: "不用了",
      emailSaved: "好的！工單有回覆或關閉時，我們會寄信通知您。",
      emailInvalid: "請檢查電子郵件地址是否正確。"
    },
    ja: {
      emailPrompt: "このチケットの更新をメールで受け取る（任意）", emailLabel: "メールアドレス",
      emailPlaceholder: "name@example.com", emailSave: "メールで通知を受け取る", emailDismiss: "今はしない",
      emailSaved: "ありがとうございます。チケットに回答があったとき、またはクローズされたときにメールでお知らせします。",
      emailInvalid: "メールアドレスをご確認ください。"
    },
    ko: {
      emailPrompt: "이 티켓의 진행 상황을 이메일로 받기 (선택)", emailLabel: "이메일 주소",
      emailPlaceholder: "name@example.com", emailSave: "이메일로 알림 받기", emailDismiss: "괜찮습니다",
      emailSaved: "감사합니다! 티켓에 답변이 등록되거나 종료되면 이메일로 알려 드리겠습니다.",
      emailInvalid: "이메일 주소를 확인해 주세요."
    },
    ru: {
      emailPrompt: "Получать новости по этому обращению на почту (необязательно)", emailLabel: "Ваш адрес эл. почты",
      emailPlaceholder: "name@example.com", emailSave: "Присылать на почту", emailDismiss: "Не нужно",
      emailSaved: "Спасибо! Мы напишем вам, когда на обращение ответят или его закроют.",
      emailInvalid: "Проверьте адрес электронной почты."
    },
    es: {
      emailPrompt: "Recibe por correo las novedades de este ticket (opcional)", emailLabel: "Tu correo electrónico",
      emailPlaceholder: "nombre@example.com", emailSave: "Avisarme por correo", emailDismiss: "No, gracias",
      emailSaved: "¡Gracias! Te escribiremos cuando tu ticket reciba respuesta o se cierre.",
      emailInvalid: "Revisa la dirección de correo."
    },
    pt: {
      emailPrompt: "Receba as novidades deste ticket por e-mail (opcional)", emailLabel: "Seu e-mail",
      emailPlaceholder: "nome@example.com", emailSave: "Avisar-me por e-mail", emailDismiss: "Não, obrigado",
      emailSaved: "Obrigado! Enviaremos um e-mail quando seu ticket for respondido ou encerrado.",
      emailInvalid: "Verifique o endereço de e-mail."
    },
    tr: {
      emailPrompt: "Bu talebin güncellemelerini e-postayla alın (isteğe bağlı)", emailLabel: "E-posta adresiniz",
      emailPlaceholder: "ad@example.com", emailSave: "Bana e-posta gönder", emailDismiss: "Hayır, teşekkürler",
      emailSaved: "Teşekkürler! Talebiniz yanıtlandığında veya kapatıldığında size e-posta göndereceğiz.",
      emailInvalid: "Lütfen e-posta adresini kontrol edin."
    },
    fr: {
      emailPrompt: "Recevoir les nouvelles de ce ticket par e-mail (facultatif)", emailLabel: "Votre adresse e-mail",
      emailPlaceholder: "nom@example.com", emailSave: "Me prévenir par e-mail", emailDismiss: "Non merci",
      emailSaved: "Merci\u00a0! Nous vous écrirons lorsque votre ticket recevra une réponse ou sera clôturé.",
      emailInvalid: "Vérifiez l’adresse e-mail."
    },
    de: {
      emailPrompt: "Updates zu diesem Ticket per E-Mail erhalten (optional)", emailLabel: "Ihre E-Mail-Adresse",
      emailPlaceholder: "name@example.com", emailSave: "Per E-Mail benachrichtigen", emailDismiss: "Nein, danke",
      emailSaved: "Danke! Wir schreiben Ihnen, sobald Ihr Ticket beantwortet oder geschlossen wird.",
      emailInvalid: "Bitte prüfen Sie die E-Mail-Adresse."
    },
    ar: {
      emailPrompt: "استلم تحديثات هذه التذكرة بالبريد الإلكتروني (اختياري)", emailLabel: "بريدك الإلكتروني",
      emailPlaceholder: "name@example.com", emailSave: "أرسل لي التحديثات بالبريد", emailDismiss: "لا، شكرًا",
      emailSaved: "شكرًا! سنراسلك عند الرد على تذكرتك أو إغلاقها.",
      emailInvalid: "يُرجى التحقق من عنوان البريد الإلكتروني."
    }
  };
  Object.keys(TICKET_EMAIL_STRINGS).forEach(function (code) {
    var texts = TICKET_EMAIL_STRINGS[code];
    Object.keys(texts).forEach(function (key) { STRINGS[code][key] = texts[key]; });
  });
  // Texts of the paperclip button (attach a screenshot or log); merged into the tables above.
  var ATTACHMENT_STRINGS = {
    en: { attach: "Attach a screenshot or log", uploading: "Uploading {name}…" },
    "zh-CN": { attach: "添加截图或日志", uploading: "正在上传 {name}…" },
    "zh-TW": { attach: "附加截圖或日誌", uploading: "正在上傳 {name}…" },
    ja: { attach: "スクリーンショットやログを添付", uploading: "{name} をアップロードしています…" },
    ko: { attach: "스크린샷 또는 로그 첨부", uploading: "{name} 업로드 중…" },
    ru: { attach: "Прикрепить скриншот или лог", uploading: "Загружаем {name}…" },
    es: { attach: "Adjuntar una captura o un registro", uploading: "Subiendo {name}…" },
    pt: { attach: "Anexar uma captura de tela ou um log", uploading: "Enviando {name}…" },
    tr: { attach: "Ekran görüntüsü veya günlük ekle", uploading: "{name} yükleniyor…" },
    fr: { attach: "Joindre une capture d’écran ou un journal", uploading: "Envoi de {name}…" },
    de: { attach: "Screenshot oder Log anhängen", uploading: "{name} wird hochgeladen…" },
    ar: { attach: "إرفاق لقطة شاشة أو سجل", uploading: "جارٍ رفع {name}…" }
  };
  Object.keys(ATTACHMENT_STRINGS).forEach(function (code) {
    var texts = ATTACHMENT_STRINGS[code];
    Object.keys(texts).forEach(function (key) { STRINGS[code][key] = texts[key]; });
  });
  // Quick-reply chips under a guided intake question; merged into the tables above. A chip shows its label
  // (intakeSkip...) and sends its word (intakeSkipWord...) as a normal message. The words are ones the intake
  // engine lists for that language in bot/intake/words.yaml (skip, cancel, affirm, deny) and, where they exist,
  // the ones its own replies tell the user to type; a word not listed there would not be understood.
  var INTAKE_STRINGS = {
    en: {
      quickReplies: "Quick replies", intakeSkip: "Skip", intakeCancel: "Cancel", intakeYes: "Yes, send it",
      intakeNo: "No, change something",
      intakeSkipWord: "skip", intakeCancelWord: "cancel", intakeYesWord: "yes", intakeNoWord: "no"
    },
    "zh-CN": {
      quickReplies: "快捷回复", intakeSkip: "跳过", intakeCancel: "取消", intakeYes: "正确，提交",
      intakeNo: "不对，我要修改",
      intakeSkipWord: "跳过", intakeCancelWord: "取消", intakeYesWord: "确认", intakeNoWord: "不是"
    },
    "zh-TW": {
      quickReplies: "快速回覆", intakeSkip: "跳過", intakeCancel: "取消", intakeYes: "正確，送出",
      intakeNo: "不對，我要修改",
      intakeSkipWord: "跳過", intakeCancelWord: "取消", intakeYesWord: "確認", intakeNoWord: "不是"
    },
    ja: {
      quickReplies: "クイック返信", intakeSkip: "スキップ", intakeCancel: "キャンセル", intakeYes: "はい、送信する",
      intakeNo: "いいえ、修正する",
      intakeSkipWord: "スキップ", intakeCancelWord: "キャンセル", intakeYesWord: "はい", intakeNoWord: "いいえ"
    },
    ko: {
      quickReplies: "빠른 답장", intakeSkip: "건너뛰기", intakeCancel: "취소", intakeYes: "네, 보내 주세요",
      intakeNo: "아니요, 수정할게요",
      intakeSkipWord: "건너뛰기", intakeCancelWord: "취소", intakeYesWord: "네", intakeNoWord: "아니요"
    },
    ru: {
      quickReplies: "Быстрые ответы", intakeSkip: "Пропустить", intakeCancel: "Отмена", intakeYes: "Да, отправить",
      intakeNo: "Нет, исправить",
      intakeSkipWord: "пропустить", intakeCancelWord: "отмена", intakeYesWord: "да", intakeNoWord: "нет"
    },
    es: {
      quickReplies: "Respuestas rápidas", intakeSkip: "Omitir", intakeCancel: "Cancelar", intakeYes: "Sí, enviar",
      intakeNo: "No, cambiar algo",
      intakeSkipWord: "omitir", intakeCancelWord: "cancelar", intakeYesWord: "sí", intakeNoWord: "no"
    },
    pt: {
      quickReplies: "Respostas rápidas", intakeSkip: "Pular", intakeCancel: "Cancelar", intakeYes: "Sim, enviar",
      intakeNo: "Não, mudar algo",
      intakeSkipWord: "pular", intakeCancelWord: "cancelar", intakeYesWord: "sim", intakeNoWord: "não"
    },
    tr: {
      quickReplies: "Hızlı yanıtlar", intakeSkip: "Atla", intakeCancel: "İptal", intakeYes: "Evet, gönder",
      intakeNo: "Hayır, bir şeyi değiştir",
      intakeSkipWord: "atla", intakeCancelWord: "iptal", intakeYesWord: "evet", intakeNoWord: "hayır"
    },
    fr: {
      quickReplies: "Réponses rapides", intakeSkip: "Passer", intakeCancel: "Annuler", intakeYes: "Oui, envoyer",
      intakeNo: "Non, modifier",
      intakeSkipWord: "passer", intakeCancelWord: "annuler", intakeYesWord: "oui", intakeNoWord: "non"
    },
    de: {
      quickReplies: "Schnellantworten", intakeSkip: "Überspringen", intakeCancel: "Abbrechen",
      intakeYes: "Ja, absenden", intakeNo: "Nein, etwas ändern",
      intakeSkipWord: "überspringen", intakeCancelWord: "abbrechen", intakeYesWord: "ja", intakeNoWord: "nein"
    },
    ar: {
      quickReplies: "ردود سريعة", intakeSkip: "تخطي", intakeCancel: "إلغاء", intakeYes: "نعم، أرسلها",
      intakeNo: "لا، أريد تعديل شيء",
      intakeSkipWord: "تخطي", intakeCancelWord: "إلغاء", intakeYesWord: "نعم", intakeNoWord: "لا"
    }
  };
  Object.keys(INTAKE_STRINGS).forEach(function (code) {
    var texts = INTAKE_STRINGS[code];
    Object.keys(texts).forEach(function (key) { STRINGS[code][key] = texts[key]; });
  });
  var RTL = { ar: true };
  var POLL_MS = 3000;
  var BACKOFF_MIN_MS = 1000;
  var BACKOFF_MAX_MS = 30000;
  // Bare http(s) URLs; CJK punctuation and full-width characters end a URL.
  var URL_RE = /https?:\/\/[^\s<>"'\u3000-\u303f\uff00-\uffef]+/gi;
  var TRAILING_PUNCTUATION = /[.,;:!?)\]}'"]+$/;

  // ---------------------------------------------------------------- configuration

  var script = document.currentScript || document.querySelector("script[src*='widget.js']");
  var scriptUrl = new URL(script.getAttribute("src"), document.baseURI);
  var apiBase = (script.getAttribute("data-api") || scriptUrl.origin).replace(/\/+$/, "");
  var wsBase = apiBase.replace(/^http/i, "ws");
  var container = document.getElementById("kestrel-chat");
  var pageMode = script.getAttribute("data-mode") === "page" ||
    Boolean(container && container.getAttribute("data-mode") === "page");
  var storagePrefix = "kestrel-chat:" + apiBase + ":";

  function stored(key) {
    try {
      return window.sessionStorage.getItem(storagePrefix + key);
    } catch (e) {
      return null; // storage disabled (privacy mode): the chat still works, without surviving a reload
    }
  }

  function store(key, value) {
    try {
      if (value === null) {
        window.sessionStorage.removeItem(storagePrefix + key);
      } else {
        window.sessionStorage.setItem(storagePrefix + key, value);
      }
    } catch (e) {
      // storage disabled or full: nothing to keep
    }
  }

  function matchLanguage(code) {
    if (!code) {
      return null;
    }
    var lower = String(code).trim().toLowerCase();
    if (lower.indexOf("zh") === 0) {
      return /(tw|hk|mo|hant)/.test(lower) ? "zh-TW" : "zh-CN";
    }
    var base = lower.split(/[-_]/)[0];
    return Object.prototype.hasOwnProperty.call(STRINGS, base) ? base : null;
  }

  function initialLanguage() {
    var candidates = [stored("lang"), script.getAttribute("data-lang")]
      .concat(navigator.languages || [], [navigator.language]);
    for (var i = 0; i < candidates.length; i++) {
      var code = matchLanguage(candidates[i]);
      if (code) {
        return code;
      }
    }
    return "en";
  }

  // ---------------------------------------------------------------- state

  var language = initialLanguage();
  var session = null;            // {id, token}
  var rendered = new Map();      // message id -> element, so a message shown once is never shown twice
  var pendingUser = [];          // user bubbles sent by this tab whose server id is not known yet (oldest first)
  var busy = false;              // a chat request is in flight
  var turnsSent = 0;             // chat requests made by this tab
  var humanMode = false;         // a person (queue or agent) owns the conversation
  var agentPresent = false;      // an agent message arrived since the handoff
  var socket = null;
  var backoff = BACKOFF_MIN_MS;
  var reconnectTimer = null;
  var pollTimer = null;
  var syncing = null;            // the transcript request in flight, if any
  var rated = new Set((stored("rated") || "").split(",").filter(Boolean));

  if (stored("session_id") && stored("session_token")) {
    session = { id: stored("session_id"), token: stored("session_token") };
  }

  // ---------------------------------------------------------------- DOM helpers

  function t(key) {
    return (STRINGS[language] && STRINGS[language][key]) || STRINGS.en[key];
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  // An element whose text is the UI string `key`, re-translated when the language changes.
  function label(tag, className, key) {
    var node = el(tag, className, t(key));
    node.setAttribute("data-kw-text", key);
    return node;
  }

  function svgIcon(pathData) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", pathData);
    svg.appendChild(path);
    return svg;
  }

  function safeHref(candidate) {
    try {
      var url = new URL(candidate);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  // Text as text nodes, bare http(s) URLs as links; newlines are kept by `white-space: pre-wrap`.
  function appendRichText(parent, text) {
    var last = 0;
    var match;
    URL_RE.lastIndex = 0;
    while ((match = URL_RE.exec(text)) !== null) {
      var url = match[0].replace(TRAILING_PUNCTUATION, "");
      var href = safeHref(url);
      if (!href) {
        continue;
      }
      if (match.index > last) {
        parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      }
      var link = el("a", "kw-link", url);
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener noreferrer nofollow";
      parent.appendChild(link);
      last = match.index + url.length;
      URL_RE.lastIndex = last;
    }
    if (last < text.length) {
      parent.appendChild(document.createTextNode(text.slice(last)));
    }
  }

  // ---------------------------------------------------------------- layout

  var root = el("div", "kw-root " + (pageMode ? "kw-page" : "kw-floating"));
  root.setAttribute("data-kestrel-chat", "");

  var panel = el("section", "kw-panel");
  panel.id = "kw-panel";
  var header = el("header", "kw-header");
  var heading = label("h2", "kw-heading", "title");
  heading.id = "kw-heading";
  panel.setAttribute("aria-labelledby", heading.id);
  var humanButton = label("button", "kw-human", "human");
  humanButton.type = "button";
  humanButton.hidden = true;
  header.appendChild(heading);
  header.appendChild(humanButton);

  var launcher = null;
  var closeButton = null;
  if (!pageMode) {
    closeButton = el("button", "kw-close");
    closeButton.type = "button";
    closeButton.setAttribute("data-kw-label", "close");
    closeButton.appendChild(svgIcon("M6 6l12 12M18 6L6 18"));
    header.appendChild(closeButton);
    launcher = el("button", "kw-launcher");
    launcher.type = "button";
    launcher.setAttribute("data-kw-label", "open");
    launcher.setAttribute("aria-controls", panel.id);
    launcher.setAttribute("aria-expanded", "false");
    launcher.appendChild(svgIcon("M4 5h16v11H8l-4 4z"));
    panel.hidden = true;
  }

  var log = el("div", "kw-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-relevant", "additions");
  log.setAttribute("data-kw-label", "log");
  log.tabIndex = 0;

  var typing = el("div", "kw-typing");
  typing.setAttribute("aria-hidden", "true");
  typing.hidden = true;
  for (var dot = 0; dot < 3; dot++) {
    typing.appendChild(el("span", "kw-dot"));
  }

  var statusLine = el("p", "kw-status");
  statusLine.setAttribute("role", "status");
  statusLine.hidden = true;
  var errorLine = el("p", "kw-error");
  errorLine.setAttribute("role", "alert");
  errorLine.hidden = true;

  var form = el("form", "kw-form");
  form.noValidate = true;
  var inputId = "kw-input";
  var inputLabel = label("label", "kw-sr-only", "inputLabel");
  inputLabel.htmlFor = inputId;
  var input = el("textarea", "kw-input");
  input.id = inputId;
  input.rows = 1;
  input.setAttribute("data-kw-placeholder", "placeholder");
  input.setAttribute("autocomplete", "off");
  input.setAttribute("enterkeyhint", "send");
  var sendButton = label("button", "kw-send", "send");
  sendButton.type = "submit";
  form.appendChild(inputLabel);
  form.appendChild(input);
  form.appendChild(sendButton);

  panel.appendChild(header);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(statusLine);
  panel.appendChild(errorLine);
  panel.appendChild(form);
  if (launcher) {
    root.appendChild(launcher);
  }
  root.appendChild(panel);

  // ---------------------------------------------------------------- language

  function applyLanguage() {
    root.setAttribute("lang", language);
    root.setAttribute("dir", RTL[language] ? "rtl" : "ltr");
    root.querySelectorAll("[data-kw-text]").forEach(function (node) {
      node.textContent = t(node.getAttribute("data-kw-text"));
    });
    root.querySelectorAll("[data-kw-label]").forEach(function (node) {
      node.setAttribute("aria-label", t(node.getAttribute("data-kw-label")));
    });
    root.querySelectorAll("[data-kw-placeholder]").forEach(function (node) {
      node.setAttribute("placeholder", t(node.getAttribute("data-kw-placeholder")));
    });
    var statusKey = statusLine.getAttribute("data-kw-text");
    if (statusKey) {
      statusLine.textContent = t(statusKey);
    }
  }

  function setLanguage(code) {
    var matched = matchLanguage(code);
    if (matched && matched !== language) {
      language = matched;
      store("lang", language);
      applyLanguage();
    }
  }

  // ---------------------------------------------------------------- notices

  function showError(text) {
    errorLine.textContent = text;
    errorLine.hidden = false;
  }

  function clearError() {
    errorLine.textContent = "";
    errorLine.hidden = true;
  }

  function showStatus(key) {
    if (key) {
      statusLine.setAttribute("data-kw-text", key);
      statusLine.textContent = t(key);
      statusLine.className = "kw-status kw-status-" + key;
    } else {
      statusLine.removeAttribute("data-kw-text");
      statusLine.textContent = "";
    }
    statusLine.hidden = !key;
  }

  function setHumanMode(on) {
    humanMode = on;
    if (!on) {
      agentPresent = false;
      showStatus(null);
    } else if (!agentPresent) {
      showStatus("connecting");
    }
    updateControls();
  }

  function updateControls() {
    sendButton.disabled = busy;
    humanButton.hidden = !session || humanMode;
    typing.hidden = !busy || humanMode;
    updateAttachControls();
  }

  function errorText(result) {
    if (result.status === 429) {
      var seconds = parseInt(result.retryAfter, 10);
      if (seconds > 0) {
        return t("rateLimited").replace("{n}", String(seconds));
      }
    }
    var detail = result.data && result.data.detail;
    if (typeof detail === "string" && detail) {
      return detail;
    }
    if (Array.isArray(detail)) { // request validation errors: [{msg, loc, ...}]
      var messages = detail.map(function (item) { return item && item.msg; }).filter(Boolean);
      if (messages.length) {
        return messages.join("; ");
      }
    }
    return t("failed");
  }

  // ---------------------------------------------------------------- messages

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function markUnread() {
    if (launcher && panel.hidden) {
      launcher.classList.add("kw-unread");
    }
  }

  function feedbackBlock(messageId) {
    var box = el("div", "kw-feedback");
    if (rated.has(String(messageId))) {
      box.appendChild(label("span", "kw-thanks", "thanks"));
      return box;
    }
    var question = label("span", "kw-feedback-question", "helpful");
    var yes = label("button", "kw-feedback-yes", "yes");
    var no = label("button", "kw-feedback-no", "no");
    yes.type = "button";
    no.type = "button";
    function rate(helpful) {
      yes.disabled = true;
      no.disabled = true;
      request("POST", "/v1/sessions/" + encodeURIComponent(session.id) + "/feedback",
        { message_id: messageId, helpful: helpful })
        .then(function (result) {
          if (!result.ok) {
            throw result;
          }
          rated.add(String(messageId));
          store("rated", Array.from(rated).join(","));
          box.replaceChildren(label("span", "kw-thanks", "thanks"));
        })
        .catch(function (failure) {
          yes.disabled = false;
          no.disabled = false;
          showError(failure && failure.status ? errorText(failure) : t("offline"));
        });
    }
    yes.addEventListener("click", function () { rate(true); });
    no.addEventListener("click", function () { rate(false); });
    box.appendChild(question);
    box.appendChild(yes);
    box.appendChild(no);
    return box;
  }

  function optionsBlock(options) {
    var box = el("div", "kw-options");
    box.appendChild(label("p", "kw-options-label", "didYouMean"));
    var list = el("ul", "kw-option-list");
    var buttons = options.map(function (option) {
      var item = el("li");
      var button = el("button", "kw-option", option.title);
      button.type = "button";
      button.setAttribute("dir", "auto");
      button.addEventListener("click", function () {
        if (busy) {
          return;
        }
        buttons.forEach(function (other) { other.disabled = true; });
        button.classList.add("kw-chosen");
        send(option.title);
      });
      item.appendChild(button);
      list.appendChild(item);
      return button;
    });
    box.appendChild(list);
    return box;
  }

  // Guided intake: the chips each phase of a running form offers, as [label key, word key]; a finished form
  // (done, cancelled, solved) offers none. "choosing" is the list of answers to change: only Cancel fits there.
  var INTAKE_CHIPS = {
    collecting: [["intakeSkip", "intakeSkipWord"], ["intakeCancel", "intakeCancelWord"]],
    confirming: [["intakeYes", "intakeYesWord"], ["intakeNo", "intakeNoWord"], ["intakeCancel", "intakeCancelWord"]],
    choosing: [["intakeCancel", "intakeCancelWord"]]
  };
  var quickReplies = null;       // the chips under the latest intake question, until used or the next message

  function clearQuickReplies() {
    if (!quickReplies) {
      return;
    }
    var focused = quickReplies.contains(document.activeElement) ? document.activeElement : null;
    var keyboard = false;
    try {
      keyboard = Boolean(focused && focused.matches(":focus-visible"));
    } catch (e) {
      keyboard = false; // a browser without :focus-visible
    }
    quickReplies.remove();
    quickReplies = null;
    if (keyboard) {
      input.focus(); // a keyboard user's focus goes on to the message box rather than back to the page
    }
  }

  // Chips under the bot message `item` for the turn's `intake` progress ({form, step, field, phase, ...}).
  // A chip sends its word in the interface language (which follows the reply, so the form's language) as a
  // normal message; the chips go away with the next message, sent or received.
  function showQuickReplies(item, intake) {
    clearQuickReplies();
    var phase = intake && typeof intake === "object" ? intake.phase : null;
    if (!item || typeof phase !== "string" || !Object.prototype.hasOwnProperty.call(INTAKE_CHIPS, phase)) {
      return;
    }
    var box = el("div", "kw-quick");
    box.setAttribute("role", "group");
    box.setAttribute("data-kw-label", "quickReplies");
    box.setAttribute("aria-label", t("quickReplies"));
    INTAKE_CHIPS[phase].forEach(function (chip) {
      var button = label("button", "kw-chip", chip[0]);
      button.type = "button";
      button.addEventListener("click", function () {
        if (!busy) {
          send(t(chip[1]));
        }
      });
      box.appendChild(button);
    });
    item.appendChild(box);
    quickReplies = box;
    scrollToEnd();
  }

  // One message as GET /v1/sessions/{id}/messages returns it: {id, role, text, action?, title?, options?, ...}.
  function buildMessage(message) {
    var role = ["user", "bot", "agent", "system"].indexOf(message.role) >= 0 ? message.role : "system";
    var item = el("div", "kw-msg kw-msg-" + role);
    if (message.id !== null && message.id !== undefined) {
      item.setAttribute("data-id", String(message.id));
    }
    if (role === "agent") {
      item.appendChild(label("p", "kw-author", "agent"));
    } else if (role === "user" || role === "bot") {
      item.appendChild(label("span", "kw-sr-only", role === "user" ? "you" : "bot"));
    }
    if (role === "bot" && message.title) {
      var title = el("p", "kw-title", message.title);
      title.setAttribute("dir", "auto");
      item.appendChild(title);
    }
    var hasOptions = role === "bot" && Array.isArray(message.options) && message.options.length > 0;
    var text = String(message.text || "");
    if (hasOptions) {
      // The numbered list in the text is for text-only channels; here the options are buttons.
      text = text.split("\n").filter(function (line) { return !/^\s*\d+\s*[.)、．]\s/.test(line); }).join("\n");
    }
    var body = el("p", "kw-text");
    body.setAttribute("dir", "auto");
    appendRichText(body, text);
    item.appendChild(body);
    if (hasOptions) {
      item.appendChild(optionsBlock(message.options));
    }
    if (role === "bot" && message.action === "answer" && typeof message.id === "number") {
      item.appendChild(feedbackBlock(message.id));
    }
    return item;
  }

  function renderMessage(message) {
    clearQuickReplies();
    var item = buildMessage(message);
    log.appendChild(item);
    scrollToEnd();
    return item;
  }

  // A message from any source (REST reply, transcript, WebSocket), shown once per id. The reply to this tab's
  // own turn (`ownTurn`) is the most complete copy: it replaces the live copy when that came first.
  function receive(message, ownTurn) {
    if (!message || typeof message !== "object") {
      return;
    }
    var id = message.id;
    var known = id !== null && id !== undefined ? rendered.get(String(id)) : null;
    if (known) {
      if (ownTurn) {
        var fresh = buildMessage(message);
        known.replaceWith(fresh);
        rendered.set(String(id), fresh);
      }
      return;
    }
    var item;
    if (message.role === "user" && pendingUser.length) {
      // The server's copy of the oldest message this tab sent: give that bubble its id (and the stored text).
      item = pendingUser.shift();
      item.setAttribute("data-id", String(id));
      var body = item.querySelector(".kw-text");
      if (body.textContent !== message.text) {
        body.replaceChildren();
        appendRichText(body, String(message.text || ""));
      }
    } else {
      item = renderMessage(message);
      if (message.role !== "user") {
        markUnread();
      }
    }
    if (id !== null && id !== undefined) {
      rendered.set(String(id), item);
    }
    if ((message.role === "bot" || message.role === "system") &&
        (message.action === "handoff" || message.handoff_id)) {
      agentPresent = false;
      setHumanMode(true);
    }
    if (message.role === "agent") {
      agentPresent = true;
      humanMode = true;
      showStatus("joined");
      updateControls();
    }
  }

  // ---------------------------------------------------------------- API

  function request(method, path, body) {
    var headers = { Accept: "application/json" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
    }
    if (session) {
      headers["X-Session-Token"] = session.token;
    }
    return fetch(apiBase + path, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit"
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        return {
          ok: response.ok, status: response.status, data: data,
          retryAfter: response.headers.get("Retry-After")
        };
      });
    });
  }

  function sessionRejected(result) {
    return result.status === 401 || result.status === 403 || result.status === 404;
  }

  function setSession(id, token) {
    session = { id: id, token: token };
    store("session_id", id);
    store("session_token", token);
    connectSocket();
    updateControls();
  }

  function forgetSession() {
    session = null;
    store("session_id", null);
    store("session_token", null);
    rendered.clear();
    stopPolling();
    clearTimeout(reconnectTimer);
    if (socket) {
      var old = socket;
      socket = null;
      old.close();
    }
    setHumanMode(false);
  }

  function chat(text, retried) {
    // The browser's zone (minutes east of UTC), so "14:30" in an intake answer means the user's 14:30.
    var offset = -new Date().getTimezoneOffset();
    var body = { text: text, utc_offset_minutes: Math.max(-840, Math.min(840, offset)) };
    if (session) {
      body.session_id = session.id;
    }
    return request("POST", "/v1/chat", body).then(function (result) {
      if (!result.ok && session && !retried && sessionRejected(result)) {
        forgetSession(); // expired or unknown session: start a new one with the same message
        return chat(text, true);
      }
      return result;
    });
  }

  function send(text) {
    text = text.trim();
    if (!text || busy) {
      return false;
    }
    busy = true;
    turnsSent += 1;
    clearError();
    var bubble = renderMessage({ id: null, role: "user", text: text });
    pendingUser.push(bubble);
    updateControls();
    chat(text, false)
      .then(function (result) {
        if (!result.ok) {
          pendingUser.splice(pendingUser.indexOf(bubble), 1);
          bubble.remove();
          if (!input.value) {
            input.value = text;
          }
          showError(errorText(result));
          return;
        }
        var data = result.data || {};
        if (data.session_id && data.session_token && (!session || session.id !== data.session_id)) {
          setSession(data.session_id, data.session_token);
        }
        if (data.language) {
          setLanguage(data.language);
        }
        if (data.message_id !== null && data.message_id !== undefined) {
          receive({
            id: data.message_id, role: "bot", text: data.reply, action: data.action, faq_id: data.faq_id,
            title: data.title, options: data.options || [], handoff_id: data.handoff_id
          }, true);
          showQuickReplies(rendered.get(String(data.message_id)), data.intake);
        }
        setHumanMode(data.status === "human" || data.action === "handoff");
        if (data.ticket) {
          offerTicketEmail(String(data.ticket));
        }
      })
      .catch(function () {
        pendingUser.splice(pendingUser.indexOf(bubble), 1);
        bubble.remove();
        if (!input.value) {
          input.value = text;
        }
        showError(t("offline"));
      })
      .then(function () {
        busy = false;
        updateControls();
      });
    return true;
  }

  function requestHuman() {
    if (!session) {
      return;
    }
    humanButton.disabled = true;
    clearError();
    request("POST", "/v1/sessions/" + encodeURIComponent(session.id) + "/handoff", {})
      .then(function (result) {
        if (!result.ok) {
          showError(errorText(result));
          return null;
        }
        setHumanMode(true);
        var reply = result.data && result.data.reply;
        // The handoff reply is usually stored as a message: fetch it with its id (after any transcript
        // request already in flight, which may predate it), else show it locally.
        return (syncing || Promise.resolve()).then(sync).then(function () {
          var shown = Array.prototype.some.call(log.querySelectorAll(".kw-text"), function (node) {
            return node.textContent === reply;
          });
          if (reply && !shown) {
            renderMessage({ id: null, role: "system", text: reply });
          }
          if (result.data && result.data.ticket) {
            offerTicketEmail(String(result.data.ticket));
          }
        });
      })
      .catch(function () { showError(t("offline")); })
      .then(function () {
        humanButton.disabled = false;
        updateControls();
      });
  }

  // Fetch the transcript and show what is not shown yet; concurrent callers share one request.
  function sync() {
    if (!session) {
      return Promise.resolve();
    }
    if (!syncing) {
      var current = session;
      var turns = turnsSent;
      syncing = request("GET", "/v1/sessions/" + encodeURIComponent(current.id) + "/messages")
        .then(function (result) {
          if (session !== current) {
            return;
          }
          if (!result.ok) {
            if (sessionRejected(result)) {
              forgetSession();
            }
            return;
          }
          var data = result.data || {};
          (data.messages || []).forEach(function (item) {
            receive(item, false);
            lastLoaded = item;
          });
          if (!busy && turns === turnsSent) { // else a turn's own response says who owns the conversation
            if (data.status === "human" && !humanMode) {
              setHumanMode(true);
            } else if (data.status === "bot" && humanMode) {
              setHumanMode(false);
            }
          }
        })
        .catch(function () { /* offline: the next poll or reconnect tries again */ })
        .then(function () { syncing = null; });
    }
    return syncing;
  }

  // ---------------------------------------------------------------- ticket e-mail

  // After a ticket notice: an optional box asking where to e-mail the ticket's updates (once per ticket).
  function offerTicketEmail(ticket) {
    var owner = session;
    if (!owner || stored("email-offered:" + ticket)) {
      return;
    }
    store("email-offered:" + ticket, "1");
    var box = el("form", "kw-email");
    box.noValidate = true;
    var fieldId = "kw-email-" + ticket.replace(/[^A-Za-z0-9_-]/g, "");
    var prompt = label("label", "kw-email-prompt", "emailPrompt");
    prompt.htmlFor = fieldId;
    var row = el("div", "kw-email-row");
    var field = el("input", "kw-email-input");
    field.type = "email";
    field.id = fieldId;
    field.maxLength = 254;
    field.dir = "ltr";
    field.setAttribute("autocomplete", "email");
    field.setAttribute("data-kw-label", "emailLabel");
    field.setAttribute("aria-label", t("emailLabel"));
    field.setAttribute("data-kw-placeholder", "emailPlaceholder");
    field.setAttribute("placeholder", t("emailPlaceholder"));
    var save = label("button", "kw-email-save", "emailSave");
    save.type = "submit";
    var dismiss = label("button", "kw-email-dismiss", "emailDismiss");
    dismiss.type = "button";
    var note = el("p", "kw-email-note");
    note.setAttribute("role", "alert");
    note.hidden = true;
    row.appendChild(field);
    row.appendChild(save);
    row.appendChild(dismiss);
    box.appendChild(prompt);
    box.appendChild(row);
    box.appendChild(note);

    function showNote(text) {
      note.textContent = text;
      note.hidden = false;
    }

    box.addEventListener("submit", function (event) {
      event.preventDefault();
      if (session !== owner) {
        box.remove(); // the conversation was replaced meanwhile
        return;
      }
      var address = field.value.trim();
      if (!address || address.indexOf("@") < 1) {
        showNote(t("emailInvalid"));
        field.focus();
        return;
      }
      save.disabled = true;
      request("PUT", "/v1/sessions/" + encodeURIComponent(owner.id) + "/contact", { email: address })
        .then(function (result) {
          if (result.ok) {
            var done = el("div", "kw-email-done");
            done.appendChild(label("p", "kw-email-saved", "emailSaved"));
            var hint = el("p", "kw-email-hint", (result.data && result.data.email) || "");
            hint.dir = "ltr";
            done.appendChild(hint);
            box.replaceWith(done);
          } else {
            showNote(result.status === 422 ? t("emailInvalid") : errorText(result));
          }
        })
        .catch(function () { showNote(t("offline")); })
        .then(function () { save.disabled = false; });
    });
    dismiss.addEventListener("click", function () { box.remove(); });
    log.appendChild(box);
    scrollToEnd();
  }

  // ---------------------------------------------------------------- attachments

  // A paperclip button in the form: the chosen file goes to POST /v1/sessions/{id}/attachments as multipart form
  // data. The server decides the type from the content and answers with the transcript message that stands for
  // the file (shown like any message) or a refusal (shown as the error). Available once a session exists.
  var uploading = false;
  var fileInput = el("input", "kw-file");
  fileInput.type = "file";
  fileInput.hidden = true;
  fileInput.tabIndex = -1;
  fileInput.accept = "image/png,image/jpeg,application/pdf,text/plain,.png,.jpg,.jpeg,.pdf,.txt,.log";
  var attachButton = el("button", "kw-attach");
  attachButton.type = "button";
  attachButton.hidden = true;
  attachButton.setAttribute("data-kw-label", "attach");
  attachButton.setAttribute("aria-label", t("attach"));
  attachButton.appendChild(svgIcon("M16.5 6.5l-7.8 7.8a2 2 0 0 0 2.8 2.8l7.8-7.8a4 4 0 0 0-5.7-5.7L5.8 11.4a6 6 0 0 0 " +
    "8.5 8.5l6.4-6.4"));
  form.insertBefore(attachButton, input);
  form.appendChild(fileInput);

  function updateAttachControls() {
    if (attachButton) {   // updateControls may run before this block has built the button
      attachButton.hidden = !session;
      attachButton.disabled = uploading;
    }
  }

  function uploadingLine(name) {
    var item = el("div", "kw-msg kw-msg-user kw-uploading");
    item.appendChild(label("span", "kw-sr-only", "you"));
    var body = el("p", "kw-text", t("uploading").replace("{name}", name));
    body.setAttribute("dir", "auto");
    item.appendChild(body);
    log.appendChild(item);
    scrollToEnd();
    return item;
  }

  function uploadFile(file) {
    if (!session || !file || uploading) {
      return;
    }
    var current = session;
    uploading = true;
    clearError();
    updateControls();
    var line = uploadingLine(file.name);
    var body = new FormData();
    body.append("file", file, file.name);
    fetch(apiBase + "/v1/sessions/" + encodeURIComponent(current.id) + "/attachments", {
      method: "POST",
      headers: { Accept: "application/json", "X-Session-Token": current.token },
      body: body,
      credentials: "omit"
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        return { ok: response.ok, status: response.status, data: data, retryAfter: response.headers.get("Retry-After") };
      });
    }).then(function (result) {
      line.remove();
      if (!result.ok) {
        showError(errorText(result));
        return;
      }
      var data = result.data || {};
      var message = data.message;
      if (message && session === current && !rendered.has(String(message.id))) {   // else the live copy came first
        rendered.set(String(message.id), renderMessage(message));
      }
      if (data.warning) {
        renderMessage({ id: null, role: "system", text: data.warning });
      }
    }).catch(function () {
      line.remove();
      showError(t("offline"));
    }).then(function () {
      uploading = false;
      updateControls();
    });
  }

  attachButton.addEventListener("click", function () {
    fileInput.click();
  });

  fileInput.addEventListener("change", function () {
    var file = fileInput.files && fileInput.files[0];
    fileInput.value = "";   // choosing the same file again must fire `change` again
    uploadFile(file);
  });

  // ---------------------------------------------------------------- live updates

  function startPolling() {
    if (!pollTimer && session) {
      pollTimer = setInterval(sync, POLL_MS);
    }
  }

  function stopPolling() {
    clearInterval(pollTimer);
    pollTimer = null;
  }

  function scheduleReconnect() {
    clearTimeout(reconnectTimer);
    var delay = backoff * (0.75 + Math.random() * 0.5);
    backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
    reconnectTimer = setTimeout(connectSocket, delay);
  }

  function connectSocket() {
    if (!session || socket) {
      return;
    }
    if (typeof window.WebSocket !== "function") {
      startPolling();
      return;
    }
    var ws;
    try {
      ws = new WebSocket(wsBase + "/v1/ws/" + encodeURIComponent(session.id) +
        "?token=" + encodeURIComponent(session.token));
    } catch (e) {
      startPolling();
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.addEventListener("open", function () {
      backoff = BACKOFF_MIN_MS;
      stopPolling();
      sync(); // catch up on whatever arrived while disconnected
    });
    ws.addEventListener("message", function (event) {
      var data;
      try {
        data = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      if (data && data.type === "message") {
        receive(data.message, false);
      } else if (data && data.type === "error" && typeof data.detail === "string" &&
                 data.status !== 403 && data.status !== 404) { // a refused session is forgotten, not shown
        showError(data.detail);
      }
    });
    ws.addEventListener("close", function (event) {
      if (socket !== ws) {
        return; // closed on purpose
      }
      socket = null;
      startPolling();
      // 1008 and 4xxx: the server refused this session; polling finds out why (and forgets a dead session).
      if (event.code !== 1008 && (event.code < 4000 || event.code > 4999)) {
        scheduleReconnect();
      }
    });
  }

  // ---------------------------------------------------------------- events

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (send(input.value)) {
      input.value = "";
      input.focus();
    }
  });

  input.addEventListener("keydown", function (event) {
    // Enter sends, Shift+Enter adds a line; never while an input method is composing (Chinese, Japanese...).
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  humanButton.addEventListener("click", requestHuman);

  function openPanel() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    launcher.classList.remove("kw-unread");
    root.classList.add("kw-open");
    scrollToEnd();
    input.focus();
  }

  function closePanel() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    root.classList.remove("kw-open");
    launcher.focus();
  }

  if (launcher) {
    launcher.addEventListener("click", function () {
      if (panel.hidden) {
        openPanel();
      } else {
        closePanel();
      }
    });
    closeButton.addEventListener("click", closePanel);
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        closePanel();
      }
    });
  }

  // ---------------------------------------------------------------- start

  function loadStylesheet() {
    if (document.getElementById("kestrel-chat-css")) {
      return;
    }
    var link = document.createElement("link");
    link.id = "kestrel-chat-css";
    link.rel = "stylesheet";
    link.href = new URL("widget.css", scriptUrl).href;
    document.head.appendChild(link);
  }

  // The last transcript message a sync showed: after a reload, a form's question gets its chips back.
  var lastLoaded = null;

  function restoreConversation() {
    if (!session) {
      return;
    }
    sync().then(function () {
      if (session) {
        connectSocket();
      }
      if (lastLoaded && lastLoaded.role === "bot" && lastLoaded.intake) {
        showQuickReplies(rendered.get(String(lastLoaded.id)), lastLoaded.intake);
      }
      updateControls();
    });
  }

  function start() {
    loadStylesheet();
    applyLanguage();
    updateControls();
    (pageMode && container ? container : document.body).appendChild(root);
    restoreConversation();
    if (pageMode) {
      input.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
