/** The logger's safety net: token-bearing fields are redacted even if some code logs them. */
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';

function capture(): { lines: () => Record<string, unknown>[]; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

test.each([
  [{ fhirAuthorization: { access_token: 'SECRET-1', token_type: 'Bearer' } }, ['fhirAuthorization', 'access_token']],
  [{ access_token: 'SECRET-1' }, ['access_token']],
  [{ token: 'SECRET-1' }, ['token']],
  [{ jwt: 'SECRET-1' }, ['jwt']],
  [{ headers: { authorization: 'Bearer SECRET-1' } }, ['headers', 'authorization']],
  [{ req: { headers: { authorization: 'Bearer SECRET-1' } } }, ['req', 'headers', 'authorization']],
])('%j is logged redacted', (obj, path) => {
  const c = capture();
  createLogger('info', c.stream).info(obj, 'x');
  const [line] = c.lines();
  expect(JSON.stringify(line)).not.toContain('SECRET-1');
  const value = path.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], line);
  expect(value).toBe('[redacted]');
});
