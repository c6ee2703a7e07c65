/**
 * Webhooks (docs/operators.md, "Webhooks"): `conversation.started`, `conversation.ended` and
 * `share-link.usage-limit-reached`, signed as the Standard Webhooks specification says (its
 * maintained library, `standardwebhooks`), sent from the store's durable outbox.
 *
 * - Queued where they happen: a session start's events in the same atomic step as its count
 *   (`queueWebhooksOnUse`), a conversation's end when it is reported. Nothing is sent before it
 *   is durable, and a crash or restart loses nothing queued.
 * - At least once: an event leaves the outbox only when its receiver answered 2xx (or its retries
 *   ran out). An attempt cut short by a crash is made again, with the same `webhook-id`, so a
 *   receiver that has seen the id may skip it.
 * - Retries follow RETRY_SCHEDULE_MS: eight attempts over about 27 hours.
 * - One process per attempt: events are leased (server/store/postgres-operators.ts).
 */
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { ConversationEvent, LinkObserver } from './observers.ts';

type ConversationEnded = Extract<ConversationEvent, { type: 'conversation-ended' }>;
import { ConfigError } from './secrets.ts';
import type { CountedUse, LeasedWebhook, WebhookAttempt, WebhookEvent, WebhookOutbox } from './store/index.ts';

/** The waits before each retry: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (27 h 35 min in all). */
export const RETRY_SCHEDULE_MS = [5e3, 3e5, 18e5, 72e5, 18e6, 36e6, 36e6] as const;
/** How long a receiver has to answer. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** Events sent at once by one process. */
const BATCH = 10;
/** How often a process looks for due events (others' events, retries) when nothing wakes it. */
const POLL_MS = 1000;
const ATTEMPTS_KEPT_MS = 7 * 86_400_000;

export type WebhookType = 'conversation.started' | 'conversation.ended' | 'share-link.usage-limit-reached';

export interface WebhookConfig {
  url: string;
  /** `whsec_` then base64, as the Standard Webhooks specification writes secrets. */
  secret: string;
  timeoutMs?: number;
}

/** `SHARE_LINK_WEBHOOK_URL` and `SHARE_LINK_WEBHOOK_SECRET`; `null` when no URL is set. */
export function webhookConfigFromEnv(env: NodeJS.ProcessEnv): WebhookConfig | null {
  const url = env['SHARE_LINK_WEBHOOK_URL'];
  const secret = env['SHARE_LINK_WEBHOOK_SECRET'];
  if (!url) {
    if (secret) throw new ConfigError('SHARE_LINK_WEBHOOK_SECRET is set but SHARE_LINK_WEBHOOK_URL is not');
    return null;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('SHARE_LINK_WEBHOOK_URL must be an absolute http(s) URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new ConfigError('SHARE_LINK_WEBHOOK_URL must be an absolute http(s) URL');
  if (!secret) throw new ConfigError('SHARE_LINK_WEBHOOK_URL needs SHARE_LINK_WEBHOOK_SECRET (whsec_ then base64)');
  checkSecret(secret);
  return { url: parsed.href, secret };
}

/** The URL as the management API shows it: no userinfo, query or fragment, which may carry a receiver's secret. */
export const shownWebhookUrl = (url: string): string => {
  const { origin, pathname } = new URL(url);
  return `${origin}${pathname}`;
};

/** Refuses a secret the library could not use, or too short to be one (24 bytes at least). */
function checkSecret(secret: string): void {
  const body = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : null;
  if (body === null || !/^[A-Za-z0-9+/]+={0,2}$/.test(body) || Buffer.from(body, 'base64').length < 24)
    throw new ConfigError('SHARE_LINK_WEBHOOK_SECRET must be whsec_ then the base64 of at least 24 random bytes');
}

/** A new event: a fresh `webhook-id` and the body `{ type, timestamp, data }`. */
export function webhookEvent(type: WebhookType, at: number, data: Record<string, unknown>): WebhookEvent {
  const body = JSON.stringify({ type, timestamp: new Date(at).toISOString(), data });
  return { id: `msg_${randomUUID().replaceAll('-', '')}`, type, body, createdAt: at };
}

/** A granted use's events (the counted step queues them): the conversation started, and the link used up. */
export function eventsOfUse({ link, origin, now, conversationId }: CountedUse): WebhookEvent[] {
  const events = [
    webhookEvent('conversation.started', now, {
      ...(conversationId && { conversationId }),
      shareLinkId: link.id,
      personaId: link.personaId,
      origin,
      usageCount: link.usageCount,
      startedAt: new Date(now).toISOString(),
    }),
  ];
  if (link.usageLimit !== null && link.usageCount === link.usageLimit)
    events.push(
      webhookEvent('share-link.usage-limit-reached', now, {
        shareLinkId: link.id,
        personaId: link.personaId,
        usageLimit: link.usageLimit,
        usageCount: link.usageCount,
      }),
    );
  return events;
}

export function endedEvent({ conversation, at, durationSeconds, transcript }: ConversationEnded): WebhookEvent {
  return webhookEvent('conversation.ended', at, {
    conversationId: conversation.id,
    shareLinkId: conversation.shareLinkId,
    personaId: conversation.personaId,
    origin: conversation.origin,
    startedAt: conversation.startedAt,
    endedAt: conversation.endedAt ?? new Date(at).toISOString(),
    endReason: conversation.endReason,
    durationSeconds,
    transcript,
  });
}

export interface WebhookDispatcherOptions {
  store: WebhookOutbox;
  config: WebhookConfig;
  /** The server's clock: when attempts happen and retries fall due. */
  now?: () => number;
  /** Told of every attempt (metrics). */
  onAttempt?: (attempt: WebhookAttempt) => void;
}

export interface WebhookDispatcher {
  /** Subscribe it to the app's events: it queues `conversation.ended` and wakes on a grant. */
  observe: LinkObserver;
  /** Sends what is due now; resolves with the number of attempts made. */
  runOnce(): Promise<number>;
  /** Looks for due events every second and whenever one is queued here. */
  start(): void;
  /** Stops looking and waits for the attempts under way. */
  stop(): Promise<void>;
}

export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const { store, config, now = Date.now, onAttempt } = options;
  const signer = new Webhook(config.secret);
  const timeoutMs = config.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  // Long enough for the attempt and its record; a lease that ends means the process died.
  const leaseMs = timeoutMs + 30_000;
  let running: Promise<number> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let lastPrune = 0;
  store.queueWebhooksOnUse(eventsOfUse);

  const attempt = async (event: LeasedWebhook): Promise<void> => {
    const at = now();
    const started = performance.now();
    const sent = await send(config.url, signer, event, at, timeoutMs);
    const number = event.attempts + 1;
    const retry = !sent.ok && number <= RETRY_SCHEDULE_MS.length;
    const record: WebhookAttempt = {
      webhookId: event.id,
      type: event.type,
      attempt: number,
      at,
      status: sent.status,
      error: sent.error,
      durationMs: Math.round(performance.now() - started),
      outcome: sent.ok ? 'delivered' : retry ? 'retrying' : 'failed',
      nextAttemptAt: retry ? at + RETRY_SCHEDULE_MS[number - 1]! : null,
    };
    await store.settleWebhook(event, record);
    onAttempt?.(record);
  };

  const drain = async (): Promise<number> => {
    let made = 0;
    for (;;) {
      const due = await store.leaseWebhooks(now(), BATCH, leaseMs);
      await Promise.all(due.map(attempt));
      made += due.length;
      if (due.length < BATCH) break;
    }
    if (now() - lastPrune > 3_600_000) {
      lastPrune = now();
      await store.pruneWebhookAttempts(lastPrune - ATTEMPTS_KEPT_MS);
    }
    return made;
  };

  /** One drain at a time; a wake-up during one runs another after it. */
  const runOnce = async (): Promise<number> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let made = 0;
      do {
        again = false;
        made += await drain();
      } while (again);
      return made;
    })().finally(() => (running = null));
    return running;
  };

  const wake = () => {
    if (!timer) return;
    runOnce().catch(reportFailure);
  };

  return {
    observe(event) {
      if (event.type === 'session-granted') wake();
      if (event.type === 'conversation-ended')
        store.enqueueWebhook(endedEvent(event)).then(wake, (error: unknown) => {
          console.error(`[share-link-api] webhooks: conversation.ended of ${event.conversation.id} not queued:`, error);
        });
    },
    runOnce,
    start() {
      timer ??= setInterval(wake, POLL_MS);
      timer.unref();
      wake();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}

let lastFailure = 0;
/** A store that is away fails every poll: say so at most every 5 s. */
function reportFailure(error: unknown): void {
  if (Date.now() - lastFailure < 5000) return;
  lastFailure = Date.now();
  console.error('[share-link-api] webhooks: the outbox could not be read or updated:', (error as Error).message);
}

type Sent = { ok: boolean; status: number | null; error: string | null };

/** One signed POST; never throws. */
async function send(url: string, signer: Webhook, event: LeasedWebhook, at: number, timeoutMs: number): Promise<Sent> {
  const timestamp = new Date(at);
  try {
    const response = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'share-link-embed-webhooks',
        'webhook-id': event.id,
        'webhook-timestamp': String(Math.floor(at / 1000)),
        'webhook-signature': signer.sign(event.id, timestamp, event.body),
      },
      body: event.body,
    });
    await response.body?.cancel().catch(() => undefined);
    return response.ok
      ? { ok: true, status: response.status, error: null }
      : { ok: false, status: response.status, error: `HTTP ${response.status}` };
  } catch (error) {
    return { ok: false, status: null, error: describeFailure(error, timeoutMs) };
  }
}

function describeFailure(error: unknown, timeoutMs: number): string {
  const failure = error as Error & { cause?: { code?: string; message?: string } };
  if (failure.name === 'TimeoutError' || failure.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const cause = failure.cause?.code ?? failure.cause?.message;
  return (cause ? `${failure.message} (${cause})` : failure.message).slice(0, 500);
}
