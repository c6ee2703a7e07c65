/**
 * What the public API may say about a share link and its persona (docs/api.md, "What leaves"):
 * explicit allow-lists of the fields the widget reads (src/schema.ts). Anything else stored beside
 * them (notes, secrets, organisation data, a persona's brain, voice, tools, knowledge or engine,
 * fields a later version adds) stays on the server, whatever the store holds.
 */
import type { PublicPersona, ShareLink } from '../src/schema.ts';
import type { StoredPersona, StoredShareLink } from './schemas.ts';

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
    challenge: link.challenge,
  };
}

/**
 * Only what a visitor's browser may see of a persona. Media paths stored as `/media/...` become
 * absolute URLs on `apiBase` (server/origins.ts), or `null` when it is unknown.
 */
export function publicPersona(persona: StoredPersona, apiBase: string | null): PublicPersona {
  const { id, name, description, avatar } = persona;
  return {
    id,
    name,
    description,
    avatar: {
      id: avatar.id,
      displayName: avatar.displayName,
      imageUrl: absoluteMediaUrl(avatar.imageUrl, apiBase),
      videoUrl: absoluteMediaUrl(avatar.videoUrl, apiBase),
    },
  };
}

/**
 * An absolute URL for a media path stored as `/media/…`, on the API's public base (never on the
 * request's `Host`, which the client chooses). Absolute URLs are kept as they are.
 */
export function absoluteMediaUrl(url: string | null, apiBase: string | null): string | null {
  if (url === null) return null;
  if (/^https?:\/\//i.test(url)) return url;
  return apiBase === null ? null : `${apiBase.replace(/\/+$/, '')}${url}`;
}
