/** One embed for the `token` in the query: the demo frames this page from a second origin. */
import '../src/index.ts';

const embed = document.createElement('share-link-embed');
embed.setAttribute('token', new URLSearchParams(location.search).get('token') ?? '');
document.body.append(embed);
