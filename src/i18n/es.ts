/** Everything a visitor reads in Spanish: one lazy chunk (see languages.ts). */
import type { LanguageText } from './text.js';

const es: LanguageText = {
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
    'signature-required': 'Esta conversación no está disponible aquí.',
    'signature-invalid':
      'Este enlace de conversación ha caducado en esta página. Vuelve a cargar la página para intentarlo de nuevo.',
    'challenge-failed': 'No pudimos comprobar tu navegador. Inténtalo de nuevo.',
  },
  conversation: {
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
    personJoined: 'Una persona del equipo se ha unido a la conversación.',
    personLeft: 'La persona ha salido de la conversación.',
    withPerson: 'Con una persona',
    operator: 'Equipo',
  },
};

export default es;
