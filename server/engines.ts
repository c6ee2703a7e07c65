/**
 * Conversation engines (docs/conversations.md, "Engines"): what `POST /v1/embed/{token}/sessions` hands the browser so
 * that it can run the conversation, minted here with credentials that never leave the server.
 *
 * - `anam`: `POST {ANAM_API_URL}/v1/auth/session-token` (`Authorization: Bearer ANAM_API_KEY`,
 *   body `{ personaConfig: { personaId } }`, a stateful token for the persona's own id) → `{ sessionToken }`.
 * - `elevenlabs`: `GET {ELEVENLABS_API_URL}/v1/convai/agents/{agentId}/link` (`xi-api-key`) →
 *   the agent's shareable link, whose `token.conversation_token` the browser client connects with.
 * - `scripted`: the reference API's own demo engine, a WebSocket on the API's public origin.
 *
 * Every upstream call has a timeout, a capped body and a validated answer. Any failure is an
 * `EngineError` whose message names the engine and what went wrong, never a key or an upstream
 * body (which may echo what it was sent).
 */
import { inspect } from 'node:util';
import * as v from 'valibot';
import type { SessionEngine } from '../src/engine-schema.ts';
import { LIMITS } from '../src/schema.ts';
import type { EngineSetting } from './schemas.ts';
import { SCRIPTED_ENGINE_PATH } from './scripted-engine.ts';
import { EngineError, callVendor, validateAnswer, type VendorEndpoint } from './vendor-call.ts';

export { EngineError } from './vendor-call.ts';

/** A credential that prints as `[redacted]` wherever it ends up: logs, JSON, `util.inspect`. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The credential itself, for the one header that carries it upstream. */
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return 'Secret([redacted])';
  }
}

export interface VendorConfig {
  /** Base URL of the vendor's API, e.g. `https://api.anam.ai`. */
  apiUrl: string;
  /** The server's key for it; without one, personas on this engine answer 502. */
  apiKey: Secret | null;
}

export interface EngineConfig {
  anam: VendorConfig;
  elevenlabs: VendorConfig;
  /** Per upstream call, body included. */
  timeoutMs: number;
  /** Largest upstream answer read; a larger one is a failure. */
  maxBodyBytes: number;
}

export const DEFAULT_ANAM_API_URL = 'https://api.anam.ai';
export const DEFAULT_ELEVENLABS_API_URL = 'https://api.elevenlabs.io';
export const DEFAULT_ENGINE_TIMEOUT_MS = 8000;
export const DEFAULT_MAX_UPSTREAM_BODY_BYTES = 64 * 1024;

export class EngineConfigError extends Error {
  override name = 'EngineConfigError';
}

/**
 * Reads `ANAM_API_KEY`, `ANAM_API_URL`, `ELEVENLABS_API_KEY`, `ELEVENLABS_API_URL` once, at start.
 * A URL that is not http(s) is an `EngineConfigError` naming the variable (the server stops).
 */
export function engineConfigFromEnv(env: NodeJS.ProcessEnv = process.env): EngineConfig {
  return {
    anam: { apiUrl: baseUrl(env, 'ANAM_API_URL', DEFAULT_ANAM_API_URL), apiKey: secret(env['ANAM_API_KEY']) },
    elevenlabs: {
      apiUrl: baseUrl(env, 'ELEVENLABS_API_URL', DEFAULT_ELEVENLABS_API_URL),
      apiKey: secret(env['ELEVENLABS_API_KEY']),
    },
    timeoutMs: DEFAULT_ENGINE_TIMEOUT_MS,
    maxBodyBytes: DEFAULT_MAX_UPSTREAM_BODY_BYTES,
  };
}

/** No keys, the vendors' public hosts: personas on `anam` or `elevenlabs` answer 502, `scripted` works. */
export const NO_ENGINE_KEYS: EngineConfig = engineConfigFromEnv({});

function secret(value: string | undefined): Secret | null {
  return value?.trim() ? new Secret(value.trim()) : null;
}

function baseUrl(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const value = env[name]?.trim();
  if (!value) return new URL(fallback).href;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new EngineConfigError(`${name} is not a URL: "${value.slice(0, 200)}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new EngineConfigError(`${name} must be an http: or https: URL, not "${value.slice(0, 200)}"`);
  if (url.username || url.password || url.search || url.hash)
    throw new EngineConfigError(`${name} must be a base URL without credentials, query or fragment`);
  return url.href;
}

export interface MintContext {
  config: EngineConfig;
  /** The session token just granted; the scripted engine's URL carries it. */
  sessionToken: string;
  /** Where browsers reach this API (`https://api.example.com`), where the scripted engine listens; `null` when unknown. */
  apiBase: string | null;
  /** The server's clock, in ms. */
  now: number;
}

/** A persona as far as minting is concerned: its id and its private `engine` setting. */
export interface EnginePersona {
  id: string;
  engine?: EngineSetting | null | undefined;
}

/**
 * Mints what the browser needs to run the persona's conversation, or `null` when the persona has
 * no engine (the page runs it with the session token). Rejects with an `EngineError` on any failure.
 */
export async function mintEngine(persona: EnginePersona, context: MintContext): Promise<SessionEngine | null> {
  const engine = persona.engine;
  if (!engine) return null;
  switch (engine.kind) {
    case 'scripted':
      if (!context.apiBase) throw new EngineError('scripted', 'the API does not know its public URL (set publicUrl)');
      return { kind: 'scripted', url: scriptedEngineUrl(context.apiBase, context.sessionToken) };
    case 'anam':
      return mintAnam(persona.id, context);
    case 'elevenlabs':
      return mintElevenLabs(engine.agentId, context);
  }
}

/** `ws(s)://<the API's host>/v1/engines/scripted?session=<session token>`. */
export function scriptedEngineUrl(apiBase: string, sessionToken: string): string {
  const url = new URL(SCRIPTED_ENGINE_PATH, apiBase);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('session', sessionToken);
  return url.href;
}

// ---- Anam -------------------------------------------------------------------------------------

/** Anam's answer: a signed JWT the browser SDK opens its WebRTC connection with. */
const AnamSessionTokenSchema = v.object({
  sessionToken: v.pipe(v.string(), v.minLength(16), v.maxLength(LIMITS.engineToken)),
});

async function mintAnam(personaId: string, { config }: MintContext): Promise<SessionEngine> {
  const body = await callVendor('anam', vendorFor('anam', config), {
    method: 'POST',
    path: 'v1/auth/session-token',
    headers: (key) => ({ Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }),
    body: JSON.stringify({ personaConfig: { personaId } }),
  });
  const answer = validateAnswer('anam', AnamSessionTokenSchema, body);
  return { kind: 'anam', sessionToken: answer.sessionToken };
}

// ---- ElevenLabs -------------------------------------------------------------------------------

/** `GetAgentLinkResponseModel` (seeds: elevenlabs-get-agent-link.md); unknown fields are ignored. */
const ElevenLabsAgentLinkSchema = v.object({
  agent_id: v.string(),
  token: v.nullable(
    v.object({
      agent_id: v.string(),
      conversation_token: v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.engineToken)),
      expiration_time_unix_secs: v.optional(
        v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(8.64e12))),
      ),
      conversation_id: v.optional(v.nullable(v.string())),
      purpose: v.optional(v.picklist(['signed_url', 'shareable_link'])),
      token_requester_user_id: v.optional(v.nullable(v.string())),
    }),
  ),
});

async function mintElevenLabs(agentId: string, { config, now }: MintContext): Promise<SessionEngine> {
  const body = await callVendor('elevenlabs', vendorFor('elevenlabs', config), {
    method: 'GET',
    path: `v1/convai/agents/${encodeURIComponent(agentId)}/link`,
    headers: (key) => ({ 'xi-api-key': key }),
  });
  const { token } = validateAnswer('elevenlabs', ElevenLabsAgentLinkSchema, body);
  if (!token) throw new EngineError('elevenlabs', `agent ${agentId} has no shareable link token (token: null)`);
  const expiresInSeconds = token.expiration_time_unix_secs ?? null;
  if (expiresInSeconds !== null && expiresInSeconds * 1000 <= now) {
    throw new EngineError(
      'elevenlabs',
      `agent ${agentId}'s conversation token expired at ${new Date(expiresInSeconds * 1000).toISOString()}`,
    );
  }
  return {
    kind: 'elevenlabs',
    conversationToken: token.conversation_token,
    expiresAt: expiresInSeconds === null ? null : new Date(expiresInSeconds * 1000).toISOString(),
  };
}

// ---- Keys ----------------------------------------------------------------------------------------

const ENV_KEY_NAME = { anam: 'ANAM_API_KEY', elevenlabs: 'ELEVENLABS_API_KEY' } as const;
type Vendor = keyof typeof ENV_KEY_NAME;

/** A vendor's URL, key and call limits; an `EngineError` naming the variable when the server has no key. */
function vendorFor(kind: Vendor, config: EngineConfig): VendorEndpoint {
  const { apiUrl, apiKey } = config[kind];
  if (!apiKey) throw new EngineError(kind, `${ENV_KEY_NAME[kind]} is not set on the server`);
  return { apiUrl, apiKey, timeoutMs: config.timeoutMs, maxBodyBytes: config.maxBodyBytes };
}

/** The variable whose key a persona's engine needs and the server lacks (its sessions will answer 502), or `null`. */
export function missingEngineKey(engine: EngineSetting | null | undefined, config: EngineConfig): string | null {
  const kind = engine?.kind;
  if (kind === undefined || !Object.hasOwn(ENV_KEY_NAME, kind)) return null;
  return config[kind as Vendor].apiKey ? null : ENV_KEY_NAME[kind as Vendor];
}
