/**
 * A running conversation in the player: a Lit reactive controller of `<share-link-embed>`, in the
 * lazy conversation chunk (loaded only after start, never on the critical path).
 *
 * It validates the engine answer, asks for the microphone, loads that engine's adapter (its own
 * chunk) and connects it, then draws the captions, the listening / speaking status, mute, end and
 * a text input inside the player's bar. It owns everything it starts (microphone tracks, the
 * adapter's sockets and audio, its stylesheet) and releases it on end, whoever ends it.
 *
 * Lazy chunks load by URL beside the bundle, even from the classic script, so they import nothing
 * from it: the element hands over what they share, Lit's `html` included (one Lit per page).
 */
import type { html as litHtml, ReactiveController, ReactiveControllerHost, TemplateResult } from 'lit';
import type { Connect, ConversationAdapter, Mode, Role } from './adapters/adapter.js';
import type { EngineKind } from '../engine-schema.js';
import { parseEngine } from './engine.js';
import english from '../i18n/en-conversation.js';
import type { ConversationText } from '../i18n/text.js';
import { adoptStyles } from '../render/adopt-styles.js';
import { CONVERSATION_CSS } from './styles.js';

/** Why a conversation ended, as `share-link-end` reports it. */
export type EndReason = 'visitor' | 'engine' | 'removed' | 'error';

export interface ConversationFailure {
  reason: 'microphone-denied' | 'conversation-failed';
  /** For the developer's console: names the exact cause. */
  message: string;
}

export interface ConversationOptions {
  /** The session answer's `engine`, not yet validated. */
  engine: unknown;
  /** The element's Lit `html` tag. */
  html: typeof litHtml;
  /** The element's language (`en`, `de`, ...), for speech. */
  lang: string;
  /** Its words, which its chunk brought; English's are built in here. */
  text: ConversationText | undefined;
  /** Called once, after everything is released. */
  finished(reason: EndReason, failure?: ConversationFailure): void;
}

/** What the controller uses of `<share-link-embed>`: its public API, so the element stays thin. */
export type ConversationHost = ReactiveControllerHost &
  HTMLElement & {
    readonly persona: { name: string } | null;
    attachMediaStream(stream: MediaStream | null): void;
  };

type Status = 'microphone' | 'connecting' | Mode | 'ending';

const ADAPTERS: Record<EngineKind, () => Promise<{ connect: Connect<never> }>> = {
  scripted: () => import('./adapters/scripted.js'),
  anam: () => import('./adapters/anam.js'),
  elevenlabs: () => import('./adapters/elevenlabs.js'),
};

const warmed = new Set<string>();

/**
 * Warm-up (docs/delivery.md), once this chunk has arrived on the visitor's intent to start: a
 * connection to the API (`api`: any URL of it), for the session and the scripted engine's socket,
 * and the adapters cheap enough to fetch on a guess. Which engine a persona uses is private until
 * its session names it; a vendor's adapter carries its SDK (28 KB, 152 KB), so it is fetched only
 * then, while the visitor answers the microphone prompt; the API's own scripted engine's is 3 KB.
 */
export function warm(api: string): void {
  const origin = new URL(api).origin;
  if (warmed.has(origin)) return;
  warmed.add(origin);
  const link = document.createElement('link');
  link.rel = 'preconnect';
  link.href = origin;
  // The element's requests carry no credentials: the same connections as theirs.
  link.crossOrigin = 'anonymous';
  document.head.append(link);
  ADAPTERS.scripted().catch(() => undefined);
}

const MAX_CAPTIONS = 3;

export class ConversationController implements ReactiveController {
  readonly #host: ConversationHost;
  readonly #options: ConversationOptions;
  readonly #t: ConversationText;
  readonly #abort = new AbortController();
  #status: Status = 'microphone';
  #muted = false;
  #captions: { role: Role; text: string; final: boolean }[] = [];
  #microphone: MediaStream | null = null;
  #adapter: ConversationAdapter | null = null;
  #done = false;
  #focusPending = true;

  constructor(host: ConversationHost, options: ConversationOptions) {
    this.#host = host;
    this.#options = options;
    this.#t = options.text ?? english;
    adoptStyles(host.shadowRoot, CONVERSATION_CSS, 'conversation');
    host.addController(this);
    host.requestUpdate();
    void this.#run();
  }

  /** Where the conversation is: `microphone`, `connecting`, `listening`, `speaking` or `ending`. */
  get status(): Status {
    return this.#status;
  }

  get muted(): boolean {
    return this.#muted;
  }

  hostDisconnected(): void {
    // Removed from the page (not moved: that reconnects at once): the microphone, the connection and audio are released.
    queueMicrotask(() => this.#host.isConnected || void this.end('removed'));
  }

  hostUpdated(): void {
    // The latest turn is the one to read.
    const captions = this.#host.shadowRoot?.querySelector('.captions');
    if (captions) captions.scrollTop = captions.scrollHeight;
    // The start button that had focus is gone: give it to the conversation's first control.
    if (!this.#focusPending) return;
    this.#focusPending = false;
    const active = document.activeElement;
    if (active === null || active === document.body || active === this.#host) {
      (this.#host.shadowRoot?.querySelector('[part~="mute-button"]') as HTMLElement | null)?.focus();
    }
  }

  /** Ends the conversation; resolves once everything is released and `finished` was called. */
  end(reason: EndReason = 'visitor'): Promise<void> {
    return this.#finish(reason);
  }

  mute(muted: boolean): void {
    if (this.#done) return;
    this.#muted = muted;
    for (const track of this.#microphone?.getAudioTracks() ?? []) track.enabled = !muted;
    this.#adapter?.mute(muted);
    this.#host.requestUpdate();
  }

  /** Sends a typed message, where the engine takes them. */
  send(text: string): boolean {
    const message = text.trim();
    if (!message || !this.#adapter?.send || (this.#status !== 'listening' && this.#status !== 'speaking')) return false;
    this.#adapter.send(message);
    return true;
  }

  async #run(): Promise<void> {
    const parsed = parseEngine(this.#options.engine);
    if ('problem' in parsed) return this.#fail('conversation-failed', parsed.problem);
    const { engine } = parsed;
    // The adapter's chunk downloads while the visitor answers the microphone prompt.
    const adapterModule = ADAPTERS[engine.kind]();
    adapterModule.catch(() => undefined);

    try {
      if (!navigator.mediaDevices?.getUserMedia)
        throw new DOMException(
          'the page is not a secure context (https), so the browser offers no microphone',
          'NotSupportedError',
        );
      this.#microphone = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      });
    } catch (error) {
      return this.#fail('microphone-denied', describeMicrophoneError(error));
    }
    if (this.#done) return stopTracks(this.#microphone);
    for (const track of this.#microphone.getAudioTracks()) track.enabled = !this.#muted;
    this.#setStatus('connecting');

    let connect: Connect<never>;
    try {
      ({ connect } = await adapterModule);
    } catch (error) {
      return this.#fail(
        'conversation-failed',
        `the ${engine.kind} engine's client could not be loaded (${String(error)})`,
      );
    }
    if (this.#done) return;
    let adapter: ConversationAdapter;
    try {
      adapter = await (connect as Connect)({
        engine,
        microphone: this.#microphone,
        showStream: (stream) => !this.#done && this.#host.attachMediaStream(stream),
        lang: this.#options.lang,
        signal: this.#abort.signal,
        events: {
          mode: (mode) => this.#setStatus(mode),
          caption: (role, text, final) => this.#caption(role, text, final),
          ended: () => void this.#finish('engine'),
          failed: (cause) => this.#fail('conversation-failed', `the ${engine.kind} engine failed: ${cause}`),
        },
      });
    } catch (error) {
      if (!this.#done)
        this.#fail(
          'conversation-failed',
          `could not connect to the ${engine.kind} engine: ${error instanceof Error ? error.message : String(error)}`,
        );
      return;
    }
    if (this.#done) {
      await adapter.end().catch(() => undefined);
      return;
    }
    this.#adapter = adapter;
    if (this.#muted) adapter.mute(true);
    if (this.#status === 'connecting') this.#setStatus('listening');
  }

  #setStatus(status: Status): void {
    if (this.#done) return;
    this.#status = status;
    this.#host.requestUpdate();
  }

  #caption(role: Role, text: string, final: boolean): void {
    if (this.#done) return;
    const last = this.#captions.at(-1);
    // A streamed turn grows in place; a new turn starts a new line.
    if (last && last.role === role && !last.final)
      this.#captions = [...this.#captions.slice(0, -1), { role, text, final }];
    else this.#captions = [...this.#captions, { role, text, final }].slice(-MAX_CAPTIONS);
    this.#host.requestUpdate();
    if (final)
      this.#host.dispatchEvent(
        new CustomEvent('share-link-message', { detail: { role, text }, bubbles: true, composed: true }),
      );
  }

  #fail(reason: ConversationFailure['reason'], message: string): void {
    void this.#finish('error', { reason, message });
  }

  async #finish(reason: EndReason, failure?: ConversationFailure): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    this.#status = 'ending';
    this.#host.requestUpdate();
    this.#abort.abort();
    stopTracks(this.#microphone);
    this.#microphone = null;
    const adapter = this.#adapter;
    this.#adapter = null;
    await adapter?.end().catch(() => undefined);
    this.#host.attachMediaStream(null);
    this.#host.removeController(this);
    this.#options.finished(reason, failure);
  }

  readonly #toggleMute = () => this.mute(!this.#muted);

  readonly #submit = (event: SubmitEvent) => {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('text') as HTMLInputElement;
    if (this.send(input.value)) input.value = '';
  };

  /** The conversation's part of the player's bar. Text from the engine only lands in text bindings. */
  render(): TemplateResult {
    const { html } = this.#options;
    const personaName = this.#host.persona?.name ?? '';
    const t = this.#t;
    const status = this.#status;
    const connected = status === 'listening' || status === 'speaking';
    const icon = (path: string) =>
      html`<svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false"><path d=${path} fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" /></svg>`;
    return html`<div class="convo" data-status=${status}>
      <div part="captions" class="captions" role="log" aria-live="polite" aria-label=${t.captions} tabindex="0">
        ${this.#captions.map(({ role, text }) => html`<p><b>${role === 'visitor' ? t.you : personaName}:</b> ${text}</p>`)}
      </div>
      <span class="status" role="status"><i aria-hidden="true"></i>${t[status]}</span>
      <button part="mute-button" class="button icon" type="button" aria-pressed=${this.#muted ? 'true' : 'false'} aria-label=${t.mute} title=${t.mute} ?disabled=${status === 'ending'} @click=${this.#toggleMute}>
        ${icon(this.#muted ? 'M3 3l18 18M9 5a3 3 0 0 1 6 0v6M15 13.5A3 3 0 0 1 9 11M5 11a7 7 0 0 0 11.5 5.3M19 11a7 7 0 0 1-.7 3M12 18v3' : 'M12 2a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V5a3 3 0 0 0-3-3zM5 11a7 7 0 0 0 14 0M12 18v3')}
      </button>
      <button part="end-button" class="button icon hang-up" type="button" aria-label=${t.end} title=${t.end} ?disabled=${status === 'ending'} @click=${() => void this.end('visitor')}>
        ${icon('M4 15c4.5-4 11.5-4 16 0l-2 3-3.5-1.5v-2.5a9 9 0 0 0-5 0v2.5L6 18z')}
      </button>
      <form class="compose" @submit=${this.#submit}>
        <input name="text" type="text" maxlength="500" autocomplete="off" enterkeyhint="send" aria-label=${t.typeMessage} placeholder=${t.typeMessage} ?disabled=${!connected} />
        <button class="button" type="submit" ?disabled=${!connected}>${t.send}</button>
      </form>
    </div>`;
  }
}

function stopTracks(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

function describeMicrophoneError(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  const detail = error instanceof Error ? error.message : String(error);
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return `the microphone was refused, by the visitor or the browser (${name}: ${detail})`;
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return `no microphone was found (${String(name)}: ${detail})`;
  return `the microphone could not be opened (${String(name ?? 'Error')}: ${detail})`;
}
