/** Mounting `<share-link-embed>` in tests: listeners attached before it connects, cleanup after each test. */
import { sendKeys } from '@web/test-runner-commands';
import '../../src/index.ts';
import type { ShareLinkEmbed } from '../../src/share-link-embed.ts';

const mounted: Element[] = [];
let recorders: string[][] = [];
afterEach(() => {
  for (const element of mounted.splice(0)) element.remove();
  recorders = [];
});

// The element's warnings are recorded for the test that caused them, not printed.
const originalWarn = console.warn;
console.warn = (...args: unknown[]) => {
  const text = args.map(String).join(' ');
  if (text.startsWith('<share-link-embed>')) for (const recorder of recorders) recorder.push(text);
  else originalWarn.apply(console, args);
};

export interface Mounted {
  el: ShareLinkEmbed;
  /** Resolves with the first `share-link-ready` or `share-link-error`. */
  settled: Promise<CustomEvent>;
  events: CustomEvent[];
  warnings: string[];
}

/** Creates the element with these attributes, records its events and console warnings, and connects it. */
export function mount(attributes: Record<string, string | boolean>, parent: Element = document.body): Mounted {
  const el = document.createElement('share-link-embed');
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) el.setAttribute(name, '');
    else if (value !== false) el.setAttribute(name, value);
  }
  return watch(el, () => parent.append(el));
}

export function watch(el: ShareLinkEmbed, connect: () => void = () => undefined): Mounted {
  const events: CustomEvent[] = [];
  const warnings: string[] = [];
  for (const type of [
    'share-link-ready',
    'share-link-error',
    'share-link-start',
    'share-link-end',
    'share-link-toggle',
  ]) {
    el.addEventListener(type, (event) => events.push(event as CustomEvent));
  }
  const settled = new Promise<CustomEvent>((resolve) => {
    el.addEventListener('share-link-ready', (event) => resolve(event as CustomEvent), { once: true });
    el.addEventListener('share-link-error', (event) => resolve(event as CustomEvent), { once: true });
  });
  recorders.push(warnings);
  mounted.push(el);
  connect();
  return { el, settled, events, warnings };
}

export const part = (el: Element, name: string): HTMLElement | null =>
  el.shadowRoot!.querySelector(`[part~="${name}"]`);

export const nextEvent = (el: Element, type: string): Promise<CustomEvent> =>
  new Promise((resolve) => el.addEventListener(type, (event) => resolve(event as CustomEvent), { once: true }));

/**
 * Presses a button as a visitor does, through the browser's driver (focus, then Enter), so the
 * page has a user activation: without one, Firefox keeps an `AudioContext` suspended.
 */
export async function press(button: HTMLElement): Promise<void> {
  button.focus();
  await sendKeys({ press: 'Enter' });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` is truthy (for browser work with no event to wait on, like media loading). */
export async function until<T>(
  check: () => T,
  what: string | (() => string),
  timeoutMs = 5000,
): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value as NonNullable<T>;
    if (performance.now() > deadline)
      throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await sleep(20);
  }
}
