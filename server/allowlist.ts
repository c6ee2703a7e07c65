/**
 * Allowed-origin entries (docs/policy.md, "Origins"): whether an entry may be stored, and if not,
 * why, in words an operator can act on. The verdict is the policy's own parser's
 * (`parseAllowlistEntry` in src/policy.ts) plus the public-suffix list; `diagnose` only explains
 * what that parser refused, it never decides.
 *
 * Pure, and safe in a browser: the API's write schemas (server/schemas.ts) and the console's
 * origins editor (console/links/origins-editor.ts) import this one module, so the console says
 * exactly what the API would answer.
 */
import { parse as parseDomain } from 'tldts';
import { parseAllowlistEntry } from '../src/policy.ts';

/** True for `com`, `co.uk`, `github.io`: a wildcard over one would admit strangers' sites. */
export function isPublicSuffix(domain: string): boolean {
  const parsed = parseDomain(domain, { allowPrivateDomains: true });
  return parsed.publicSuffix === domain && (parsed.isIcann === true || parsed.isPrivate === true);
}

/** Why an allowlist entry is refused, or `null` when it is a plain origin or a safe wildcard. */
export function allowlistEntryProblem(entry: string): string | null {
  const parsed = parseAllowlistEntry(entry);
  const shown = `"${entry.slice(0, 100)}"`;
  if (!parsed) return `${shown} ${diagnose(entry)}`;
  if (parsed.wildcard && isPublicSuffix(parsed.host))
    return `${shown} is a wildcard over the public suffix "${parsed.host}", which would admit anyone's site`;
  return null;
}

const SHAPE = 'is not an origin (scheme://host[:port], no path, query or userinfo)';

/** What is wrong with an entry the parser refused; the shape itself when nothing more precise fits. */
function diagnose(entry: string): string {
  if (entry.trim() === '') return 'is empty';
  if (entry.trim() !== entry) return 'has spaces around it';
  const scheme = /^([a-z][a-z\d+.-]*):/i.exec(entry)?.[1]?.toLowerCase();
  if (!entry.includes('://'))
    return scheme && scheme !== 'localhost'
      ? `uses "${scheme}:"; pages that embed are served over http: or https:`
      : `has no scheme: write "https://${entry}"`;
  if (scheme !== 'http' && scheme !== 'https')
    return `uses "${scheme ?? entry.split('://')[0]}:"; pages that embed are served over http: or https:`;
  const rest = entry.slice(entry.indexOf('://') + 3);
  const authority = rest.split(/[/?#]/)[0]!;
  if (authority.includes('@')) return 'has a user name or password ("…@"); an origin has neither';
  if (rest.length > authority.length) {
    const tail = rest.slice(authority.length);
    if (tail === '/') return 'ends with "/"; an origin ends after the host and port';
    if (tail.startsWith('/')) return `has a path ("${tail.slice(0, 40)}"); an origin ends after the host and port`;
    return tail.startsWith('?')
      ? 'has a query ("?…"); an origin has none'
      : 'has a fragment ("#…"); an origin has none';
  }
  if (/\s/.test(authority)) return 'has a space in its host';
  if (authority.includes('%')) return 'has percent escapes; write the host as it is';
  const wildcard = authority.startsWith('*.');
  if (authority.slice(wildcard ? 2 : 0).includes('*'))
    return 'has a "*" that is not a whole first label; a wildcard is written scheme://*.example.com';
  const host = authority.slice(wildcard ? 2 : 0).replace(/:\d*$/, '');
  if (host.endsWith('.')) return 'ends its host with "."; write it without the trailing dot';
  if (host.startsWith('.') || host.includes('..')) return 'has an empty label in its host ("..")';
  if (wildcard && (host.startsWith('[') || /^\d+(\.\d+){3}$/.test(host)))
    return 'is a wildcard over an IP address; a wildcard covers subdomains of a domain name';
  const port = /:([^:\]]*)$/.exec(authority)?.[1];
  if (port !== undefined && port !== '' && !(/^\d{1,5}$/.test(port) && Number(port) <= 65535))
    return `has the port "${port.slice(0, 10)}"; a port is a number from 0 to 65535`;
  return SHAPE;
}
