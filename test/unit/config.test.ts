import { loadConfig } from '../../src/config';

describe('configuration from the environment', () => {
  test('every variable has a working default', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.webConcurrency).toBe(1);
  });

  test('a bad value names the variable', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/configuration: PORT/);
    expect(() => loadConfig({ WEB_CONCURRENCY: '0' })).toThrow(/WEB_CONCURRENCY/);
  });
});
