/**
 * Prints an example CDS Hooks request whose dates are relative to today, for trying the service
 * with curl (README). Usage: node dist/bench/example.js [patient-view|order-select|order-sign] [scenario]
 */
import { setDay1 } from '../test/fixtures/builder';
import { bodies } from './bodies';

const hook = (process.argv[2] ?? 'patient-view') as 'patient-view' | 'order-select' | 'order-sign';
const evalDay = 5;
const today = new Date();
const day1 = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - (evalDay - 1)));
setDay1(day1.toISOString().slice(0, 10));
const body = hook === 'patient-view' ? bodies.sixDay(evalDay) : bodies.orderSelect(hook);
process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
