/** Everything a visitor reads in Japanese: one lazy chunk (see languages.ts). */
import type { LanguageText } from './text.js';

const ja: LanguageText = {
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
    'signature-required': 'この会話はここではご利用いただけません。',
    'signature-invalid':
      'このページでの会話リンクの有効期限が切れました。ページを再読み込みしてもう一度お試しください。',
    'challenge-failed': 'ブラウザを確認できませんでした。もう一度お試しください。',
  },
  conversation: {
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
    personJoined: 'チームの担当者が会話に参加しました。',
    personLeft: '担当者が会話から退出しました。',
    withPerson: '担当者と会話中',
    operator: 'スタッフ',
  },
};

export default ja;
