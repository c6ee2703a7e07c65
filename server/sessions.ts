/**
 * Session starts (`POST /v1/embed/{token}/sessions`, docs/api.md): the one place that judges a
 * start, counts its use and mints its session. In order:
 *
 * 1. read the link and judge it with the policy (server/judging.ts);
 * 2. count the use, atomically, in the store, if the link is still as judged (`reserveUse`);
 * 3. mint the session token and the persona's engine (server/engines.ts), with no lock held,
 *    and check the answer against the schema the widget validates it with (src/engine-schema.ts);
 * 4. grant: make the use durable (`confirm`); or, if minting failed, give the use back (`release`).
 *
 * So a refused start counts nothing, a failed mint counts nothing (502), and a grant is answered
 * only once its use is durable. What each store guarantees (exact counts under concurrency, across
 * processes on PostgreSQL; a crash over-counts by at most one) is in server/store/.
 */
import * as v from 'valibot';
import type { SessionResponse } from '../src/schema.ts';
import { EngineError, mintEngine, type EngineConfig } from './engines.ts';
import { judgeLink, type JudgingContext, type Refusal } from './judging.ts';
import type { LinkObserver, Seen } from './observers.ts';
import { SessionResponseSchema, describeIssue } from './public-schemas.ts';
import type { StoredShareLink } from './schemas.ts';
import { mintSessionToken } from './session-token.ts';
import type { LinkLookup, ReservedUse, ResolvedLink, UseCounter } from './store/index.ts';

export const SESSION_LIFETIME_MS = 15 * 60 * 1000;

/** A start that keeps losing races (uses given back and taken again between its read and its count) stops trying. */
const MAX_COUNT_ATTEMPTS = 10;

export interface SessionServiceOptions {
  store: LinkLookup & UseCounter;
  /** The HMAC key session tokens are signed with (server/session-token.ts). */
  secret: string | Uint8Array;
  /** Vendor URLs and keys (server/engines.ts). */
  engines: EngineConfig;
  notify: LinkObserver;
}

export interface StartRequest {
  token: string;
  /** The page origin, `null` when the request named none. */
  origin: string | null;
  context: JudgingContext;
  /** ms since the epoch: the start's one clock reading, for the policy, the count and the tokens. */
  now: number;
  /** Where browsers reach this API (the scripted engine listens there); `null` when unknown. */
  apiBase: string | null;
}

/** Why a start is refused: the link's rules, an unknown token, or a session that could not be minted. */
export type StartRefusal = Refusal | 'not-found' | 'engine-failed';

export type StartOutcome =
  | { granted: true; answer: SessionResponse; link: StoredShareLink }
  | { granted: false; reason: StartRefusal; link?: StoredShareLink };

export interface SessionService {
  start(request: StartRequest): Promise<StartOutcome>;
}

export function createSessionService(options: SessionServiceOptions): SessionService {
  return { start: (request) => startSession(options, request) };
}

async function startSession(options: SessionServiceOptions, request: StartRequest): Promise<StartOutcome> {
  // 1 and 2: read and judge the link; count the use if the link is still as judged.
  const counted = await judgeAndCount(options.store, request);
  if (!counted.ok) return refused(options, request, counted.reason, counted.link);
  const { use, judged } = counted;
  // 3: mint, with no lock held. Whatever goes wrong, the use is given back.
  const minted = await mintAnswer(options, request, judged, use.usageCount).catch(async (error: unknown) => {
    await use.release();
    throw error;
  });
  // 4: give the use back, or grant it.
  if (!minted.ok) {
    await use.release();
    console.error(`[share-link-api] session for ${request.token} not granted, nothing counted: ${minted.problem}`);
    return refused(options, request, 'engine-failed', use.link);
  }
  await use.confirm();
  const { answer } = minted;
  options.notify({
    ...seen(request),
    type: 'session-granted',
    link: use.link,
    usageCount: use.usageCount,
    engine: answer.engine?.kind ?? null,
  });
  return { granted: true, answer, link: use.link };
}

type Counted =
  | { ok: true; use: ReservedUse; judged: ResolvedLink }
  | { ok: false; reason: Refusal | 'not-found'; link?: StoredShareLink };

/** Steps 1 and 2: read and judge the link, then count the use if the link is still as judged. */
async function judgeAndCount(store: LinkLookup & UseCounter, request: StartRequest): Promise<Counted> {
  for (let attempt = 1; ; attempt++) {
    const judged = await store.resolve(request.token);
    if (!judged) return { ok: false, reason: 'not-found' };
    const refusal = judgeLink(judged.link, request);
    if (refusal) return { ok: false, reason: refusal, link: judged.link };
    if (attempt > MAX_COUNT_ATTEMPTS) return { ok: false, reason: 'usage-limit-reached', link: judged.link };
    const use = await store.reserveUse({ judged, now: request.now, origin: request.origin });
    if (use) return { ok: true, use, judged };
    // The link changed since it was read (used up, or patched): read it again, to count or to name the reason.
  }
}

type Minted = { ok: true; answer: SessionResponse } | { ok: false; problem: string };

/** Step 3: the session token, then the engine, then the check against the widget's schema. */
async function mintAnswer(
  { secret, engines }: SessionServiceOptions,
  { origin, now, apiBase }: StartRequest,
  { link, persona }: ResolvedLink,
  usageCount: number,
): Promise<Minted> {
  const lifetimeMs = SESSION_LIFETIME_MS;
  const session = mintSessionToken({ linkId: link.id, personaId: link.personaId, origin, now, lifetimeMs }, secret);
  let engine: SessionResponse['engine'] = null;
  try {
    if (persona)
      engine = await mintEngine(persona, { config: engines, sessionToken: session.sessionToken, apiBase, now });
  } catch (error) {
    if (error instanceof EngineError) return { ok: false, problem: error.message };
    throw error;
  }
  const answer: SessionResponse = { ...session, usageCount, engine };
  // Never count a use for an answer the widget would refuse as `bad-response`.
  const checked = v.safeParse(SessionResponseSchema, answer);
  if (!checked.success) {
    const problem = `the answer does not pass the session schema (${describeIssue(checked.issues)})`;
    return { ok: false, problem: engine ? `engine ${engine.kind}: ${problem}` : problem };
  }
  return { ok: true, answer };
}

function refused(
  { notify }: SessionServiceOptions,
  request: StartRequest,
  reason: StartRefusal,
  link: StoredShareLink | undefined,
): StartOutcome {
  notify({ ...seen(request), type: 'session-refused', reason, ...(link && { link }) });
  return { granted: false, reason, ...(link && { link }) };
}

const seen = ({ token, origin, now }: StartRequest): Seen => ({
  token,
  origin,
  at: now,
});
