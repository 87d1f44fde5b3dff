/** CSV cells are safe to open in a spreadsheet (OWASP CSV injection) and parse back to what was written. */
import fc from 'fast-check';
import { csvCell, csvLine } from '../../src/csv';
import { statsCsv } from '../../src/http/pages/governance';
import { csvRows } from '../../src/cli/replay';

/** A minimal RFC 4180 reader for one line of quoted or bare cells. */
function parseLine(line: string): string[] {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        if (line[i] === '"' && line[i + 1] === '"') {
          v += '"';
          i += 2;
        } else if (line[i] === '"') break;
        else v += line[i++];
      }
      cells.push(v);
      i++;
    } else {
      const end = line.indexOf(',', i);
      cells.push(line.slice(i, end < 0 ? undefined : end));
      i = end < 0 ? line.length : end;
    }
    if (i >= line.length) return cells;
    i++; // the comma
  }
}

describe('csvCell', () => {
  test.each([
    ['=HYPERLINK("http://evil.example","click")', `"'=HYPERLINK(""http://evil.example"",""click"")"`],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
    ['TTP-CAPLA-DAY5', 'TTP-CAPLA-DAY5'],
    ['a=b', 'a=b'],
    ['a,b', '"a,b"'],
    ['line\nbreak', '"line\nbreak"'],
    ['', ''],
  ])('%j is written %j', (v, out) => {
    expect(csvCell(v)).toBe(out);
  });

  test('numbers are written as numbers, negative ones too', () => {
    expect(csvCell(12)).toBe('12');
    expect(csvCell(-1)).toBe('-1');
  });

  test('property: every text reads back as itself (less the leading quote), and never starts a formula', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '"', ',', 'a', ' ', ';') }), {
          minLength: 1,
          maxLength: 5,
        }),
        (cells) => {
          const line = csvLine(cells);
          const back = parseLine(line);
          expect(back).toHaveLength(cells.length);
          back.forEach((b, i) => {
            expect(/^[=+\-@\t\r]/.test(b)).toBe(false);
            expect(/^[=+\-@\t\r]/.test(cells[i]!) ? b.slice(1) : b).toBe(cells[i]);
          });
        },
      ),
    );
  });
});

describe('the two CSVs the product writes', () => {
  test('the governance CSV: an override reason written as a formula is text', () => {
    const csv = statsCsv([
      {
        ruleId: 'TTP-CAPLA-DAY5',
        ruleVersion: '3.0.0',
        fired: 3,
        silent: 0,
        accepted: 1,
        overridden: 1,
        noResponse: 1,
        revised: 0,
        overrideReasons: { '=HYPERLINK("http://evil.example")': 1 },
      },
    ]);
    const row = parseLine(csv.split('\n')[1]!);
    expect(row).toEqual(['TTP-CAPLA-DAY5', '3.0.0', '3', '0', '1', '1', '1', '0', `'=HYPERLINK("http://evil.example")=1`]);
  });

  test('replay --out: a patient id written as a formula is text', () => {
    const [line] = csvRows({
      patient: '@cmd|/c calc',
      resources: 4,
      rules: [{ rule: 'TTP-CAPLA-DAY5', version: '3.0.0', indicator: 'critical', shown: 1, silent: 0 }],
      error: '-bad',
    });
    expect(parseLine(line!)).toEqual(["'@cmd|/c calc", '4', 'TTP-CAPLA-DAY5', '3.0.0', 'critical', '1', '0', "'-bad"]);
  });
});
