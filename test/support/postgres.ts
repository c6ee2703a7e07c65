/**
 * A real PostgreSQL for the tests: one throwaway cluster per test file (scripts/pg-cluster.mjs),
 * started on first use and removed when the file's process exits, and a fresh database per suite.
 */
import { randomBytes } from 'node:crypto';
import { startCluster, type Cluster } from '../../scripts/pg-cluster.mjs';

let shared: Promise<Cluster> | undefined;

/** The cluster of this test process. Without PostgreSQL it fails with one line on how to install it. */
export function testCluster(): Promise<Cluster> {
  shared ??= startCluster({ fast: true });
  return shared;
}

/** A new, empty database on the test cluster; resolves with its URL. */
export async function freshDatabase(prefix = 'test'): Promise<string> {
  const cluster = await testCluster();
  return cluster.createDatabase(`${prefix}_${randomBytes(6).toString('hex')}`);
}
