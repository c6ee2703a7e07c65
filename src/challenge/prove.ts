/**
 * Proofs of work in the browser (docs/security.md, "Proof of work"): a lazy chunk, loaded when a
 * visitor shows intent to start a link that asks for one. It solves ALTCHA's challenge off the
 * page's main thread and answers ALTCHA's payload, which the start sends as `X-Share-Link-Challenge`.
 *
 * Where it runs: a page cannot start a worker from a script on another origin (the browser refuses
 * a cross-origin worker URL outright), so the worker is a `blob:` made here, which the page's CSP
 * allows with `worker-src blob:` (or no CSP, or `script-src` with `blob:` and no `worker-src`),
 * and, where it enforces Trusted Types, a `trusted-types` list that names `share-link-embed`.
 * Where it does not (or Trusted Types refuse the URL), the same search runs on the page in slices
 * of a few milliseconds, yielding between them: slower, never blocking, never a broken start. One
 * console message says so, once per page, with what to add.
 */
import type { ShareLinkError } from '../errors.js';
import { solveRange } from './solve.js';

/** A solved challenge is good for 10 minutes from its issue: one older than this is solved again. */
const FRESH_MS = 9 * 60 * 1000;

/**
 * One element's proofs: solved on intent (`proof(…, false)`), taken by a start (`proof(…, true)`,
 * which spends it), solved again once stale, dropped with the element (`abort`). Failures reject
 * with the API's own `ShareLinkError`, or `challenge-failed`.
 */
export class Prover {
  #current: { payload: Promise<string>; at: number; controller: AbortController } | null = null;

  /** `Failure`: the main bundle's error class, so that the element reads these failures as its own. */
  constructor(private readonly Failure: typeof ShareLinkError) {}

  proof(challenge: (signal: AbortSignal) => Promise<unknown>, take: boolean): Promise<string> {
    let current = this.#current;
    if (!current || Date.now() - current.at >= FRESH_MS) {
      this.abort();
      const controller = new AbortController();
      const payload = challenge(controller.signal).then(
        (json) => prove(json, controller.signal),
        (error: unknown) => Promise.reject(error),
      );
      // A proof solved on intent that no start takes fails quietly.
      payload.catch(() => undefined);
      current = this.#current = { payload, at: Date.now(), controller };
    }
    if (!take) return current.payload;
    this.#current = null;
    return current.payload.catch((error: unknown) => {
      if (error instanceof this.Failure || (error as Error)?.name === 'AbortError') throw error;
      throw new this.Failure('challenge-failed', `its proof of work failed (${String(error)})`);
    });
  }

  abort(): void {
    this.#current?.controller.abort();
    this.#current = null;
  }
}

interface AltchaChallenge {
  algorithm: 'SHA-256';
  challenge: string;
  salt: string;
  signature: string;
  maxnumber: number;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** The challenge as this API issues it; anything else fails the start as `bad-response`. */
function checked(json: unknown): AltchaChallenge {
  const value = (json ?? {}) as Partial<AltchaChallenge>;
  if (
    value.algorithm !== 'SHA-256' ||
    !HEX64.test(String(value.challenge)) ||
    !HEX64.test(String(value.signature)) ||
    typeof value.salt !== 'string' ||
    value.salt.length > 200 ||
    !Number.isSafeInteger(value.maxnumber) ||
    value.maxnumber! < 1 ||
    value.maxnumber! > 1e8
  )
    throw new TypeError('the API answered a challenge this widget cannot solve');
  return value as AltchaChallenge;
}

/** Whether a `blob:` worker failed to start on this page once: then the next proofs go straight to the page. */
let workerRefused = false;

/** Solves `json` (the challenge endpoint's answer); resolves with ALTCHA's payload, base64. */
export async function prove(json: unknown, signal: AbortSignal): Promise<string> {
  const { algorithm, challenge, salt, signature, maxnumber } = checked(json);
  const search: Search = [salt, challenge, 0, maxnumber];
  const number = (workerRefused ? null : await inWorker(search, signal)) ?? (await onPage(search, signal));
  if (number === null) throw new TypeError('the challenge has no solution up to its maxnumber');
  return btoa(JSON.stringify({ algorithm, challenge, number, salt, signature }));
}

type Search = [salt: string, challenge: string, start: number, end: number];

/** In a `blob:` worker; `null` when the page refuses one (CSP, Trusted Types). */
function inWorker(search: Search, signal: AbortSignal): Promise<number | null | undefined> {
  let worker: Worker;
  const url = URL.createObjectURL(
    new Blob([`const solveRange=${String(solveRange)};onmessage=e=>postMessage(solveRange(...e.data))`], {
      type: 'text/javascript',
    }),
  );
  try {
    worker = new Worker(workerUrl(url) as string);
  } catch {
    URL.revokeObjectURL(url);
    return Promise.resolve(refused());
  }
  return new Promise((resolve, reject) => {
    const done = () => {
      worker.terminate();
      URL.revokeObjectURL(url);
      signal.removeEventListener('abort', abort);
    };
    const abort = () => (done(), reject(signal.reason));
    signal.addEventListener('abort', abort, { once: true });
    // A worker the page's CSP refuses fails here, after its constructor returned.
    worker.onerror = () => (done(), resolve(refused()));
    worker.onmessage = (event: MessageEvent<number | null>) => (done(), resolve(event.data));
    worker.postMessage(search);
  });
}

/**
 * The worker's URL as Trusted Types want it: through a policy named `share-link-embed`, which
 * passes only the `blob:` URLs made here. A page that enforces Trusted Types and does not allow
 * that name refuses it: the search then runs on the page.
 */
function workerUrl(url: string): unknown {
  const types = (
    globalThis as {
      trustedTypes?: { createPolicy(name: string, rules: object): { createScriptURL(url: string): unknown } };
    }
  ).trustedTypes;
  policy ??= types?.createPolicy('share-link-embed', {
    createScriptURL: (value: string) => (value.startsWith('blob:') ? value : ''),
  });
  return policy ? policy.createScriptURL(url) : url;
}

let policy: { createScriptURL(url: string): unknown } | undefined;

function refused(): null {
  if (!workerRefused)
    console.info(
      '<share-link-embed> this page refuses blob: workers (its Content-Security-Policy or Trusted Types), so the proof of work runs on the page in short slices. Add worker-src blob: (and, with Trusted Types, the policy name share-link-embed) to run it off the main thread.',
    );
  workerRefused = true;
  return null;
}

/** Slices of this many numbers (a few ms each) between yields to the page. */
const SLICE = 4_000;

/** On the page, slice by slice, yielding between them (a message, not a timer: no 4 ms clamp). */
async function onPage([salt, challenge, start, end]: Search, signal: AbortSignal): Promise<number | null> {
  const channel = new MessageChannel();
  const yielded = () =>
    new Promise<void>((resolve) => {
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(0);
    });
  try {
    for (let from = start; from <= end; from += SLICE) {
      signal.throwIfAborted();
      const found = solveRange(salt, challenge, from, Math.min(end, from + SLICE - 1));
      if (found !== null) return found;
      await yielded();
    }
    return null;
  } finally {
    channel.port1.close();
  }
}
