/**
 * The running conversation's stylesheet, adopted into the element's shadow root when the
 * conversation chunk loads (none of it is on the critical path). It uses the element's own
 * custom properties, so `--share-link-embed-*` theming applies. Minified at build (vite.config.ts).
 */
export const CONVERSATION_CSS = /* css */ `
  /* In the player's bar: captions on top, then the name, status, mute and end, then the text input. */
  .convo {
    display: contents;
  }
  .bar:has(.convo) {
    padding: 12px;
    gap: 8px;
    /* Never under the watermark (top left): on a short player the oldest caption lines give way. */
    box-sizing: border-box;
    max-height: calc(100% - 36px);
    overflow: hidden;
    align-content: flex-end;
  }
  .bar:has(.convo) .name {
    flex-basis: 3em;
  }
  .captions {
    order: -1;
    flex: 1 1 100%;
    /* Two lines on a phone's inline player, three on larger screens; it scrolls to the latest. */
    max-height: 2.9em;
    overflow-y: auto;
    font-size: 15px;
    line-height: 1.45;
    text-shadow: 0 1px 2px rgb(0 0 0 / 0.7);
  }
  .captions p {
    margin: 0;
  }
  .captions .note {
    font-style: italic;
  }
  @media (min-width: 600px) {
    .captions {
      max-height: 4.35em;
    }
  }
  .status {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    font-weight: 600;
    font-size: 14px;
    white-space: nowrap;
  }
  .status i {
    width: 9px;
    height: 9px;
    border-radius: 50%;
    background: #a3a3a3;
  }
  [data-status='listening'] .status i {
    background: #22c55e;
    animation: pulse 1.6s ease-in-out infinite;
  }
  [data-status='speaking'] .status i {
    background: #fff;
    animation: pulse 0.7s ease-in-out infinite;
  }
  [data-status='person'] .status i {
    background: var(--_accent);
  }
  @keyframes pulse {
    50% {
      transform: scale(1.6);
      opacity: 0.55;
    }
  }
  .icon {
    display: inline-grid;
    place-items: center;
    width: 44px;
    padding: 0;
  }
  .icon[aria-pressed='true'] {
    background: #fff;
    color: #17171f;
  }
  .hang-up {
    border-color: transparent;
    background: #dc2626;
    color: #fff;
  }
  .compose {
    flex: 1 1 100%;
    display: flex;
    gap: 8px;
    margin: 0;
  }
  .compose input {
    flex: 1;
    min-width: 0;
    min-height: 44px;
    box-sizing: border-box;
    padding: 0 16px;
    border: 1px solid rgb(255 255 255 / 0.6);
    border-radius: 999px;
    background: rgb(0 0 0 / 0.45);
    color: #fff;
    font: 400 16px/1.2 var(--_font);
  }
  .compose input::placeholder {
    color: rgb(255 255 255 / 0.8);
  }
  .compose input:focus-visible {
    outline: 3px solid var(--_ring);
    outline-offset: 2px;
  }
  .button:disabled {
    opacity: 0.6;
    cursor: default;
  }
  @media (prefers-reduced-motion: reduce) {
    .status i {
      animation: none !important;
    }
  }
`;
