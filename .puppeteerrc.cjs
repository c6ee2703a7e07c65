/**
 * Puppeteer drives the machine's own Firefox ESR (see scripts/browsers.mjs): never download a browser build on install.
 */
module.exports = { skipDownload: true };
