/**
 * The open preview (issue: hostile input, second round, item 3): the example patients stay public,
 * but evaluating a pasted request is a CDS call: in JWT mode it needs the admin token, and every
 * POST carries a CSRF token and is refused cross-site.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import request from 'supertest';
import { situations } from '../fixtures/situations';
import { testApp } from '../helpers';

const ADMIN = 'committee-token-0123456789';
const PREVIEW = '/catalogue/preview';
let trusted: string;
beforeAll(async () => {
  const k = await generateKeyPair('ES384');
  trusted = join(mkdtempSync(join(tmpdir(), 'ttp-preview-')), 'trusted.json');
  writeFileSync(
    trusted,
    JSON.stringify({ clients: [{ iss: 'https://ehr.example', jwks: { keys: [{ ...(await exportJWK(k.publicKey)), kid: 'k' }] } }] }),
  );
});

/** The form's CSRF token and its cookie, from a GET of the preview. */
async function form(app: Parameters<typeof request>[0]) {
  const g = await request(app).get(PREVIEW).expect(200);
  const token = /name="csrf" value="([0-9a-f]{32})"/.exec(g.text)?.[1];
  const cookie = (g.headers['set-cookie'] as unknown as string[] | undefined)?.find((c) => c.startsWith('ttp_csrf='));
  expect(token).toBeDefined();
  expect(cookie).toMatch(/^ttp_csrf=[0-9a-f]{32}; Path=\/catalogue; HttpOnly; SameSite=Strict$/);
  return { token: token!, cookie: cookie!.split(';')[0]! };
}

const pasted = () => JSON.stringify(situations['full-prefetch-non-responder']());

describe('the pasted preview, open mode', () => {
  const { app } = testApp();

  test('a POST with the CSRF token of its cookie is evaluated; without, with another, or cross-site it is refused (403)', async () => {
    const { token, cookie } = await form(app);
    const ok = await request(app)
      .post(PREVIEW)
      .set('Cookie', cookie)
      .set('Sec-Fetch-Site', 'same-origin')
      .type('form')
      .send({ csrf: token, request: pasted() });
    expect(ok.status).toBe(200);
    expect(ok.text).toMatch(/<h2>Cards<\/h2><article class="card /);
    const refused = async (r: request.Test) => {
      const res = await r;
      expect(res.status).toBe(403);
      return res.body.issue[0].diagnostics as string;
    };
    expect(await refused(request(app).post(PREVIEW).type('form').send({ csrf: token, request: pasted() }))).toContain(
      'no valid CSRF token',
    );
    expect(await refused(request(app).post(PREVIEW).set('Cookie', cookie).type('form').send({ request: pasted() }))).toContain(
      'no valid CSRF token',
    );
    expect(
      await refused(
        request(app)
          .post(PREVIEW)
          .set('Cookie', cookie)
          .type('form')
          .send({ csrf: 'f'.repeat(32), request: pasted() }),
      ),
    ).toContain('no valid CSRF token');
    expect(
      await refused(
        request(app)
          .post(PREVIEW)
          .set('Cookie', cookie)
          .set('Sec-Fetch-Site', 'cross-site')
          .type('form')
          .send({ csrf: token, request: pasted() }),
      ),
    ).toContain('Sec-Fetch-Site: cross-site');
    expect(
      await refused(
        request(app)
          .post(PREVIEW)
          .set('Cookie', cookie)
          .set('Origin', 'https://evil.example')
          .type('form')
          .send({ csrf: token, request: pasted() }),
      ),
    ).toContain('another origin');
  });

  test('the token is kept for the same browser: a second GET reuses its cookie', async () => {
    const { token, cookie } = await form(app);
    const again = await request(app).get(PREVIEW).set('Cookie', cookie).expect(200);
    expect(again.headers['set-cookie']).toBeUndefined();
    expect(again.text).toContain(`value="${token}"`);
  });
});

describe('the pasted preview, JWT mode', () => {
  test('without ADMIN_TOKEN: the CDS route is 401, the example patients are public, a pasted request is refused (403, saying why)', async () => {
    const { app } = testApp({ env: { CDS_TRUSTED_CLIENTS: trusted, PUBLIC_BASE_URL: 'https://cds.example' } });
    await request(app).post('/cds-services/ttp-patient-view').send(situations['full-prefetch-non-responder']()).expect(401);
    const { token, cookie } = await form(app);
    const g = await request(app).get(`${PREVIEW}?situation=non-responder-d5`).expect(200);
    expect(g.text).toContain('data-rule="TTP-CAPLA-DAY5"');
    expect(g.text).toContain('the pasted preview is off');
    const p = await request(app).post(PREVIEW).set('Cookie', cookie).type('form').send({ csrf: token, request: pasted() });
    expect(p.status).toBe(403);
    expect(p.body.issue[0].diagnostics).toContain('needs ADMIN_TOKEN');
    expect(p.text).not.toContain('<h2>Cards</h2>');
  });

  test('with ADMIN_TOKEN: a pasted request needs it (401 asking for it), and with it is evaluated', async () => {
    const { app } = testApp({ env: { CDS_TRUSTED_CLIENTS: trusted, PUBLIC_BASE_URL: 'https://cds.example', ADMIN_TOKEN: ADMIN } });
    const { token, cookie } = await form(app);
    const asked = await request(app).post(PREVIEW).set('Cookie', cookie).type('form').send({ csrf: token, request: pasted() });
    expect(asked.status).toBe(401);
    expect(asked.headers['www-authenticate']).toContain('Basic realm="ttp-cds governance"');
    expect(asked.text).not.toContain('<h2>Cards</h2>');
    const wrong = await request(app)
      .post(PREVIEW)
      .auth('committee', 'not-the-token-at-all')
      .set('Cookie', cookie)
      .type('form')
      .send({ csrf: token, request: pasted() });
    expect(wrong.status).toBe(401);
    const ok = await request(app)
      .post(PREVIEW)
      .auth('committee', ADMIN)
      .set('Cookie', cookie)
      .type('form')
      .send({ csrf: token, request: pasted() });
    expect(ok.status).toBe(200);
    expect(ok.text).toMatch(/<h2>Cards<\/h2><article class="card /);
  });
});
