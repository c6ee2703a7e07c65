/**
 * Visitor-facing text. Every language must give every message: a missing one is a type error.
 * Site owners read developer messages in the console, in English; visitors read these.
 */
import type { ErrorReason } from '../errors.js';

export interface Messages {
  loading: string;
  start: string;
  starting: string;
  end: string;
  live: string;
  close: string;
  retry: string;
  /** Accessible name of the orb: `{name}` is the persona's name. */
  talkTo: string;
  poweredBy: string;
  errors: Record<ErrorReason, string>;
}

const en: Messages = {
  loading: 'Loading…',
  start: 'Start conversation',
  starting: 'Connecting…',
  end: 'End conversation',
  live: 'Live',
  close: 'Close',
  retry: 'Try again',
  talkTo: 'Talk to {name}',
  poweredBy: 'Powered by',
  errors: {
    'invalid-token': 'This embed is not set up correctly.',
    'not-found': 'This conversation link does not exist.',
    'origin-not-allowed': 'This conversation is not available on this website.',
    disabled: 'This conversation link has been turned off.',
    expired: 'This conversation link has expired.',
    'usage-limit-reached': 'This conversation link has reached its limit.',
    'rate-limited': 'Too many attempts from your network right now. Please wait a moment.',
    'not-embeddable': 'This conversation link cannot be embedded.',
    network: 'Could not connect. Check your connection.',
    'bad-response': 'Something went wrong loading this conversation.',
    server: 'The service is having trouble. Try again later.',
    'microphone-denied': 'The microphone is blocked. Allow it and try again.',
    'conversation-failed': 'The conversation stopped. Try again.',
  },
};

const de: Messages = {
  loading: 'Wird geladen…',
  start: 'Gespräch starten',
  starting: 'Verbindung wird hergestellt…',
  end: 'Gespräch beenden',
  live: 'Live',
  close: 'Schließen',
  retry: 'Erneut versuchen',
  talkTo: 'Mit {name} sprechen',
  poweredBy: 'Bereitgestellt von',
  errors: {
    'invalid-token': 'Diese Einbettung ist nicht richtig eingerichtet.',
    'not-found': 'Diesen Gesprächslink gibt es nicht.',
    'origin-not-allowed': 'Dieses Gespräch ist auf dieser Website nicht verfügbar.',
    disabled: 'Dieser Gesprächslink wurde deaktiviert.',
    expired: 'Dieser Gesprächslink ist abgelaufen.',
    'usage-limit-reached': 'Dieser Gesprächslink hat sein Limit erreicht.',
    'rate-limited': 'Gerade zu viele Versuche aus Ihrem Netzwerk. Bitte warten Sie einen Moment.',
    'not-embeddable': 'Dieser Gesprächslink kann nicht eingebettet werden.',
    network: 'Keine Verbindung möglich. Prüfen Sie Ihre Verbindung.',
    'bad-response': 'Beim Laden dieses Gesprächs ist ein Fehler aufgetreten.',
    server: 'Der Dienst hat Probleme. Versuchen Sie es später erneut.',
    'microphone-denied': 'Das Mikrofon ist blockiert. Erlauben Sie es und versuchen Sie es erneut.',
    'conversation-failed': 'Das Gespräch wurde abgebrochen. Versuchen Sie es erneut.',
  },
};

const fr: Messages = {
  loading: 'Chargement…',
  start: 'Démarrer la conversation',
  starting: 'Connexion…',
  end: 'Terminer la conversation',
  live: 'En direct',
  close: 'Fermer',
  retry: 'Réessayer',
  talkTo: 'Parler à {name}',
  poweredBy: 'Propulsé par',
  errors: {
    'invalid-token': 'Cette intégration n’est pas configurée correctement.',
    'not-found': 'Ce lien de conversation n’existe pas.',
    'origin-not-allowed': 'Cette conversation n’est pas disponible sur ce site.',
    disabled: 'Ce lien de conversation a été désactivé.',
    expired: 'Ce lien de conversation a expiré.',
    'usage-limit-reached': 'Ce lien de conversation a atteint sa limite.',
    'rate-limited': 'Trop de tentatives depuis votre réseau pour le moment. Patientez un instant.',
    'not-embeddable': 'Ce lien de conversation ne peut pas être intégré.',
    network: 'Connexion impossible. Vérifiez votre connexion.',
    'bad-response': 'Une erreur est survenue lors du chargement de cette conversation.',
    server: 'Le service rencontre des difficultés. Réessayez plus tard.',
    'microphone-denied': 'Le microphone est bloqué. Autorisez-le et réessayez.',
    'conversation-failed': 'La conversation s’est arrêtée. Réessayez.',
  },
};

const es: Messages = {
  loading: 'Cargando…',
  start: 'Iniciar conversación',
  starting: 'Conectando…',
  end: 'Terminar conversación',
  live: 'En directo',
  close: 'Cerrar',
  retry: 'Reintentar',
  talkTo: 'Hablar con {name}',
  poweredBy: 'Con la tecnología de',
  errors: {
    'invalid-token': 'Esta inserción no está configurada correctamente.',
    'not-found': 'Este enlace de conversación no existe.',
    'origin-not-allowed': 'Esta conversación no está disponible en este sitio web.',
    disabled: 'Este enlace de conversación se ha desactivado.',
    expired: 'Este enlace de conversación ha caducado.',
    'usage-limit-reached': 'Este enlace de conversación ha alcanzado su límite.',
    'rate-limited': 'Demasiados intentos desde tu red en este momento. Espera un momento.',
    'not-embeddable': 'Este enlace de conversación no se puede insertar.',
    network: 'No se pudo conectar. Comprueba tu conexión.',
    'bad-response': 'Algo salió mal al cargar esta conversación.',
    server: 'El servicio tiene problemas. Inténtalo más tarde.',
    'microphone-denied': 'El micrófono está bloqueado. Permítelo e inténtalo de nuevo.',
    'conversation-failed': 'La conversación se detuvo. Inténtalo de nuevo.',
  },
};

const ja: Messages = {
  loading: '読み込み中…',
  start: '会話を始める',
  starting: '接続中…',
  end: '会話を終了',
  live: 'ライブ',
  close: '閉じる',
  retry: '再試行',
  talkTo: '{name}と話す',
  poweredBy: 'Powered by',
  errors: {
    'invalid-token': 'この埋め込みは正しく設定されていません。',
    'not-found': 'この会話リンクは存在しません。',
    'origin-not-allowed': 'この会話はこのウェブサイトではご利用いただけません。',
    disabled: 'この会話リンクは無効になっています。',
    expired: 'この会話リンクの有効期限が切れています。',
    'usage-limit-reached': 'この会話リンクは利用上限に達しました。',
    'rate-limited': '現在、お使いのネットワークからの試行が多すぎます。しばらくお待ちください。',
    'not-embeddable': 'この会話リンクは埋め込みできません。',
    network: '接続できませんでした。接続を確認してください。',
    'bad-response': 'この会話の読み込み中に問題が発生しました。',
    server: 'サービスに問題が発生しています。後でもう一度お試しください。',
    'microphone-denied': 'マイクがブロックされています。許可してもう一度お試しください。',
    'conversation-failed': '会話が中断されました。もう一度お試しください。',
  },
};

export const MESSAGES = { en, de, fr, es, ja } satisfies Record<string, Messages>;
export type Language = keyof typeof MESSAGES;

/** `de-AT` → `de`; anything unknown → `en`. */
export function messagesFor(lang: string | null | undefined): Messages & { lang: Language } {
  const primary = (lang ?? '').toLowerCase().split(/[-_]/)[0] as Language;
  const chosen: Language = Object.hasOwn(MESSAGES, primary) ? primary : 'en';
  return { ...MESSAGES[chosen], lang: chosen };
}
