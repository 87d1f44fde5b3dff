/**
 * Replay of real Bulk Data exports (src/cli/replay.ts, src/cli/export.ts): gzipped, foldered, split,
 * with a manifest and Medication resources, as servers write them; hostile lines (cut, ids with a
 * tab or a newline, no newline at all, contained resources of another patient) named by file and
 * line, never by content; silent rules in their own column; --rules, --as-of and --every.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildDeps } from '../../src/cds/deps';
import { exportInputs, lines } from '../../src/cli/export';
import { type ReplayOptions, clinicalTime, patientOf, replay, skippedAnything } from '../../src/cli/replay';
import { loadContent } from '../../src/content';
import type { AnyResource } from '../../src/fhir/read';
import { syntheticExport } from '../../tools/synthetic-export';
import { at, day } from '../fixtures/builder';
import { nonResponder } from '../fixtures/records';
import { testConfig } from '../helpers';

const content = loadContent();
const NOW = Date.parse('2026-06-01T12:00:00Z');
/** The engine at NOW, the time the synthetic exports are generated for. */
const deps = () => buildDeps({ config: testConfig(), content, clock: () => NOW });
const run = (input: string, o: Partial<ReplayOptions> = {}) => replay(input, { makeDeps: deps, ...o });
const tmp = () => mkdtempSync(join(tmpdir(), 'ttp-replay-test-'));
const ndjson = (rs: unknown[]) => `${rs.map((r) => JSON.stringify(r)).join('\n')}\n`;

describe('the shapes of real exports', () => {
  let plain: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    const dir = tmp();
    syntheticExport(dir, 32, NOW);
    plain = await run(dir);
    expect(plain.patients).toBe(32);
    expect(plain.byRule['TTP-CAPLA-DAY5']).toEqual({ critical: 8, info: 2 });
  });

  test.each([
    ['gzipped', { gzip: true }],
    ['in a subfolder', { folder: 'output' }],
    ['split into .000, .001...', { perFile: 50 }],
    ['with Medication resources referenced by medicationReference', { medicationResources: true }],
    ['all of them, read through the manifest', { gzip: true, folder: 'output', perFile: 50, medicationResources: true, manifest: true }],
  ])('%s: the same counts as plain NDJSON', async (_n, shape) => {
    const dir = tmp();
    syntheticExport(dir, 32, NOW, shape);
    const s = await run('manifest' in shape ? join(dir, 'manifest.json') : dir);
    expect(s.byRule).toEqual(plain.byRule);
    expect(s.patients).toBe(32);
    expect(skippedAnything(s)).toBe(false);
    if ('medicationResources' in shape) expect(s.files.find((f) => f.name.includes('Medication.000'))!.medications).toBeGreaterThan(0);
  });

  test('only the Observation file gzipped: the same counts (it was 84 -> 0 CAPLA-DAY5 before)', async () => {
    const dir = tmp();
    syntheticExport(dir, 32, NOW);
    const obs = join(dir, 'Observation.000.ndjson');
    writeFileSync(`${obs}.gz`, gzipSync(readFileSync(obs)));
    writeFileSync(obs, '');
    const { rmSync } = await import('node:fs');
    rmSync(obs);
    expect((await run(dir)).byRule).toEqual(plain.byRule);
  });

  test('without Medication joined, the drugs named only by a Medication resource go unread; joined, they are read', async () => {
    const dir = tmp();
    syntheticExport(dir, 32, NOW, { medicationResources: true });
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, 'Medication.000.ndjson'));
    const without = await run(dir);
    // Caplacizumab, steroids and rituximab are unknown drugs now: the counts change (the join is what keeps them).
    expect(without.byRule).not.toEqual(plain.byRule);
  });
});

describe('every file accounted for', () => {
  test('a folder: NDJSON read, other files refused with why, a manifest beside its files read once, types no rule reads counted', async () => {
    const dir = tmp();
    syntheticExport(dir, 4, NOW, { folder: 'out', manifest: true });
    writeFileSync(join(dir, 'README.txt'), 'about');
    writeFileSync(
      join(dir, 'out', 'Encounter.000.ndjson'),
      ndjson([{ resourceType: 'Encounter', id: 'e1', subject: { reference: 'Patient/p0' } }]),
    );
    writeFileSync(join(dir, 'notes.json'), '{"hello": 1}');
    const s = await run(dir);
    expect(s.refused).toEqual([
      { name: 'README.txt', why: 'is not an NDJSON file (.ndjson or .ndjson.gz)' },
      { name: 'notes.json', why: 'is JSON but not an export manifest' },
    ]);
    const enc = s.files.find((f) => f.name === 'out/Encounter.000.ndjson')!;
    expect(enc).toMatchObject({ lines: 1, resources: 0, notNeeded: 1, skipped: {} });
    expect(s.files.filter((f) => f.name === 'out/Patient.000.ndjson')).toHaveLength(1);
    expect(s.patients).toBe(4);
  });

  test('a manifest: file: URLs and relative paths read; a remote URL, a missing file and error files refused', () => {
    const dir = tmp();
    syntheticExport(dir, 2, NOW);
    const manifest = {
      transactionTime: '2026-06-01T00:00:00Z',
      output: [
        { type: 'Patient', url: pathToFileURL(join(dir, 'Patient.000.ndjson')).href },
        { type: 'Condition', url: 'Condition.000.ndjson' },
        { type: 'Observation', url: 'https://ehr.example/bulk/Observation.000.ndjson' },
        { type: 'Procedure', url: 'gone/Procedure.000.ndjson' },
      ],
      error: [{ type: 'OperationOutcome', url: 'errors.ndjson' }],
    };
    writeFileSync(join(dir, 'm.json'), JSON.stringify(manifest));
    const { files, refused } = exportInputs(join(dir, 'm.json'));
    expect(files.map((f) => [f.name, f.type])).toEqual([
      ['Patient.000.ndjson', 'Patient'],
      ['Condition.000.ndjson', 'Condition'],
    ]);
    expect(refused).toEqual([
      { name: 'm.json output[2]', why: 'is a remote URL: replay reads local files (download the export first)' },
      { name: 'm.json output[3]', why: 'names gone/Procedure.000.ndjson, which does not exist' },
      { name: 'm.json error[0]', why: 'is an error file of the export (OperationOutcome): not read' },
    ]);
  });

  test('a JSON file that is no manifest, given alone, is refused; a path that does not exist is an error', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'x.json'), '[1,2]');
    expect(exportInputs(join(dir, 'x.json')).refused).toEqual([
      { name: 'x.json', why: 'is not a Bulk Data export manifest (no output array)' },
    ]);
    expect(() => exportInputs(join(dir, 'nope'))).toThrow('does not exist');
  });
});

describe('hostile lines are counted and named by file and line, never by content; the run goes on', () => {
  const s5 = () => nonResponder(5);

  test('a cut line naming a patient, a line that is no resource, a Patient without an id', async () => {
    const dir = tmp();
    const s = s5();
    const text = ndjson(s.resources).split('\n');
    text.splice(
      3,
      0,
      '{"resourceType":"Observation","subject":{"reference":"Patient/pat-1"},"note":[{"text":"PRIVATE',
      '[1,2,3]',
      '{"resourceType":"Patient","name":[{"family":"Doe"}]}',
    );
    writeFileSync(join(dir, 'mixed.ndjson'), text.join('\n'));
    const r = await run(dir, { times: [at(s.now)] });
    const f = r.files[0]!;
    expect(f.skipped).toEqual({
      'not JSON (cut or corrupt)': { count: 1, lines: [4] },
      'not a FHIR resource (no resourceType)': { count: 1, lines: [5] },
      'a Patient without an id': { count: 1, lines: [6] },
    });
    expect(f.lines).toBe(s.resources.length + 3);
    expect(r.byRule['TTP-CAPLA-DAY5']).toEqual({ critical: 1 });
    expect(JSON.stringify(r)).not.toContain('PRIVATE');
    expect(JSON.stringify(r)).not.toContain('Doe');
  });

  test('a Patient id with a tab or a newline keeps its own record', async () => {
    const dir = tmp();
    const records = ['a\tb', 'c\nd'].map((id) => {
      const s = s5();
      s.patientId = id;
      return JSON.parse(
        JSON.stringify(s.resources)
          .replace(/"Patient\/pat-1"/g, JSON.stringify(`Patient/${id}`))
          .replace(/"id":"pat-1"/, `"id":${JSON.stringify(id)}`),
      ) as AnyResource[];
    });
    writeFileSync(join(dir, 'two.ndjson'), ndjson(records.flat()));
    const rows: string[] = [];
    const r = await run(dir, { times: [at(s5().now)], onPatients: (ps) => rows.push(...ps.map((p) => p.patient)) });
    // A reference can hold neither: those resources name no Patient reference, the two Patients stay apart.
    expect(rows.sort()).toEqual(['a\tb', 'c\nd']);
    expect(r.patients).toBe(2);
  });

  test('a file without a newline longer than the line bound: named, not read into memory', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'long.ndjson'), `{"resourceType":"Observation","note":"${'x'.repeat(300_000)}"}`);
    syntheticExport(dir, 1, NOW);
    const r = await run(dir, { limits: { maxLineBytes: 100_000, maxInflation: 200 } });
    const f = r.files.find((x) => x.name === 'long.ndjson')!;
    expect(f.skipped).toEqual({ 'longer than 100 KB': { count: 1, lines: [1] } });
    expect(r.patients).toBe(1);
  });

  test('a contained resource naming another patient before the subject: the data stay with their own subject', async () => {
    const dir = tmp();
    const s = s5();
    const resources = s.resources.map((r) =>
      r.resourceType === 'Observation'
        ? // The contained resource comes first in the text, naming someone else.
          { contained: [{ resourceType: 'Observation', id: 'c', subject: { reference: 'Patient/other' } }], ...r }
        : r,
    );
    writeFileSync(join(dir, 'all.ndjson'), ndjson(resources));
    expect(JSON.stringify(resources[resources.length - 1])).toMatch(/Patient\/other.*Patient\/pat-1/);
    const r = await run(dir, { times: [at(s.now)] });
    expect(r.byRule['TTP-CAPLA-DAY5']).toEqual({ critical: 1 });
    expect(r.patientsWithoutPatientResource).toBe(0);
  });

  test('a truncated gzip: the lines before the cut are read, the file is named as not read to its end', async () => {
    const dir = tmp();
    syntheticExport(dir, 8, NOW, { gzip: true });
    const file = join(dir, 'Observation.000.ndjson.gz');
    const whole = readFileSync(file);
    writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));
    const r = await run(dir);
    const f = r.files.find((x) => x.name === 'Observation.000.ndjson.gz')!;
    expect(f.stopped).toMatch(/^the gzip stream is truncated or corrupt after line \d+$/);
    expect(f.resources).toBeGreaterThan(0);
    expect(r.patients).toBe(8);
    expect(skippedAnything(r)).toBe(true);
  });

  test('a gzip bomb stops at its inflation bound', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'Observation.000.ndjson.gz'), gzipSync(Buffer.alloc(80 * 1024 * 1024, 0x20)));
    const r = await run(dir, { limits: { maxLineBytes: 16 * 1024 * 1024, maxInflation: 200 } });
    expect(r.files[0]!.stopped).toMatch(/^inflates past 200 times its size on disk \(64 MB\)/);
  });

  test('the line reader: CRLF, blank lines counted, a last line without a newline', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'x.ndjson'), 'a\r\n\nb\nc');
    const got: unknown[] = [];
    const end: { lines?: number } = {};
    for await (const l of lines(exportInputs(join(dir, 'x.ndjson')).files[0]!, undefined, undefined, end)) got.push(l);
    expect(got).toEqual([
      { n: 1, text: 'a' },
      { n: 3, text: 'b' },
      { n: 4, text: 'c' },
    ]);
    expect(end.lines).toBe(4);
  });
});

describe('what the committee asks', () => {
  test('a silent rule is computed and counted apart; it shows in no count of shown cards', async () => {
    const dir = tmp();
    syntheticExport(dir, 16, NOW);
    const siteDeps = () =>
      buildDeps({ config: testConfig(), content: loadContent({ site: { silent: { rules: ['TTP-CAPLA-DAY5'] } } }), clock: () => NOW });
    const r = await replay(dir, { makeDeps: siteDeps });
    expect(r.byRule['TTP-CAPLA-DAY5']).toBeUndefined();
    expect(r.silentByRule['TTP-CAPLA-DAY5']).toEqual({ critical: 4, info: 1 });
    expect(r.patientDays['TTP-CAPLA-DAY5']).toEqual({ shown: 0, silent: 5 });
  });

  test('--rules counts only those rules', async () => {
    const dir = tmp();
    syntheticExport(dir, 16, NOW);
    const r = await run(dir, { rules: ['TTP-REFRACTORY-2L'] });
    expect(Object.keys(r.byRule)).toEqual(['TTP-REFRACTORY-2L']);
  });

  test('--as-of: the record as it stood then (what is dated later is left out); --every counts patient-days', async () => {
    const dir = tmp();
    syntheticExport(dir, 16, NOW);
    // Each example patient's "now" is NOW; two days before, the day-5 non-responders were on day 3.
    const early = await run(dir, { times: [NOW - 2 * 86_400_000] });
    expect(early.byRule['TTP-CAPLA-DAY5']?.critical ?? 0).toBe(0);
    expect(early.evaluatedAt).toEqual({ at: new Date(NOW - 2 * 86_400_000).toISOString() });
    const times = [0, 1, 2].map((d) => NOW - (2 - d) * 86_400_000);
    const days = await run(dir, { times, period: { from: times[0]!, to: times[2]!, everyHours: 24 } });
    expect(days.evaluatedAt).toMatchObject({ everyHours: 24, times: 3 });
    // CAPLA-DAY5 fires on days 4 and 5 of the non-responders (4 patients of 16 each time, and the others?): at least 2 days each.
    expect(days.patientDays['TTP-CAPLA-DAY5']!.shown).toBeGreaterThanOrEqual(2 * 4);
    expect(days.byRule['TTP-CAPLA-DAY5']).toEqual(plainCapla(await run(dir)));
  });

  test('the summary names the engine, the content version with its digest and every rule version', async () => {
    const dir = tmp();
    syntheticExport(dir, 2, NOW);
    const r = await run(dir);
    expect(r.contentVersion).toBe(content.version);
    expect(r.contentVersion).toMatch(/^\d+\.\d+\.\d+\+[0-9a-f]{8}$/);
    expect(r.ruleVersions['TTP-CAPLA-DAY5']).toBe(content.rules['TTP-CAPLA-DAY5']!.version);
    expect(Object.keys(r.ruleVersions)).toHaveLength(Object.keys(content.rules).length);
  });
});

function plainCapla(r: Awaited<ReturnType<typeof run>>) {
  return r.byRule['TTP-CAPLA-DAY5'];
}

describe('helpers', () => {
  test('patientOf: own subject or patient; a Patient by id; a contained resource never decides', () => {
    expect(patientOf({ resourceType: 'Patient', id: 'x' })).toBe('x');
    expect(patientOf({ resourceType: 'Patient', id: '' })).toBeUndefined();
    expect(patientOf({ resourceType: 'AllergyIntolerance', patient: { reference: 'Patient/a' } })).toBe('a');
    expect(patientOf({ resourceType: 'Observation', subject: { reference: 'Group/g' } })).toBeUndefined();
    expect(
      patientOf({
        resourceType: 'Observation',
        contained: [{ resourceType: 'Observation', subject: { reference: 'Patient/b' } }],
        subject: { reference: 'Patient/a' },
      }),
    ).toBe('a');
  });

  test('clinicalTime: the earliest time the resource states', () => {
    expect(clinicalTime({ resourceType: 'Observation', effectiveDateTime: day(2), issued: day(3) })).toBe(at(day(2)));
    expect(clinicalTime({ resourceType: 'Procedure', performedPeriod: { start: day(1), end: day(2) } })).toBe(at(day(1)));
    expect(clinicalTime({ resourceType: 'Patient' })).toBeUndefined();
  });

  test('the partition files hold no more than the lines they were given (a directory with nested folders is walked)', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    syntheticExport(join(dir, 'a', 'b'), 3, NOW);
    expect((await run(dir)).patients).toBe(3);
  });
});
