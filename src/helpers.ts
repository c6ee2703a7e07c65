/**
 * `share-link-embed/helpers`: the pure modules alone, side-effect free. Importing it registers no
 * element and loads no Lit: the token check, the share-link policy, the fetch layer, the error
 * reasons and the types, for pages and servers that only need those; and, for a site's own server,
 * `signEmbedToken` (signed embeds: docs/security.md).
 */
export { resolve, startSession, type ResolvedLink, type ResolveOptions, type RequestOptions } from './api.js';
export { signEmbedToken, MAX_EMBED_TOKEN_TTL_SECONDS, type EmbedTokenOptions } from './embed-token.js';
export { checkShareLink, isOriginAllowed, type PolicyReason, type ShareLinkRules } from './policy.js';
export { ERROR_REASONS, ShareLinkError, type ErrorReason } from './errors.js';
export { isValidToken, type ShareLink, type PublicPersona, type SessionResponse } from './schema.js';
export type { EmbedState, Placement, Variant } from './render/view.js';
export type * from './events.js';
