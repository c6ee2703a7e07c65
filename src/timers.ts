/** `setTimeout` clamps delays above 2^31 − 1 ms (about 24.8 days) to 1 ms; this waits in steps instead. */
const MAX_TIMEOUT = 2 ** 31 - 1;

/**
 * Calls `callback` once `now()` reaches `deadline`. Returns a function that cancels it.
 * `now` is read again at each step, so a clock that is corrected meanwhile is honoured.
 */
export function callAt(deadline: number, now: () => number, callback: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const step = () => {
    const remaining = deadline - now();
    if (remaining <= 0) {
      timer = undefined;
      callback();
      return;
    }
    timer = setTimeout(step, Math.min(remaining, MAX_TIMEOUT));
  };
  step();
  return () => clearTimeout(timer);
}
