import { executeServerCommand } from '@web/test-runner-commands';

/** Helpers for tests that run in the browser. */

let runs = 0;
/** A fresh id, so each test counts only the fake-API requests it made. */
export const newRun = (): string => `r${Date.now().toString(36)}${(runs++).toString(36)}`;

/** The api-base of a fake-API scenario (see `fake-api.ts`); same origin as the test page. */
export const fakeApi = (scenario: string, run = newRun()): string => `${location.origin}/fake-api/${scenario}/${run}`;

/** Runs a command of the test server's plugins (see `wtr-plugins.ts`). */
export const serverCommand = <Result = unknown>(command: string, payload?: unknown): Promise<Result> =>
  executeServerCommand<Result, unknown>(command, payload);
