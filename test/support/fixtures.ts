/** Tokens of the demo fixtures (server/fixtures/demo.json) that tests rely on. */
export const TOKENS = {
  player: 'sh_2kL9pQxYzR4vN8mBwHfJc',
  orb: 'sh_Orb7mBwHfJc4kL9pQxYz',
  expired: 'sh_Expired9pQxYzR4vN8m',
} as const;

/** The engine and share-page tests' own data file: a persona per engine, LINK links in every state. */
export const ENGINES_DATA = new URL('../fixtures/engines.json', import.meta.url).pathname;
