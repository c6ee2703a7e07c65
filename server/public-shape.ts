/**
 * What the public API may say about a share link: an explicit allow-list of the fields the widget
 * reads (src/schema.ts's `ShareLinkSchema`). Anything else stored beside them (notes, secrets,
 * organisation data, fields a later version adds) stays on the server, whatever the store holds.
 */
import type { ShareLink } from '../src/schema.ts';
import type { StoredShareLink } from './schemas.ts';

/** Built field by field: the return type rejects a missing field, and an object literal an extra one. */
export function publicShareLink(link: StoredShareLink): ShareLink {
  return {
    id: link.id,
    token: link.token,
    type: link.type,
    expiresAt: link.expiresAt,
    usageLimit: link.usageLimit,
    usageCount: link.usageCount,
    allowedOrigins: [...link.allowedOrigins],
    allowAllOrigins: link.allowAllOrigins,
    removeWatermark: link.removeWatermark,
    enabled: link.enabled,
    isPrimary: link.isPrimary,
    createdAt: link.createdAt,
    personaId: link.personaId,
    personaName: link.personaName,
  };
}

/**
 * An absolute URL for a media path stored as `/media/…`, on the API's public URL (never on the
 * request's `Host`, which the client chooses). Absolute URLs are kept as they are.
 */
export function absoluteMediaUrl(url: string | null, publicUrl: string): string | null {
  if (url === null) return null;
  if (/^https?:\/\//i.test(url)) return url;
  return `${publicUrl.replace(/\/+$/, '')}${url}`;
}
