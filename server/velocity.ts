/**
 * The velocity cap (docs/security.md, "Velocity cap"): at most `startsPerMinute` sessions granted on
 * a link in any minute, for every client together. Pure: the stores keep the times (counted in the
 * same atomic step as the use), this judges them, with time as an argument.
 */

/** The window: a sliding minute. */
export const VELOCITY_WINDOW_MS = 60_000;

/** The starts of `recentStarts` inside the window that ends at `now`, oldest first. */
export const inWindow = (recentStarts: readonly number[], now: number): number[] =>
  recentStarts.filter((at) => at > now - VELOCITY_WINDOW_MS).sort((a, b) => a - b);

/**
 * How long until the link may grant another start, in ms: `0` when it may now (no cap, or fewer
 * than `startsPerMinute` starts in the last minute); else until enough of them leave the window.
 */
export function velocityWaitMs(startsPerMinute: number | null, recentStarts: readonly number[], now: number): number {
  if (startsPerMinute === null) return 0;
  const recent = inWindow(recentStarts, now);
  if (recent.length < startsPerMinute) return 0;
  return recent[recent.length - startsPerMinute]! + VELOCITY_WINDOW_MS - now;
}
