/**
 * Conversation pages (`/c/{capability}`, docs/api.md, "Conversation pages"): the page a share URL
 * opens (rendered by server/conversation-page.ts), and its actions, each a `POST` with the page's
 * id (a UUID it draws once) and its own status codes: take over (`200`; `403` for a view URL,
 * `409` while another page holds the conversation or once it is over), hand back and a message
 * (`204`; `409` unless this page holds it). Unknown or altered capabilities are `404`, expired
 * ones `410`. The capability is the credential: no key, no cookie, same-origin JSON only (a
 * cross-origin page cannot send JSON without a preflight, which gets no CORS answer).
 */
import { Hono, type Context } from 'hono';
import * as v from 'valibot';
import { MAX_TURN_TEXT } from '../../src/conversation/channel-protocol.ts';
import { CONVERSATION_PAGE_ENTRY, conversationPage, conversationPageNotice } from '../conversation-page.ts';
import { pageNotBuilt, pageScripts } from '../pages.ts';
import type { ActionOutcome, ConversationService } from '../conversations.ts';
import { problem } from '../errors.ts';
import type { AbuseLimits } from '../middleware/abuse-limits.ts';
import { jsonObjectBody, limitBody, valid } from '../middleware/validation.ts';
import { apiBase } from '../origins.ts';
import { publicConversation } from '../conversation-schemas.ts';
import { isUuid } from '../public-schemas.ts';
import type { PersonaRepository } from '../store/index.ts';

export interface ConversationPageRoutesOptions {
  conversations: ConversationService;
  personas: PersonaRepository;
  limits: AbuseLimits;
  publicUrl: string | undefined;
  /** Where the pages' build is (server/pages.ts); without one, the page says it is not built. */
  bundleDir: string | undefined;
}

const Page = v.pipe(v.string(), v.check(isUuid, 'must be the page id, a UUID'));
const ActionSchema = v.strictObject({ page: Page });
const MessageSchema = v.strictObject({
  page: Page,
  text: v.pipe(
    v.string(),
    v.check((text) => text.trim().length > 0, 'must not be empty'),
    v.maxLength(MAX_TURN_TEXT, `must be at most ${MAX_TURN_TEXT} characters`),
  ),
});

export function conversationPageRoutes({
  conversations,
  personas,
  limits,
  publicUrl,
  bundleDir,
}: ConversationPageRoutesOptions): Hono {
  const pages = new Hono();
  const notice = (c: Context, status: 404 | 410) => conversationPageNotice(c, status, apiBase(c, publicUrl));

  pages.get('/:capability', limits.lookups, async (c) => {
    const found = await conversations.resolve(c.req.param('capability'));
    if (!found.found) return notice(c, found.why === 'expired' ? 410 : 404);
    const scripts = await pageScripts(bundleDir, CONVERSATION_PAGE_ENTRY);
    if (!scripts) return pageNotBuilt(c, 'The conversation page');
    const persona = await personas.persona(found.conversation.personaId);
    return conversationPage(c, { personaName: persona?.name ?? null, ownOrigin: apiBase(c, publicUrl), scripts });
  });

  const answer = (c: Context, outcome: ActionOutcome, ok: () => Response) =>
    outcome.ok ? ok() : problem(c, outcome.why);
  const action = [limits.lookups, limitBody, jsonObjectBody] as const;

  pages.post('/:capability/takeover', ...action, valid('json', ActionSchema), async (c) => {
    const outcome = await conversations.takeOver(c.req.param('capability'), c.req.valid('json').page);
    return answer(c, outcome, () =>
      c.json({ holder: 'you', conversation: outcome.ok ? publicConversation(outcome.conversation) : null }),
    );
  });

  pages.post('/:capability/handback', ...action, valid('json', ActionSchema), async (c) => {
    const outcome = await conversations.handBack(c.req.param('capability'), c.req.valid('json').page);
    return answer(c, outcome, () => c.body(null, 204));
  });

  pages.post('/:capability/messages', ...action, valid('json', MessageSchema), async (c) => {
    const { page, text } = c.req.valid('json');
    const outcome = await conversations.say(c.req.param('capability'), page, text);
    return answer(c, outcome, () => c.body(null, 204));
  });

  pages.get('/*', (c) => notice(c, 404));
  pages.get('/', (c) => notice(c, 404));
  return pages;
}
