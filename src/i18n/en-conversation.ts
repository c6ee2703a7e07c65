/**
 * The English words of a running conversation. The conversation chunk carries them itself (other
 * languages bring theirs in their own chunk), so English visitors fetch nothing more to talk.
 */
import type { ConversationText } from './text.js';

const conversation: ConversationText = {
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
  personJoined: 'A person from the team joined the conversation.',
  personLeft: 'The person left the conversation.',
  withPerson: 'With a person',
  operator: 'Team',
};

export default conversation;
