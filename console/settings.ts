/**
 * What the API tells the console when it serves the page (server/routes/console.ts): a JSON data
 * block, never executed, so the page needs no inline script.
 */
export interface ConsoleSettings {
  /** Where browsers reach the API, for snippets; the page's own origin when unknown. */
  apiBase: string;
}

export function readSettings(doc: Document = document): ConsoleSettings {
  let parsed: { apiBase?: unknown } = {};
  try {
    parsed = JSON.parse(doc.getElementById('page-settings')?.textContent ?? '{}');
  } catch {
    // A page without settings still works, with its own origin.
  }
  const apiBase = typeof parsed.apiBase === 'string' && /^https?:\/\//.test(parsed.apiBase) ? parsed.apiBase : null;
  return { apiBase: apiBase ?? doc.location.origin };
}
