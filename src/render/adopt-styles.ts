/**
 * Adds a lazy chunk's stylesheet (the orb's, the conversation's) to an element's shadow root,
 * once: the element's own stylesheet holds only what a ready player needs.
 */
const sheets = new Map<string, CSSStyleSheet>();

export function adoptStyles(root: ShadowRoot | null, css: string, name: string): void {
  if (!root) return;
  if ('adoptedStyleSheets' in root && 'replaceSync' in CSSStyleSheet.prototype) {
    let sheet = sheets.get(css);
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      sheets.set(css, sheet);
    }
    if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    return;
  }
  // Browsers without constructable stylesheets: a <style>, with Lit's nonce for a strict CSP.
  if (root.querySelector(`style[data-${name}]`)) return;
  const style = document.createElement('style');
  style.dataset[name] = '';
  const nonce = (globalThis as { litNonce?: string }).litNonce;
  if (nonce) style.setAttribute('nonce', nonce);
  style.textContent = css;
  root.append(style);
}
