/**
 * The management API (docs/api.md, "Management"), as the console calls it: same origin, the key as
 * the bearer header, an `AbortSignal` on every call, and every failure one `ApiError` that says
 * what happened in words an operator can act on.
 */
import type {
  Analytics,
  AnalyticsGrouping,
  Conversation,
  ConversationShare,
  ManagedLink,
  Page,
  ShareMode,
  WebhookDeliveries,
  WritableLink,
} from './types.ts';

export class ApiError extends Error {
  constructor(
    /** The HTTP status; `0` when no answer came (offline, timeout). */
    readonly status: number,
    /** The API's `error` code (`invalid-request`, `not-found`, …), or `network`. */
    readonly reason: string,
    message: string,
    /** The field a `400` names (`allowedOrigins.1`). */
    readonly field?: string,
  ) {
    super(message);
  }
}

/**
 * A collection the API does not offer: an older API, or one without that feature. Collections have
 * no other `404`, so the console says the section is not offered rather than show nothing.
 */
export const isMissingEndpoint = (error: unknown): error is ApiError =>
  error instanceof ApiError && error.status === 404;

export interface ApiOptions {
  key: string;
  /** `''` for the page's own origin; an absolute URL elsewhere (tests). */
  base?: string;
  /** Told when the API refuses the key (`401`), so the console can ask for it again. */
  onUnauthorized?: () => void;
  fetch?: typeof fetch;
}

type Query = Record<string, string | number | undefined>;

export interface LinkQuery {
  search?: string;
  page?: number;
  perPage?: number;
  personaId?: string;
}

export interface AnalyticsQuery {
  from: string;
  to: string;
  groupBy: AnalyticsGrouping;
  shareLinkId?: string;
}

export interface ConversationQuery {
  shareLinkId?: string;
  origin?: string;
  from?: string;
  to?: string;
  page?: number;
  perPage?: number;
}

export type NewLink = Partial<WritableLink> & { personaId: string };

const TIMEOUT_MS = 15_000;

export class ManagementApi {
  readonly #key: string;
  readonly #base: string;
  readonly #onUnauthorized: (() => void) | undefined;
  readonly #fetch: typeof fetch;

  constructor({ key, base = '', onUnauthorized, fetch: fetchImpl = globalThis.fetch.bind(globalThis) }: ApiOptions) {
    this.#key = key;
    this.#base = base;
    this.#onUnauthorized = onUnauthorized;
    this.#fetch = fetchImpl;
  }

  listLinks(query: LinkQuery, signal?: AbortSignal): Promise<Page<ManagedLink>> {
    return this.#call('GET', '/v1/share-links', { query: { ...query }, signal });
  }
  link(id: string, signal?: AbortSignal): Promise<ManagedLink> {
    return this.#call('GET', `/v1/share-links/${encodeURIComponent(id)}`, { signal });
  }
  createLink(fields: NewLink, signal?: AbortSignal): Promise<ManagedLink> {
    return this.#call('POST', '/v1/share-links', { body: fields, signal });
  }
  updateLink(id: string, changes: Partial<WritableLink>, signal?: AbortSignal): Promise<ManagedLink> {
    return this.#call('PATCH', `/v1/share-links/${encodeURIComponent(id)}`, { body: changes, signal });
  }
  deleteLink(id: string, signal?: AbortSignal): Promise<null> {
    return this.#call('DELETE', `/v1/share-links/${encodeURIComponent(id)}`, { signal });
  }
  /** Creates or replaces the link's signing key; the answer is the only time it is shown. */
  rotateSigningKey(id: string, signal?: AbortSignal): Promise<{ signingKey: string }> {
    return this.#call('POST', `/v1/share-links/${encodeURIComponent(id)}/signing-key`, { signal });
  }
  analytics(query: AnalyticsQuery, signal?: AbortSignal): Promise<Analytics> {
    return this.#call('GET', '/v1/analytics', { query: { ...query }, signal });
  }
  conversations(query: ConversationQuery, signal?: AbortSignal): Promise<Page<Conversation>> {
    return this.#call('GET', '/v1/conversations', { query: { ...query }, signal });
  }
  conversation(id: string, signal?: AbortSignal): Promise<Conversation> {
    return this.#call('GET', `/v1/conversations/${encodeURIComponent(id)}`, { signal });
  }
  deleteConversation(id: string, signal?: AbortSignal): Promise<null> {
    return this.#call('DELETE', `/v1/conversations/${encodeURIComponent(id)}`, { signal });
  }
  shareConversation(mode: ShareMode, id: string, hours: number, signal?: AbortSignal): Promise<ConversationShare> {
    const path = `/v1/conversations/share/${mode}/${encodeURIComponent(id)}/${hours}`;
    return this.#call('GET', path, { signal });
  }
  webhookDeliveries(query: { page?: number; perPage?: number }, signal?: AbortSignal): Promise<WebhookDeliveries> {
    return this.#call('GET', '/v1/webhooks/deliveries', { query: { ...query }, signal });
  }

  async #call<T>(
    method: string,
    path: string,
    { query, body, signal }: { query?: Query; body?: unknown; signal?: AbortSignal | undefined },
  ): Promise<T> {
    const url = new URL(`${this.#base}${path}`, this.#base || location.href);
    for (const [name, value] of Object.entries(query ?? {}))
      if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
    const deadline = AbortSignal.timeout(TIMEOUT_MS);
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method,
        headers: {
          Authorization: `Bearer ${this.#key}`,
          ...(body !== undefined && { 'Content-Type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      const timedOut = deadline.aborted;
      throw new ApiError(0, 'network', timedOut ? 'The API did not answer in time.' : 'The API could not be reached.');
    }
    if (response.status === 204) return null as T;
    const json: unknown = await response.json().catch(() => null);
    if (response.ok) return json as T;
    throw this.#failure(response, json);
  }

  #failure(response: Response, json: unknown): ApiError {
    const body = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
    const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 500) : undefined);
    const reason = text(body['error']) ?? `http-${response.status}`;
    let message = text(body['message']) ?? `The API answered ${response.status}.`;
    if (response.status === 401) {
      this.#onUnauthorized?.();
      message = 'The API refused the management key.';
    }
    if (response.status === 429) {
      const seconds = Number(response.headers.get('retry-after'));
      message = `Too many requests${Number.isFinite(seconds) && seconds > 0 ? `: try again in ${seconds} s` : ''}.`;
    }
    return new ApiError(response.status, reason, message, text(body['field']));
  }
}
