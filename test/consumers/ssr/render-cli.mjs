// `node --import tsx test/consumers/ssr/render-cli.mjs TOKEN API_BASE [LANG]`: prints the markup.
import { renderEmbed } from './render.ts';

const [token = '', apiBase = '', lang] = process.argv.slice(2);
process.stdout.write(await renderEmbed(token, apiBase, lang));
