/**
 * `npm run demo-fhir`: a FHIR R4 server on loopback holding one iTTP patient (a day-5 non-responder
 * on plasma exchange, steroids and rituximab, dated relative to today), with CORS open, so that the
 * CDS Hooks Sandbox can read it and send its data to the service (README, "Try it in the CDS Hooks
 * Sandbox"). A test tool: medplum's FhirRouter over an in-memory repository, nothing stored.
 * DEMO_FHIR_PORT sets its port (default 8090; the sandbox's own dev server takes 8080). The link it
 * prints opens the sandbox at DEMO_SANDBOX_URL (default http://localhost:8080/) on the service at
 * PUBLIC_BASE_URL (else http://localhost:PORT, PORT default 3000): the same variables the service reads.
 */
import { anchorNowAt, dailyHb, ittpDefaults } from '../test/fixtures/builder';
import { startFhirServer } from '../test/fixtures/fhirServer';

async function main(): Promise<void> {
  anchorNowAt(5);
  const s = dailyHb(ittpDefaults(5).series('plt', [12, 14, 15, 18, 16]).series('ldh', [1400, 1380, 1350, 1320, 1300]), 1, 5);
  const patient = s.resources.find((r) => r.resourceType === 'Patient')!;
  patient.name = [{ use: 'official', family: 'Demo', given: ['iTTP'] }];
  const port = Number(process.env.DEMO_FHIR_PORT ?? 8090);
  const srv = await startFhirServer(s.resources, { port, cors: true });
  const sandbox = new URL(process.env.DEMO_SANDBOX_URL ?? 'http://localhost:8080/');
  const service = (process.env.PUBLIC_BASE_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/+$/, '');
  sandbox.searchParams.set('fhirServiceUrl', srv.url.replace('127.0.0.1', 'localhost'));
  sandbox.searchParams.set('patientId', s.patientId);
  sandbox.searchParams.set('serviceDiscoveryURL', `${service}/cds-services`);
  process.stdout.write(
    [
      `FHIR R4 server with one iTTP patient (Patient/${s.patientId}, ${s.resources.length} resources): ${srv.url}`,
      `Open the sandbox with: ${sandbox.toString()}`,
      'Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

void main();
