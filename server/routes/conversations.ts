/**
 * Conversation management (`/v1/conversations`, docs/api.md, "Conversations"): the management key,
 * same-origin only (no CORS). Listing, reading with the transcript, erasing, and share URLs in
 * Xenioo's shape: `GET /v1/conversations/share/{mode}/{conversationId}/{duration}` →
 * `{ "Url", "expiresAt" }`.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import {
  ConversationListQuerySchema,
  MAX_SHARE_HOURS,
  SHARE_MODES,
  publicConversation,
  type ShareMode,
} from '../conversation-schemas.ts';
import type { ConversationService } from '../conversations.ts';
import { invalidField, problem } from '../errors.ts';
import { valid, validId } from '../middleware/validation.ts';
import { apiBase } from '../origins.ts';

export interface ConversationRoutesOptions {
  conversations: ConversationService;
  auth: MiddlewareHandler;
  publicUrl: string | undefined;
}

/** Whole hours, 1 to 720, written plainly (`24`, not `024`, `24.0` or `+24`). */
const HOURS = /^[1-9]\d{0,2}$/;

export function conversationRoutes({ conversations, auth, publicUrl }: ConversationRoutesOptions): Hono {
  const routes = new Hono();
  const { store } = conversations;
  routes.use('*', auth);

  routes.get('/', valid('query', ConversationListQuerySchema), async (c) => {
    const { data, meta } = await store.listConversations(c.req.valid('query'));
    return c.json({ data: data.map(publicConversation), meta });
  });

  // Before `/:id`, which it does not overlap (four segments against one), for the reader.
  routes.get('/share/:mode/:conversationId/:duration', async (c) => {
    const { mode, conversationId, duration } = c.req.param();
    if (!(SHARE_MODES as readonly string[]).includes(mode))
      return invalidField(c, 'mode', `must be one of ${SHARE_MODES.join(', ')}, not "${mode.slice(0, 40)}"`);
    const hours = Number(duration);
    if (!HOURS.test(duration) || hours > MAX_SHARE_HOURS)
      return invalidField(
        c,
        'duration',
        `must be whole hours from 1 to ${MAX_SHARE_HOURS}, not "${duration.slice(0, 40)}"`,
      );
    const base = apiBase(c, publicUrl);
    if (!base) throw new Error('the API does not know its public URL (set publicUrl): no share URL can be made');
    const shared = await conversations.share(conversationId, mode as ShareMode, hours, base);
    return shared ? c.json(shared) : problem(c, 'unknown-conversation');
  });

  routes.get('/:id', validId, async (c) => {
    const { id } = c.req.valid('param');
    const record = await store.conversation(id);
    if (!record) return problem(c, 'unknown-conversation');
    return c.json({ ...publicConversation(record), transcript: await store.transcript(id) });
  });

  routes.delete('/:id', validId, async (c) => {
    return (await conversations.erase(c.req.valid('param').id))
      ? c.body(null, 204)
      : problem(c, 'unknown-conversation');
  });

  return routes;
}
