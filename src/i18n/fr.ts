/** Everything a visitor reads in French: one lazy chunk (see languages.ts). */
import type { LanguageText } from './text.js';

const fr: LanguageText = {
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
    'signature-required': 'Cette conversation n’est pas disponible ici.',
    'signature-invalid': 'Ce lien de conversation a expiré sur cette page. Rechargez la page pour réessayer.',
    'challenge-failed': 'Nous n’avons pas pu vérifier votre navigateur. Réessayez.',
  },
  conversation: {
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
  },
};

export default fr;
