/** The console's entry (vite.config.ts, PAGE_ENTRIES): defines `<share-link-console>`, which the page holds. */
import { ShareLinkConsole } from './app.ts';

if (!customElements.get('share-link-console')) customElements.define('share-link-console', ShareLinkConsole);
