/**
 * A deadline on a store access made while a request waits (a `jti` claim, a card record, feedback):
 * a database that accepts connections but does not answer must never stall clinical guidance. The
 * access itself goes on; if it lands later it is idempotent, and its failure is swallowed here.
 */
export class DeadlineError extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: the store did not answer within ${ms} ms`);
    this.name = 'DeadlineError';
  }
}

export function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(what, ms)), ms);
    timer.unref?.();
  });
  p.catch(() => undefined); // a late failure after the deadline is not an unhandled rejection
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}
