/**
 * Every rule's logic: each src/rules/ttp-*.ts module exports `rule` (its content is
 * cards/<id>.json). Modules are found by their file name, so adding a rule adds files and edits none.
 */
import { readdirSync } from 'node:fs';
import type { RuleModule } from './types';

const MODULE_FILE = /^ttp-[a-z0-9-]+\.(js|ts)$/;

export const RULE_MODULES: readonly RuleModule[] = readdirSync(__dirname)
  .filter((f) => MODULE_FILE.test(f))
  .sort()
  .map((f) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require(`./${f}`) as { rule?: RuleModule };
    if (!m.rule) throw new Error(`src/rules/${f} exports no rule`);
    return m.rule;
  });
