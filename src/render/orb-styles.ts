/**
 * The orb's stylesheet: in the orb's lazy chunk, adopted into the element's shadow root when an
 * `ORB_EMBED` link loads it (a player never does). It uses the element's custom properties, so
 * `--share-link-embed-*` theming applies. Minified at build (vite.config.ts).
 */
export const ORB_CSS = /* css */ `
  :host([variant='orb']) {
    --_offset: var(--share-link-embed-offset, 24px);
    display: contents;
  }
  .orb-root {
    all: initial;
  }
  .orb-root,
  .panel {
    font: 400 15px/1.4 var(--_font);
    color: var(--_fg);
    box-sizing: border-box;
  }
  .orb-root {
    position: fixed;
    z-index: var(--share-link-embed-z-index, 2147483000);
    inset: auto var(--_offset) var(--_offset) auto;
    display: flex;
    flex-direction: column;
    align-items: flex-end;
    gap: 14px;
  }
  :host([placement='bottom-left']) .orb-root {
    inset: auto auto var(--_offset) var(--_offset);
    align-items: flex-start;
  }
  :host([placement='top-right']) .orb-root {
    inset: var(--_offset) var(--_offset) auto auto;
    flex-direction: column-reverse;
  }
  :host([placement='top-left']) .orb-root {
    inset: var(--_offset) auto auto var(--_offset);
    flex-direction: column-reverse;
    align-items: flex-start;
  }
  .orb {
    width: var(--share-link-embed-orb-size, 64px);
    height: var(--share-link-embed-orb-size, 64px);
    padding: 0;
    border: 3px solid #fff;
    border-radius: 50%;
    overflow: hidden;
    font: 600 26px/1 var(--_font);
    box-shadow: 0 10px 30px rgb(0 0 0 / 0.28);
    cursor: pointer;
    transition: transform 0.18s ease-out;
  }
  .orb:hover {
    transform: scale(1.06);
  }
  .orb img {
    width: 100%;
    height: 100%;
    object-fit: cover;
  }
  .panel {
    position: relative;
    width: min(var(--share-link-embed-panel-width, 400px), calc(100vw - 2 * var(--_offset)));
    border-radius: var(--_radius);
    background: var(--_bg);
    box-shadow: 0 18px 50px rgb(0 0 0 / 0.3);
    animation: pop 0.2s ease-out;
  }
  .panel[hidden] {
    display: none;
  }
  @keyframes pop {
    from {
      opacity: 0;
      transform: translateY(8px) scale(0.98);
    }
  }
  .close {
    position: absolute;
    top: 8px;
    right: 8px;
    z-index: 1;
    display: grid;
    place-items: center;
    width: 40px;
    height: 40px;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: rgb(0 0 0 / 0.62);
    color: #fff;
    cursor: pointer;
  }
  @media (max-width: 479.98px) {
    .panel-frame {
      position: fixed;
      inset: 0;
    }
    .panel {
      position: fixed;
      inset: 0;
      width: 100%;
      height: 100%;
      border-radius: 0;
    }
    .panel .player {
      height: 100%;
      aspect-ratio: auto;
      border-radius: 0;
    }
    /* The full-screen panel has its own close button; the orb would cover its controls. */
    :host([open]) .orb {
      display: none;
    }
  }
  .orb {
    display: grid;
    place-items: center;
    background: linear-gradient(135deg, var(--_accent), #b15cc8);
    color: #fff;
    font-weight: 600;
  }
  .orb:focus-visible,
  .close:focus-visible {
    outline: 3px solid var(--_ring);
    outline-offset: 2px;
  }
  /* The watermark's frame beside the panel: not a part, its own stacking context. */
  .panel-frame {
    position: relative;
    isolation: isolate;
  }
  .panel-frame[hidden] {
    display: none;
  }
  @media (prefers-reduced-motion: reduce) {
    .panel,
    .orb {
      animation: none;
      transition: none;
    }
  }
`;
