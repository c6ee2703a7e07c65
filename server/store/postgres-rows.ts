/**
 * Share links as the PostgreSQL store keeps them (server/migrations/001_init.sql, 004_protection.sql):
 * a column per known field, and anything else a data file stores in `extra`.
 */
import { StoredShareLinkSchema, type StoredShareLink } from '../schemas.ts';

export interface LinkRow {
  id: string;
  token: string;
  type: StoredShareLink['type'];
  expires_at: Date | null;
  usage_limit: string | null;
  usage_count: string;
  allowed_origins: string[];
  allow_all_origins: boolean;
  remove_watermark: boolean;
  enabled: boolean;
  is_primary: boolean;
  created_at: Date;
  persona_id: string;
  persona_name: string;
  organization_id: string;
  revision: string;
  record_transcripts: boolean;
  starts_per_minute: number | null;
  challenge: StoredShareLink['challenge'];
  require_signed_embed: boolean;
  signing_key: string | null;
  recent_starts: Date[];
  extra: Record<string, unknown>;
}

/** The fields with columns of their own; anything else a data file stores goes into `extra`. */
const KNOWN_FIELDS = new Set(Object.keys(StoredShareLinkSchema.entries));

export function toLink(row: LinkRow): StoredShareLink {
  return {
    ...row.extra,
    id: row.id,
    token: row.token,
    type: row.type,
    expiresAt: row.expires_at === null ? null : row.expires_at.toISOString(),
    usageLimit: row.usage_limit === null ? null : Number(row.usage_limit),
    usageCount: Number(row.usage_count),
    allowedOrigins: row.allowed_origins,
    allowAllOrigins: row.allow_all_origins,
    removeWatermark: row.remove_watermark,
    enabled: row.enabled,
    isPrimary: row.is_primary,
    createdAt: row.created_at.toISOString(),
    personaId: row.persona_id,
    personaName: row.persona_name,
    organizationId: row.organization_id,
    recordTranscripts: row.record_transcripts,
    startsPerMinute: row.starts_per_minute,
    challenge: row.challenge,
    requireSignedEmbed: row.require_signed_embed,
    signingKey: row.signing_key,
  };
}

export const extraFields = (link: StoredShareLink) =>
  Object.fromEntries(Object.entries(link).filter(([key]) => !KNOWN_FIELDS.has(key)));
export const dateOrNull = (iso: string | null) => (iso === null ? null : new Date(Date.parse(iso)));
