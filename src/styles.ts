import { unsafeCSS } from 'lit';

/**
 * Every value a site may want to change is a `--share-link-embed-*` custom property with a default.
 * The shadow root's top-level boxes start from `all: initial`, so host-page CSS (a global reset,
 * `* { all: unset }`, odd fonts) cannot leak in, and nothing here can leak out.
 *
 * A constant string rather than Lit's css tag, whose run-time checks of interpolated values
 * (there are none: vite.config.ts refuses them) would cost the critical path bytes. Minified at build.
 */
export const styles = unsafeCSS(/* css */ `
  :host {
    --_accent: var(--share-link-embed-accent, #4f46e5);
    --_on-accent: var(--share-link-embed-accent-text, #fff);
    --_bg: var(--share-link-embed-background, #eef0f6);
    --_fg: var(--share-link-embed-text, #17171f);
    --_radius: var(--share-link-embed-radius, 12px);
    --_font: var(--share-link-embed-font, system-ui, sans-serif);
    --_ring: var(--share-link-embed-focus-ring, #f59e0b);
    display: block;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_bg: var(--share-link-embed-background, #1d1e29);
      --_fg: var(--share-link-embed-text, #f1f1f6);
      --_accent: var(--share-link-embed-accent, #6366f1);
    }
  }
  :host([hidden]) {
    display: none;
  }

  /* Contained: laying out the player never makes the browser lay out the host page again. */
  .player {
    all: initial;
    font: 400 15px/1.4 var(--_font);
    color: var(--_fg);
    box-sizing: border-box;
    contain: content;
    position: relative;
    display: grid;
    overflow: hidden;
    width: 100%;
    aspect-ratio: var(--share-link-embed-aspect-ratio, 16 / 9);
    border-radius: var(--_radius);
    background: var(--_bg);
  }
  .media,
  ::slotted(img) {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    object-fit: cover;
  }
  .fallback {
    display: grid;
    place-items: center;
    background: linear-gradient(135deg, var(--_accent), #b15cc8);
    color: #fff;
    font-weight: 600;
    font-size: 56px;
  }
  .bar {
    position: absolute;
    inset: auto 0 0;
    display: flex;
    flex-wrap: wrap;
    gap: 8px 12px;
    align-items: center;
    padding: 32px 14px 14px;
    background: linear-gradient(transparent, rgb(0 0 0 / 0.72));
    color: #fff;
  }
  .name {
    flex: 1 1 8em;
    min-width: 0;
    font-weight: 600;
    font-size: 17px;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .button {
    font: 600 15px/1 var(--_font);
    min-height: 44px;
    padding: 0 18px;
    border-radius: 999px;
    border: 1px solid currentColor;
    background: transparent;
    color: inherit;
    cursor: pointer;
  }
  .primary {
    border-color: transparent;
    background: var(--_accent);
    color: var(--_on-accent);
  }
  .button[aria-disabled='true'] {
    cursor: progress;
    opacity: 0.8;
  }
  .button:focus-visible {
    outline: 3px solid var(--_ring);
    outline-offset: 2px;
  }
  .live {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    font-weight: 600;
  }
  .live i {
    width: 9px;
    height: 9px;
    border-radius: 50%;
    background: #ef4444;
  }
  /* The watermark's frame: not a part, its own stacking context, the watermark always on top (the
     orb's panel has its own, in the orb chunk). */
  .frame {
    all: initial;
    position: relative;
    isolation: isolate;
    display: block;
  }
  .watermark {
    all: initial;
    position: absolute;
    z-index: 2147483647;
    top: 10px;
    left: 10px;
    display: block;
    padding: 3px 9px;
    border-radius: 999px;
    background: rgb(0 0 0 / 0.62);
    color: #fff;
    font: 400 11px/1.4 var(--_font);
    visibility: visible;
    opacity: 1;
    pointer-events: none;
    white-space: nowrap;
  }
  .watermark b {
    font-weight: 700;
  }

  .message {
    place-content: center;
    justify-items: center;
    gap: 12px;
    padding: 40px 24px 24px;
    text-align: center;
  }
  .message p {
    margin: 0;
    max-width: 32em;
    font-size: 16px;
  }
  .message .button {
    color: var(--_fg);
  }
  /* A transform animates on the compositor: no main-thread paint per frame while loading. */
  .loading::after {
    content: '';
    position: absolute;
    inset: 0;
    background: linear-gradient(100deg, transparent 30%, rgb(128 128 128 / 0.16) 50%, transparent 70%);
    transform: translateX(-100%);
    animation: shimmer 1.4s linear infinite;
  }
  @keyframes shimmer {
    to {
      transform: translateX(100%);
    }
  }

  @media (prefers-reduced-motion: reduce) {
    .loading::after {
      animation: none;
    }
  }
`);
