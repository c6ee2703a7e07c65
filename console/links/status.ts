/** A link's state at a glance, by the policy's own rules (src/policy.ts), time as an argument. */
import { isExpired } from '../../src/policy.ts';
import type { ManagedLink } from '../types.ts';

export interface LinkStatus {
  label: string;
  tone: 'ok' | 'bad' | 'warn';
}

export function linkStatus(link: ManagedLink, now: number): LinkStatus {
  if (!link.enabled) return { label: 'Disabled', tone: 'bad' };
  if (isExpired(link.expiresAt, now)) return { label: 'Expired', tone: 'bad' };
  if (link.usageLimit !== null && link.usageCount >= link.usageLimit) return { label: 'Used up', tone: 'bad' };
  if (!link.allowAllOrigins && link.allowedOrigins.length === 0) return { label: 'No origin allowed', tone: 'warn' };
  return { label: 'Active', tone: 'ok' };
}

export const TYPE_LABELS: Record<ManagedLink['type'], string> = {
  PLAYER_EMBED: 'Player',
  ORB_EMBED: 'Orb',
  LINK: 'Direct link',
};

/** Where a link may be embedded, in a few words. */
export function originsSummary(link: ManagedLink): string {
  if (link.allowAllOrigins) return 'Any site';
  const [first, second, ...rest] = link.allowedOrigins;
  if (!first) return 'Nowhere';
  return [first, second].filter(Boolean).join(', ') + (rest.length ? ` +${rest.length}` : '');
}
