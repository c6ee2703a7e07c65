/** Everything a visitor reads in German: one lazy chunk (see languages.ts). */
import type { LanguageText } from './text.js';

const de: LanguageText = {
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
    'signature-required': 'Dieses Gespräch ist hier nicht verfügbar.',
    'signature-invalid':
      'Dieser Gesprächslink ist auf dieser Seite abgelaufen. Laden Sie die Seite neu, um es erneut zu versuchen.',
    'challenge-failed': 'Ihr Browser konnte nicht überprüft werden. Versuchen Sie es erneut.',
  },
  conversation: {
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
    personJoined: 'Eine Person aus dem Team ist dem Gespräch beigetreten.',
    personLeft: 'Die Person hat das Gespräch verlassen.',
    withPerson: 'Mit einer Person',
    operator: 'Team',
  },
};

export default de;
