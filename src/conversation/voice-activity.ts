/**
 * Tells when the visitor is speaking, from the microphone's level: no audio leaves the browser.
 * A turn starts when the level rises above `startLevel` and ends after `silenceMs` below
 * `stopLevel`. Used by the scripted engine's adapter, whose engine hears no audio.
 */
export interface VoiceActivityOptions {
  startLevel?: number;
  stopLevel?: number;
  silenceMs?: number;
  intervalMs?: number;
}

export class VoiceActivityDetector {
  #context: AudioContext;
  #analyser: AnalyserNode;
  #samples: Float32Array<ArrayBuffer>;
  #timer: ReturnType<typeof setInterval> | undefined;
  #speaking = false;
  #quietSince: number | null = null;
  #held = false;
  readonly #onChange: (speaking: boolean) => void;
  readonly #startLevel: number;
  readonly #stopLevel: number;
  readonly #silenceMs: number;

  constructor(stream: MediaStream, onChange: (speaking: boolean) => void, options: VoiceActivityOptions = {}) {
    this.#onChange = onChange;
    this.#startLevel = options.startLevel ?? 0.02;
    this.#stopLevel = options.stopLevel ?? 0.01;
    this.#silenceMs = options.silenceMs ?? 700;
    this.#context = new AudioContext();
    // Started after the visitor pressed start, so the page has had a gesture; resume in case it waits.
    void this.#context.resume().catch(() => undefined);
    this.#analyser = this.#context.createAnalyser();
    this.#analyser.fftSize = 1024;
    this.#samples = new Float32Array(this.#analyser.fftSize);
    this.#context.createMediaStreamSource(stream).connect(this.#analyser);
    this.#timer = setInterval(() => this.#sample(), options.intervalMs ?? 50);
  }

  get speaking(): boolean {
    return this.#speaking;
  }

  /**
   * Stops listening (muted, or the persona is speaking). A turn in progress ends with
   * `onChange(false)` if `endTurn`, else it is dropped silently.
   */
  hold(endTurn: boolean): void {
    this.#held = true;
    this.#quietSince = null;
    if (!this.#speaking) return;
    this.#speaking = false;
    if (endTurn) this.#onChange(false);
  }

  resume(): void {
    this.#held = false;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#held = true;
    if (this.#context.state !== 'closed') await this.#context.close().catch(() => undefined);
  }

  #sample(): void {
    if (this.#held) return;
    this.#analyser.getFloatTimeDomainData(this.#samples);
    let sum = 0;
    for (const sample of this.#samples) sum += sample * sample;
    const level = Math.sqrt(sum / this.#samples.length);
    const now = performance.now();
    if (!this.#speaking) {
      if (level >= this.#startLevel) {
        this.#speaking = true;
        this.#quietSince = null;
        this.#onChange(true);
      }
      return;
    }
    if (level >= this.#stopLevel) {
      this.#quietSince = null;
      return;
    }
    this.#quietSince ??= now;
    if (now - this.#quietSince >= this.#silenceMs) {
      this.#speaking = false;
      this.#quietSince = null;
      this.#onChange(false);
    }
  }
}
