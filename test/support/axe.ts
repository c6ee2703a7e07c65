/**
 * Accessibility audits in a real page: axe-core, injected through the DevTools protocol (a page
 * with a strict CSP refuses an injected script tag, and must not be loosened to be audited).
 */
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource: string = createRequire(import.meta.url)('axe-core').source;

/** WCAG 2.2 A and AA, which the console promises. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** The violations axe finds in the page, each as one line naming the rule and the first nodes. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(
    async (tags) =>
      (
        await (
          window as unknown as {
            axe: {
              run: (
                context: Document,
                options: object,
              ) => Promise<{ violations: { id: string; help: string; nodes: { target: unknown[] }[] }[] }>;
            };
          }
        ).axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
      ).violations.map(
        (violation) =>
          `${violation.id} (${violation.help}): ${violation.nodes
            .slice(0, 3)
            .map((node) => JSON.stringify(node.target))
            .join(', ')}`,
      ),
    TAGS,
  );
  return violations;
}
