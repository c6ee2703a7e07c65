/**
 * The operator's console (docs/operators.md, "Console"): `GET /console`, the page of the console
 * app (console/, built into dist/pages/). The page is public and holds nothing: the operator types
 * the management key into it, and the app sends it as the bearer header of the management API on
 * this origin. No cookie is ever set, so no other site can act with it.
 */
import { Hono } from 'hono';
import { apiBase } from '../origins.ts';
import { page, pageNotBuilt, pageScripts } from '../pages.ts';

export interface ConsoleRoutesOptions {
  bundleDir: string | undefined;
  publicUrl: string | undefined;
}

/** What the console reads at start (console/settings.ts). */
export interface ConsoleSettings {
  /** Where browsers reach this API, for the snippets the console writes; `null` when unknown. */
  apiBase: string | null;
}

const TITLE = 'Console · share-link-embed';

export function consoleRoutes({ bundleDir, publicUrl }: ConsoleRoutesOptions): Hono {
  const routes = new Hono();
  routes.get('/', async (c) => {
    const scripts = await pageScripts(bundleDir, 'console');
    if (!scripts) return pageNotBuilt(c, 'The console');
    const settings: ConsoleSettings = { apiBase: apiBase(c, publicUrl) };
    const body = '<share-link-console></share-link-console>\n<noscript>The console needs JavaScript.</noscript>';
    return page(c, { title: TITLE, body, scripts, settings, emptyIcon: true });
  });
  return routes;
}
