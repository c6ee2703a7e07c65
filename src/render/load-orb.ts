/**
 * Loads the orb's behaviour, renderer and stylesheet once a link says `ORB_EMBED`. From source and the npm
 * package a plain dynamic import; the browser bundles load the prebuilt chunk beside themselves
 * (vite.config.ts, `lazyChunks`).
 */
export type OrbModule = typeof import('./orb.js');

export const loadOrb = (): Promise<OrbModule> => import('./orb.js');
