/** The two stores, for suites that run once against each (the embedded store, and PostgreSQL on a real server). */
import { DEMO_DATA } from '../../scripts/api-process.ts';
import { EmbeddedStore, PostgresStore, loadDataFile, type ShareLinkStore } from '../../server/store/index.ts';
import { freshDatabase } from './postgres.ts';

export interface Backend {
  name: string;
  open: (data?: string) => Promise<ShareLinkStore>;
}

export const BACKENDS: Backend[] = [
  { name: 'embedded', open: async (data = DEMO_DATA) => new EmbeddedStore(await loadDataFile(data)) },
  {
    name: 'PostgreSQL',
    open: async (data = DEMO_DATA) =>
      PostgresStore.open(await freshDatabase('store'), { seed: { data: await loadDataFile(data), file: data } }),
  },
];
