/**
 * Visitor-facing text of a running conversation, in the widget's five languages. It lives in the
 * lazy conversation chunk: none of it is on the critical path. A missing key is a type error.
 */
export interface ConversationMessages {
  microphone: string;
  connecting: string;
  listening: string;
  speaking: string;
  muted: string;
  ending: string;
  captions: string;
  you: string;
  typeMessage: string;
  send: string;
  mute: string;
  end: string;
}

const en: ConversationMessages = {
  microphone: 'Allow the microphone…',
  connecting: 'Connecting…',
  listening: 'Listening',
  speaking: 'Speaking',
  muted: 'Microphone off',
  ending: 'Ending…',
  captions: 'Captions',
  you: 'You',
  typeMessage: 'Type a message',
  send: 'Send',
  mute: 'Mute microphone',
  end: 'End conversation',
};

const de: ConversationMessages = {
  microphone: 'Mikrofon erlauben…',
  connecting: 'Verbindung wird hergestellt…',
  listening: 'Hört zu',
  speaking: 'Spricht',
  muted: 'Mikrofon aus',
  ending: 'Wird beendet…',
  captions: 'Untertitel',
  you: 'Sie',
  typeMessage: 'Nachricht schreiben',
  send: 'Senden',
  mute: 'Mikrofon stummschalten',
  end: 'Gespräch beenden',
};

const fr: ConversationMessages = {
  microphone: 'Autorisez le microphone…',
  connecting: 'Connexion…',
  listening: 'À l’écoute',
  speaking: 'Parle',
  muted: 'Micro coupé',
  ending: 'Fin en cours…',
  captions: 'Sous-titres',
  you: 'Vous',
  typeMessage: 'Écrire un message',
  send: 'Envoyer',
  mute: 'Couper le micro',
  end: 'Terminer la conversation',
};

const es: ConversationMessages = {
  microphone: 'Permite el micrófono…',
  connecting: 'Conectando…',
  listening: 'Escuchando',
  speaking: 'Hablando',
  muted: 'Micrófono apagado',
  ending: 'Terminando…',
  captions: 'Subtítulos',
  you: 'Tú',
  typeMessage: 'Escribe un mensaje',
  send: 'Enviar',
  mute: 'Silenciar micrófono',
  end: 'Terminar conversación',
};

const ja: ConversationMessages = {
  microphone: 'マイクを許可してください…',
  connecting: '接続中…',
  listening: '聞いています',
  speaking: '話しています',
  muted: 'マイクオフ',
  ending: '終了しています…',
  captions: '字幕',
  you: 'あなた',
  typeMessage: 'メッセージを入力',
  send: '送信',
  mute: 'マイクをミュート',
  end: '会話を終了',
};

const MESSAGES = { en, de, fr, es, ja } satisfies Record<string, ConversationMessages>;

/** The same choice as the element's: `de-AT` → `de`, anything unknown → `en`. */
export function conversationMessagesFor(lang: string): ConversationMessages {
  const primary = lang.toLowerCase().split(/[-_]/)[0] ?? '';
  return Object.hasOwn(MESSAGES, primary) ? MESSAGES[primary as keyof typeof MESSAGES] : en;
}
