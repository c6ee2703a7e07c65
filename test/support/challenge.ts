/** Solves an ALTCHA challenge as a browser's solver would (src/challenge/), for tests and the benchmark. */
import { createHash } from 'node:crypto';

export interface IssuedChallenge {
  algorithm: string;
  challenge: string;
  salt: string;
  signature: string;
  maxnumber: number;
}

export function solveChallenge({ challenge, salt, maxnumber }: IssuedChallenge): { number: number } {
  for (let number = 0; number <= maxnumber; number++)
    if (createHash('sha256').update(`${salt}${number}`).digest('hex') === challenge) return { number };
  throw new Error('no solution up to maxnumber');
}

/** ALTCHA's payload of a solved challenge: what `X-Share-Link-Challenge` carries. */
export const altchaPayload = (issued: IssuedChallenge, number = solveChallenge(issued).number): string =>
  Buffer.from(
    JSON.stringify({
      algorithm: issued.algorithm,
      challenge: issued.challenge,
      number,
      salt: issued.salt,
      signature: issued.signature,
    }),
  ).toString('base64');
