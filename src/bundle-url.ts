/**
 * The URL this code was loaded from. A classic script (the IIFE bundle) knows it from
 * `document.currentScript`, which is only set while it first runs; a module from
 * `import.meta.url`. Falls back to the page (empty where there is no page: server-side rendering).
 */
export const BUNDLE_URL: string = (() => {
  try {
    const script = globalThis.document?.currentScript as HTMLScriptElement | null | undefined;
    const url = new URL(script?.src || import.meta.url);
    if (url.origin !== 'null') return url.href;
  } catch {
    // Not a URL: fall through to the page.
  }
  return globalThis.location?.href ?? '';
})();
