import { loadConfig } from '../../src/config';

describe('configuration from the environment', () => {
  test('every variable has a working default', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.webConcurrency).toBe(1);
    expect(c.heapGrowingPercent).toBe(30);
  });

  test('HEAP_GROWING_PERCENT: 0 leaves V8 its own factor; out of range stops start-up with the variable named', () => {
    expect(loadConfig({ HEAP_GROWING_PERCENT: '0' }).heapGrowingPercent).toBe(0);
    expect(loadConfig({ HEAP_GROWING_PERCENT: '100' }).heapGrowingPercent).toBe(100);
    expect(() => loadConfig({ HEAP_GROWING_PERCENT: '-1' })).toThrow(/HEAP_GROWING_PERCENT/);
    expect(() => loadConfig({ HEAP_GROWING_PERCENT: 'lots' })).toThrow(/HEAP_GROWING_PERCENT/);
  });

  test('a bad value names the variable', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/configuration: PORT/);
    expect(() => loadConfig({ WEB_CONCURRENCY: '0' })).toThrow(/WEB_CONCURRENCY/);
  });
});
