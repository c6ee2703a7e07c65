/**
 * One call to a vendor's API (server/engines.ts mints engines with it): a timeout, no redirects, a
 * capped body, JSON, and a validated answer. Every failure is an `EngineError` whose message names
 * the engine and what went wrong, never a key or an upstream body (which may echo what it was sent).
 */
import * as v from 'valibot';
import type { Secret } from './engines.ts';
import type { EngineKind } from './schemas.ts';

/** An engine could not be minted. The message is safe to log: it never holds a key or an upstream body. */
export class EngineError extends Error {
  override name = 'EngineError';
  constructor(
    readonly kind: EngineKind,
    message: string,
  ) {
    super(`engine ${kind}: ${message}`);
  }
}

/** Where a vendor is, with the server's key for it, and the limits of a call. */
export interface VendorEndpoint {
  /** Base URL of the vendor's API, e.g. `https://api.anam.ai`. */
  apiUrl: string;
  apiKey: Secret;
  /** Per call, body included. */
  timeoutMs: number;
  /** Largest answer read; a larger one is a failure. */
  maxBodyBytes: number;
}

export interface VendorRequest {
  method: 'GET' | 'POST';
  /** Relative to the vendor's base URL. */
  path: string;
  headers: (key: string) => Record<string, string>;
  body?: string;
}

/** One upstream call: its JSON answer, or an `EngineError` saying what went wrong (never the key or the body). */
export async function callVendor(kind: EngineKind, vendor: VendorEndpoint, request: VendorRequest): Promise<unknown> {
  const { timeoutMs, maxBodyBytes } = vendor;
  const url = new URL(request.path, vendor.apiUrl.endsWith('/') ? vendor.apiUrl : `${vendor.apiUrl}/`).href;
  const where = `${request.method} ${url}`;
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method,
      headers: { Accept: 'application/json', ...request.headers(vendor.apiKey.reveal()) },
      ...(request.body === undefined ? {} : { body: request.body }),
      redirect: 'error',
      signal,
    });
  } catch (error) {
    throw new EngineError(kind, `${where} failed: ${describeFetchError(error, timeoutMs)}`);
  }
  let text: string;
  try {
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new EngineError(kind, `${where} answered ${response.status}`);
    }
    text = await readCapped(response, maxBodyBytes);
  } catch (error) {
    if (error instanceof EngineError) throw error;
    throw new EngineError(kind, `${where}: reading the answer failed: ${describeFetchError(error, timeoutMs)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new EngineError(kind, `${where} answered ${response.status} with a body that is not JSON`);
  }
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  if (error instanceof BodyTooLarge) return error.message;
  // Node's fetch puts the socket error (ECONNREFUSED, ENOTFOUND, ...) in `cause`; it never holds headers.
  const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof code === 'string' ? `network error ${code}` : 'network error';
}

class BodyTooLarge extends Error {}

/** Reads at most `maxBytes`, then gives up: an upstream answer is small, a huge one is a fault. */
async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new BodyTooLarge(`the answer is larger than ${maxBytes} bytes (${declared})`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLarge(`the answer is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The vendor's answer checked against its documented shape; an `EngineError` naming the field (never the value) otherwise. */
export function validateAnswer<TSchema extends v.GenericSchema>(
  kind: EngineKind,
  schema: TSchema,
  body: unknown,
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, body);
  if (result.success) return result.output;
  const issue = result.issues[0]!;
  const path = issue.path?.map((item) => String(item.key)).join('.') || 'body';
  // The issue's message may quote the value it received: name only the field, never the value.
  throw new EngineError(
    kind,
    `the answer does not have the documented shape (${path}: expected ${issue.expected ?? 'something else'})`,
  );
}
