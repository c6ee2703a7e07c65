/**
 * The link being edited: the writable fields the API's link carries (a field a newer API adds is
 * offered once its answers carry it, never sent to an API that would refuse it), and what a save
 * sends: the fields that changed, nothing else. Pure.
 */
import type { ManagedLink, WritableLink } from '../types.ts';

/** Fields every API has. */
const CORE_FIELDS = [
  'type',
  'enabled',
  'isPrimary',
  'expiresAt',
  'usageLimit',
  'usageCount',
  'allowAllOrigins',
  'allowedOrigins',
  'removeWatermark',
] as const satisfies readonly (keyof WritableLink)[];

/** Fields of newer APIs: transcripts (docs/conversations.md), protection (docs/security.md). */
export const OPTIONAL_FIELDS = [
  'recordTranscripts',
  'startsPerMinute',
  'challenge',
  'requireSignedEmbed',
] as const satisfies readonly (keyof WritableLink)[];

export type OptionalField = (typeof OPTIONAL_FIELDS)[number];

/** Which optional fields this API offers, read from one of its links. */
export const offeredFields = (sample: Partial<ManagedLink> | undefined): Set<OptionalField> =>
  new Set(OPTIONAL_FIELDS.filter((field) => sample !== undefined && field in sample));

export function draftOf(link: ManagedLink): Partial<WritableLink> {
  const draft: Record<string, unknown> = {};
  for (const field of [...CORE_FIELDS, ...OPTIONAL_FIELDS])
    if (field in link) draft[field] = structuredClone(link[field]);
  return draft as Partial<WritableLink>;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The fields of `draft` that differ from `original`. */
export function changesBetween(original: Partial<WritableLink>, draft: Partial<WritableLink>): Partial<WritableLink> {
  const changes: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(draft))
    if (!same(value, original[field as keyof WritableLink])) changes[field] = value;
  return changes as Partial<WritableLink>;
}

/** `allowedOrigins.1` → `allowedOrigins`: the form field an API error names. */
export const formFieldOf = (apiField: string | undefined): string | undefined => apiField?.split('.')[0];

/** The defaults of a new link, as the API's create endpoint has them (docs/api.md). */
export function newLinkDraft(offered: Set<OptionalField>): Partial<WritableLink> {
  const draft: Partial<WritableLink> = {
    type: 'PLAYER_EMBED',
    enabled: true,
    isPrimary: false,
    expiresAt: null,
    usageLimit: null,
    allowAllOrigins: false,
    allowedOrigins: [],
    removeWatermark: false,
  };
  if (offered.has('recordTranscripts')) draft.recordTranscripts = false;
  if (offered.has('startsPerMinute')) draft.startsPerMinute = 60;
  if (offered.has('challenge')) draft.challenge = 'none';
  if (offered.has('requireSignedEmbed')) draft.requireSignedEmbed = false;
  return draft;
}

/** Whole numbers from 0, or empty for none: what the number inputs accept before the API judges. */
export function parseCount(text: string): number | null | 'invalid' {
  if (text.trim() === '') return null;
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= 0 ? value : 'invalid';
}
