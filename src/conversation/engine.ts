/**
 * The `engine` of a session answer (docs/conversations.md, "Engines"), validated again before
 * anything uses it: the API's answer is never trusted, and the controller may be handed a value
 * nobody checked. The rules are the widget's own (src/schema.ts, from the one table in
 * src/engine-schema.ts), so the element and this chunk can never disagree about an answer.
 */
import { ShareLinkError } from '../errors.js';
import { parseSessionEngine } from '../schema.js';
import type { SessionEngine } from '../engine-schema.js';

/** The engine, or why it cannot be used (an unknown kind, a missing or malformed field). */
export function parseEngine(json: unknown): { engine: SessionEngine } | { problem: string } {
  try {
    const engine = parseSessionEngine(json);
    return engine ? { engine } : { problem: 'the API named no engine' };
  } catch (error) {
    if (error instanceof ShareLinkError) return { problem: error.message };
    throw error;
  }
}
