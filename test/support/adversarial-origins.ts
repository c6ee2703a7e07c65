/**
 * Adversarial page origins against an allowlist with an exact origin and a wildcard, shared by
 * the policy tests (browser), the API tests (Node, real Origin headers) and the docs.
 */
export const ALLOWLIST = ['https://example.com', 'https://*.shop.example'];

export interface OriginCase {
  origin: string;
  allowed: boolean;
  why: string;
}

export const ORIGIN_CASES: OriginCase[] = [
  { origin: 'https://example.com', allowed: true, why: 'the exact origin' },
  { origin: 'https://EXAMPLE.com', allowed: true, why: 'host case is normalised' },
  { origin: 'https://example.com:443', allowed: true, why: 'the default port is normalised' },
  { origin: 'http://example.com', allowed: false, why: 'another scheme' },
  { origin: 'https://example.com:8443', allowed: false, why: 'another port' },
  { origin: 'https://example.com.evil.com', allowed: false, why: 'allowed host as a prefix of another domain' },
  { origin: 'https://evilexample.com', allowed: false, why: 'allowed host as a suffix without a dot' },
  { origin: 'https://example.com.', allowed: false, why: 'trailing dot' },
  { origin: 'https://www.example.com', allowed: false, why: 'a subdomain of an exact entry' },
  { origin: 'https://example.co', allowed: false, why: 'a shorter TLD' },
  { origin: 'https://example.comm', allowed: false, why: 'a longer TLD' },
  { origin: 'https://user@example.com', allowed: false, why: 'userinfo' },
  { origin: 'https://user:pass@example.com', allowed: false, why: 'userinfo with a password' },
  { origin: 'https://example.com/', allowed: false, why: 'a path (not an origin)' },
  { origin: 'https://example.com/path', allowed: false, why: 'a path' },
  { origin: 'https://example.com?x=1', allowed: false, why: 'a query' },
  { origin: 'https://example.com#x', allowed: false, why: 'a fragment' },
  { origin: 'https://example%2ecom', allowed: false, why: 'a percent-encoded dot' },
  { origin: 'https://example%2Ecom', allowed: false, why: 'a percent-encoded dot, upper case' },
  { origin: 'https://exa%6Dple.com', allowed: false, why: 'a percent-encoded letter' },
  { origin: 'https://xn--exmple-cua.com', allowed: false, why: 'a punycode look-alike (exämple)' },
  { origin: 'https://exаmple.com', allowed: false, why: 'a Cyrillic look-alike letter' },
  { origin: 'null', allowed: false, why: 'the opaque origin (sandboxed frames, file:)' },
  { origin: 'file://', allowed: false, why: 'a file: origin' },
  { origin: '', allowed: false, why: 'empty' },
  { origin: 'https://example.com\\@evil.com', allowed: false, why: 'a backslash-userinfo trick' },
  { origin: 'https://evil.com#@example.com', allowed: false, why: 'a fragment-userinfo trick' },
  { origin: 'https://example.com%00.evil.com', allowed: false, why: 'an encoded NUL' },
  { origin: 'ws://example.com', allowed: false, why: 'a websocket scheme' },
  { origin: 'javascript://example.com', allowed: false, why: 'a javascript: scheme' },
  { origin: 'https://*.shop.example', allowed: false, why: 'the wildcard itself as an origin' },
  { origin: 'https://a.shop.example', allowed: true, why: 'a subdomain of the wildcard' },
  { origin: 'https://a.b.shop.example', allowed: true, why: 'a deeper subdomain of the wildcard' },
  { origin: 'https://a.SHOP.example', allowed: true, why: 'a subdomain, case normalised' },
  { origin: 'https://shop.example', allowed: false, why: "the wildcard's own apex" },
  { origin: 'https://evilshop.example', allowed: false, why: "the wildcard's domain as a suffix without a dot" },
  { origin: 'https://a.shop.example.evil.com', allowed: false, why: "the wildcard's domain as a prefix" },
  { origin: 'https://a..shop.example', allowed: false, why: 'an empty label' },
  { origin: 'https://.shop.example', allowed: false, why: 'an empty first label' },
  { origin: 'https://a.shop.example.', allowed: false, why: 'a subdomain with a trailing dot' },
  { origin: 'http://a.shop.example', allowed: false, why: 'a subdomain on another scheme' },
  { origin: 'https://a.shop.example:444', allowed: false, why: 'a subdomain on another port' },
  { origin: 'https://a.shop.exampl', allowed: false, why: 'a truncated domain' },
  { origin: 'https://a-shop.example', allowed: false, why: 'a hyphen instead of a dot' },
  { origin: 'https://a%2eshop.example', allowed: false, why: 'a percent-encoded dot before the domain' },
  { origin: 'https://127.0.0.1', allowed: false, why: 'an IP address' },
  { origin: 'https://[::1]', allowed: false, why: 'an IPv6 address' },
];

/** Allowlists that must refuse, or allow, a page at `origin` (for the widget, whose page origin is fixed). */
export function allowlistCasesFor(origin: string): { allowedOrigins: string[]; allowed: boolean; why: string }[] {
  const url = new URL(origin);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const otherPort = String(Number(port) + 1);
  return [
    { allowedOrigins: [origin], allowed: true, why: 'the exact origin' },
    { allowedOrigins: [origin.toUpperCase()], allowed: true, why: 'the origin in upper case' },
    { allowedOrigins: ['https://elsewhere.example', origin], allowed: true, why: 'the origin second in the list' },
    { allowedOrigins: [`${origin}/`], allowed: false, why: 'with a trailing slash (not a plain origin)' },
    { allowedOrigins: [`${origin}.evil.com`], allowed: false, why: 'as a prefix of another domain' },
    {
      allowedOrigins: [origin.replace(url.hostname, `evil${url.hostname}`)],
      allowed: false,
      why: 'a longer host ending in ours',
    },
    { allowedOrigins: [origin.replace(`:${url.port}`, `:${otherPort}`)], allowed: false, why: 'another port' },
    { allowedOrigins: [origin.replace('http:', 'https:')], allowed: false, why: 'another scheme' },
    {
      allowedOrigins: [origin.replace('//', '//*.')],
      allowed: false,
      why: 'a wildcard over our own host (never the apex)',
    },
    { allowedOrigins: ['*'], allowed: false, why: 'a bare asterisk' },
    { allowedOrigins: ['null'], allowed: false, why: 'the string null' },
    { allowedOrigins: [origin.replace('//', '//user@')], allowed: false, why: 'with userinfo' },
    { allowedOrigins: [`${origin}.`], allowed: false, why: 'with a trailing dot' },
    { allowedOrigins: [], allowed: false, why: 'an empty list' },
  ];
}
