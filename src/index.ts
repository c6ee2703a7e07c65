/**
 * The npm entry: importing it registers `<share-link-embed>` (guarded) and exports the class,
 * the pure modules and their types.
 */
import { defineShareLinkEmbed } from './define.js';

defineShareLinkEmbed();

export { ShareLinkEmbed } from './share-link-embed.js';
export { defineShareLinkEmbed, TAG_NAME } from './define.js';
export { resolve, startSession, type ResolvedLink, type ResolveOptions, type RequestOptions } from './api.js';
export { checkShareLink, isOriginAllowed, type PolicyReason, type ShareLinkRules } from './policy.js';
export { ERROR_REASONS, ShareLinkError, type ErrorReason } from './errors.js';
export { isValidToken, type ShareLink, type PublicPersona, type SessionResponse } from './schema.js';
export type { EmbedState, Placement, Variant } from './render/view.js';
export type * from './events.js';
