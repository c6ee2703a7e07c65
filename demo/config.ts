/**
 * The demo's management key. `npm start` runs the reference API with it so the playground can edit
 * links; it protects nothing but local fixtures. Never put a real key in a page.
 */
export const DEMO_API_KEY = 'demo';
