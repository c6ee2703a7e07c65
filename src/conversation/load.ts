/**
 * Loads the conversation's code, never before start. From source and the npm package this is a
 * plain dynamic import, which the app's bundler splits off. The two browser bundles are built
 * with this import pointed at a prebuilt ES module beside the bundle, by absolute URL, so the
 * classic script loads it too (vite.config.ts, `lazyChunks`).
 */
export type ConversationModule = typeof import('./controller.js');

export const loadConversation = (): Promise<ConversationModule> => import('./controller.js');
