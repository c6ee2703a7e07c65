/**
 * The search of a proof of work: the `number` in `[start, end]` with SHA-256(`salt` + `number`) =
 * `challenge` (ALTCHA's challenge, docs/security.md), or `null`.
 *
 * One self-contained function, because it runs twice over: stringified into a `blob:` worker (the
 * only worker a page can start from a bundle on another origin, prove.ts), and on the page in
 * slices when the page's CSP refuses that. So it can reference nothing outside its body, a library
 * included: it carries SHA-256 itself (FIPS 180-4; the server checks every answer with altcha-lib,
 * and test/unit/challenge.test.ts checks this against Node's). The salt's first 64-byte blocks are
 * hashed once; each number costs the last block or two.
 */
export function solveRange(salt: string, challenge: string, start: number, end: number): number | null {
  const primes: number[] = [];
  for (let n = 2; primes.length < 64; n++) if (primes.every((p) => n % p)) primes.push(n);
  const frac = (x: number) => ((x - Math.floor(x)) * 4294967296) | 0;
  const K = primes.map((p) => frac(Math.cbrt(p)));
  const IV = primes.slice(0, 8).map((p) => frac(Math.sqrt(p)));
  const w = new Int32Array(64);
  const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));
  /** One 64-byte block of `bytes` at `at` into the state `h`. */
  const block = (h: Int32Array, bytes: Uint8Array, at: number) => {
    for (let i = 0; i < 16; i++)
      w[i] =
        (bytes[at + 4 * i]! << 24) |
        (bytes[at + 4 * i + 1]! << 16) |
        (bytes[at + 4 * i + 2]! << 8) |
        bytes[at + 4 * i + 3]!;
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15]!;
      const b = w[i - 2]!;
      w[i] =
        (w[i - 16]! + (rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3)) + w[i - 7]! + (rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10))) |
        0;
    }
    let a = h[0]!,
      b = h[1]!,
      c = h[2]!,
      d = h[3]!,
      e = h[4]!,
      f = h[5]!,
      g = h[6]!,
      k = h[7]!;
    for (let i = 0; i < 64; i++) {
      const t1 = (k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      k = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] = (h[0]! + a) | 0;
    h[1] = (h[1]! + b) | 0;
    h[2] = (h[2]! + c) | 0;
    h[3] = (h[3]! + d) | 0;
    h[4] = (h[4]! + e) | 0;
    h[5] = (h[5]! + f) | 0;
    h[6] = (h[6]! + g) | 0;
    h[7] = (h[7]! + k) | 0;
  };
  const prefix = new TextEncoder().encode(salt);
  const full = prefix.length - (prefix.length % 64);
  const mid = new Int32Array(IV);
  for (let at = 0; at < full; at += 64) block(mid, prefix, at);
  const target = new Int32Array(8);
  for (let i = 0; i < 8; i++) target[i] = parseInt(challenge.slice(8 * i, 8 * i + 8), 16) | 0;
  const tail = new Uint8Array(128);
  tail.set(prefix.subarray(full));
  const rest = prefix.length - full;
  const h = new Int32Array(8);
  for (let n = start; n <= end; n++) {
    const digits = String(n);
    let at = rest;
    for (let i = 0; i < digits.length; i++) tail[at++] = digits.charCodeAt(i);
    tail[at++] = 0x80;
    const blocks = at + 8 > 64 ? 2 : 1;
    tail.fill(0, at, blocks * 64);
    const bits = (prefix.length + digits.length) * 8;
    tail[blocks * 64 - 2] = bits >>> 8;
    tail[blocks * 64 - 1] = bits & 0xff;
    h.set(mid);
    block(h, tail, 0);
    if (blocks === 2) block(h, tail, 64);
    if (h[0] === target[0] && h.every((value, i) => value === target[i])) return n;
  }
  return null;
}
