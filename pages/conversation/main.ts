/** The conversation page's entry (vite.config.ts, `PAGE_ENTRIES`): served by the API under `/pages/` (server/pages.ts). */
import { ConversationPage } from './conversation-page.js';

if (!customElements.get('conversation-page')) customElements.define('conversation-page', ConversationPage);

declare global {
  interface HTMLElementTagNameMap {
    'conversation-page': ConversationPage;
  }
}
