/**
 * Proofs of work (docs/security.md, "Proof of work"): ALTCHA's challenges, made and checked with
 * altcha-lib. `GET /v1/embed/{token}/challenge` answers one (ALTCHA's challenge JSON); a session
 * start sends it back solved, as ALTCHA's payload (base64 of `{ algorithm, challenge, number, salt,
 * signature }`) in `X-Share-Link-Challenge`. Each is bound to its link and expires after 10 minutes
 * (both in its signed salt); the counted step spends it, so it starts one session at most.
 */
import { createChallenge, extractParams, verifySolution } from 'altcha-lib/v1';
import type { Challenge, Payload } from 'altcha-lib/v1/types';
import { deriveKey } from './derived-keys.ts';

export const CHALLENGE_LIFETIME_MS = 10 * 60 * 1000;
/**
 * How hard: the answer is drawn from 1 to this, so a solver tries half of it on average. About
 * 0.5 s of one core of a visitor's browser (measured in docs/security.md).
 */
export const CHALLENGE_MAX_NUMBER = 500_000;
/** Longer headers are refused unread. */
export const MAX_SOLUTION_LENGTH = 1024;

export type SolutionCheck = { valid: true; id: string; expiresAt: number } | { valid: false; message: string };

export interface Challenges {
  /** A new challenge for `linkId`, expiring `CHALLENGE_LIFETIME_MS` after `now`. */
  issue(linkId: string, now: number): Promise<Challenge>;
  /** Checks a solution for `linkId` at `now`; the proof to spend when valid. */
  check(solution: string | null, linkId: string, now: number): Promise<SolutionCheck>;
}

const HEX64 = /^[0-9a-f]{64}$/;

export function challenges(secret: string | Uint8Array, maxnumber = CHALLENGE_MAX_NUMBER): Challenges {
  // altcha-lib takes its HMAC key as a string; this one is derived from the session secret.
  const hmacKey = deriveKey(secret, 'sign challenges').toString('base64url');
  const failed = (message: string): SolutionCheck => ({ valid: false, message });
  return {
    issue: (linkId, now) =>
      createChallenge({ hmacKey, maxnumber, expires: new Date(now + CHALLENGE_LIFETIME_MS), params: { link: linkId } }),
    async check(solution, linkId, now) {
      if (!solution)
        return failed(
          'This share link asks for a proof of work: GET /v1/embed/{token}/challenge, solve it, and send it in X-Share-Link-Challenge (the element does this itself).',
        );
      const payload = solution.length <= MAX_SOLUTION_LENGTH ? parsePayload(solution, maxnumber) : null;
      if (!payload)
        return failed('X-Share-Link-Challenge does not hold an ALTCHA payload of a challenge from this API.');
      const params = extractParams(payload);
      const expiresAt = Number(params['expires']) * 1000;
      if (params['link'] !== linkId) return failed('The challenge was made for another share link.');
      if (!(now < expiresAt)) return failed('The challenge expired: ask for a new one.');
      // Expiry checked above by the server's clock (which tests pin); altcha-lib checks the rest.
      if (!(await verifySolution(payload, hmacKey, false)))
        return failed('The challenge is not solved, or not one this API made.');
      return { valid: true, id: `challenge:${payload.challenge}`, expiresAt };
    },
  };
}

/** ALTCHA's payload, every field of the type and size this API issues; `null` for anything else. */
function parsePayload(solution: string, maxnumber: number): Payload | null {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(solution, 'base64').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { algorithm, challenge, number, salt, signature } = value as Record<string, unknown>;
  const fits =
    algorithm === 'SHA-256' &&
    typeof challenge === 'string' &&
    HEX64.test(challenge) &&
    Number.isSafeInteger(number) &&
    (number as number) >= 0 &&
    (number as number) <= maxnumber &&
    typeof salt === 'string' &&
    salt.length <= 200 &&
    typeof signature === 'string' &&
    HEX64.test(signature);
  return fits ? { algorithm, challenge, number: number as number, salt, signature } : null;
}
