import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The project root (the folder holding hooks/ and cards/), from src/ or from dist/src/. */
export function projectRoot(from = __dirname): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'hooks', 'services.json')) && existsSync(join(dir, 'cards', 'citations.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find hooks/ and cards/ above ${from}`);
    dir = up;
  }
}
