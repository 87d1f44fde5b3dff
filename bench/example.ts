/**
 * Prints an example CDS Hooks request whose dates are relative to today, for trying the service
 * with curl (README). Usage: node dist/bench/example.js [patient-view|order-select|order-sign] [scenario]
 */
import { anchorNowAt } from '../test/fixtures/builder';
import { bodies } from './bodies';

const hook = (process.argv[2] ?? 'patient-view') as 'patient-view' | 'order-select' | 'order-sign';
const evalDay = 5;
anchorNowAt(evalDay);
const body = hook === 'patient-view' ? bodies.sixDay(evalDay) : bodies.orderSelect(hook);
process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
