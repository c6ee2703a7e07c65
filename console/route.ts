/**
 * The console's places, in the URL's fragment (`#/links/…`): a reload, the back button and a
 * bookmark land where the operator was, and the server needs no route per view. `parseRoute` and
 * `routeHash` are inverses; the view is a union changed in one place (the app's `#go`).
 */
export type Route =
  | { view: 'links'; search: string; page: number }
  | { view: 'new-link' }
  | { view: 'link'; id: string }
  | { view: 'analytics'; from: string | null; to: string | null; shareLinkId: string | null }
  | { view: 'conversations'; shareLinkId: string | null; page: number }
  | { view: 'conversation'; id: string }
  | { view: 'webhooks' };

export type View = Route['view'];

/** The sections of the navigation, in order, and the view each opens. */
export const SECTIONS = [
  { view: 'links', label: 'Links' },
  { view: 'analytics', label: 'Analytics' },
  { view: 'conversations', label: 'Conversations' },
  { view: 'webhooks', label: 'Webhooks' },
] as const;

export type Section = (typeof SECTIONS)[number]['view'];

/** Which section a view belongs to, for the navigation's `aria-current`. */
export function sectionOf(route: Route): Section {
  if (route.view === 'new-link' || route.view === 'link') return 'links';
  if (route.view === 'conversation') return 'conversations';
  return route.view;
}

const ID = /^[\w-]{1,100}$/;
const DAY = /^\d{4}-\d\d-\d\d$/;

const pageOf = (params: URLSearchParams) => {
  const page = Number(params.get('page'));
  return Number.isInteger(page) && page >= 1 && page <= 1_000_000 ? page : 1;
};
const dayOf = (value: string | null) => (value && DAY.test(value) ? value : null);
const idOf = (value: string | null) => (value && ID.test(value) ? value : null);

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#\/?/, '').split('?', 2);
  const params = new URLSearchParams(search);
  const [section, id] = path.split('/').map((part) => decodeURIComponent(part));
  switch (section) {
    case 'links':
      if (id === 'new') return { view: 'new-link' };
      if (id && ID.test(id)) return { view: 'link', id };
      return { view: 'links', search: (params.get('search') ?? '').slice(0, 200), page: pageOf(params) };
    case 'analytics':
      return {
        view: 'analytics',
        from: dayOf(params.get('from')),
        to: dayOf(params.get('to')),
        shareLinkId: idOf(params.get('link')),
      };
    case 'conversations':
      if (id && ID.test(id)) return { view: 'conversation', id };
      return { view: 'conversations', shareLinkId: idOf(params.get('link')), page: pageOf(params) };
    case 'webhooks':
      return { view: 'webhooks' };
    default:
      return { view: 'links', search: '', page: 1 };
  }
}

export function routeHash(route: Route): string {
  const query = (entries: Record<string, string | number | null>) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(entries))
      if (value !== null && value !== '' && !(name === 'page' && value === 1)) params.set(name, String(value));
    const text = params.toString();
    return text ? `?${text}` : '';
  };
  switch (route.view) {
    case 'links':
      return `#/links${query({ search: route.search, page: route.page })}`;
    case 'new-link':
      return '#/links/new';
    case 'link':
      return `#/links/${encodeURIComponent(route.id)}`;
    case 'analytics':
      return `#/analytics${query({ from: route.from, to: route.to, link: route.shareLinkId })}`;
    case 'conversations':
      return `#/conversations${query({ link: route.shareLinkId, page: route.page })}`;
    case 'conversation':
      return `#/conversations/${encodeURIComponent(route.id)}`;
    case 'webhooks':
      return '#/webhooks';
  }
}
