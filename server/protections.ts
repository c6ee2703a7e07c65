/**
 * What a link's protections ask of a request beyond the policy (docs/security.md): a signed embed
 * (`requireSignedEmbed`: an embed token, server/embed-tokens.ts) and a proof of work (`challenge:
 * "proof-of-work"`, server/challenges.ts). Lookups check the embed token; starts check both and
 * turn them into one-time proofs, which the counted step spends with the use (server/sessions.ts).
 * The velocity cap is the third protection; it is counted, not checked (server/velocity.ts).
 */
import { challenges, type Challenges } from './challenges.ts';
import { checkEmbedToken } from './embed-tokens.ts';
import type { StoredShareLink } from './schemas.ts';
import { signingKeySeal, type SigningKeySeal } from './signing-keys.ts';
import type { OneTimeProof } from './store/index.ts';

/** Why a protection refuses a request: the widget's reasons of the same names (src/errors.ts). */
export type ProtectionRefusal = 'signature-required' | 'signature-invalid' | 'challenge-failed';

export interface ProtectedRequest {
  /** The page origin, `null` when the request named none. */
  origin: string | null;
  /** ms since the epoch. */
  now: number;
  /** The `embedToken` query parameter, `null` when absent. */
  embedToken: string | null;
  /** Starts only: the `X-Share-Link-Challenge` header, `null` when absent. */
  solution?: string | null;
}

export type Guarded = { ok: true; proofs: OneTimeProof[] } | { ok: false; reason: ProtectionRefusal; message: string };

export interface Protections {
  /** For lookups (and challenges): the embed token, if the link requires one. Spends nothing. */
  lookup(link: StoredShareLink, request: ProtectedRequest): Guarded;
  /** For starts: every protection of the link, as the proofs the start spends. */
  start(link: StoredShareLink, request: ProtectedRequest): Promise<Guarded>;
  /** Why a start that found a proof spent is refused. */
  spent(proofId: string): Guarded & { ok: false };
  readonly challenges: Challenges;
  readonly seal: SigningKeySeal;
}

/** Everything keyed by the API's session secret (server/derived-keys.ts). */
export function createProtections(secret: string | Uint8Array, challengeMaxNumber?: number): Protections {
  const seal = signingKeySeal(secret);
  const issued = challenges(secret, challengeMaxNumber);
  const lookup = (link: StoredShareLink, { origin, now, embedToken }: ProtectedRequest): Guarded => {
    if (!link.requireSignedEmbed) return { ok: true, proofs: [] };
    const key = link.signingKey && seal.open(link.signingKey, link.id);
    const checked = checkEmbedToken(embedToken, { token: link.token, origin, key, now });
    if (!checked.valid) return { ok: false, reason: checked.reason, message: checked.message };
    return { ok: true, proofs: [{ id: `jti:${checked.jti}`, expiresAt: checked.expiresAt }] };
  };
  return {
    lookup: (link, request) => {
      const guarded = lookup(link, request);
      return guarded.ok ? { ok: true, proofs: [] } : guarded;
    },
    async start(link, request) {
      const signed = lookup(link, request);
      if (!signed.ok || link.challenge !== 'proof-of-work') return signed;
      const solved = await issued.check(request.solution ?? null, link.id, request.now);
      if (!solved.valid) return { ok: false, reason: 'challenge-failed', message: solved.message };
      return { ok: true, proofs: [...signed.proofs, { id: solved.id, expiresAt: solved.expiresAt }] };
    },
    spent: (proofId) =>
      proofId.startsWith('jti:')
        ? {
            ok: false,
            reason: 'signature-invalid',
            message: 'This embed token has started a session already: sign a new one for each start.',
          }
        : { ok: false, reason: 'challenge-failed', message: 'This challenge was used already: solve a new one.' },
    challenges: issued,
    seal,
  };
}
