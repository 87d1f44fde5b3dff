/**
 * The service's front page (GET /): what it is, and where each part is, for a person who opens the
 * service's address in a browser (the EHR calls the CDS routes, never this page).
 */
import type { Content } from '../../content';
import { h } from './html';

export function homePage(content: Content, opts: { governance: boolean; metrics: boolean }): string {
  const services = content.services.map((s) => `<li><code>${h(s.id)}</code> (${h(s.hook)}): ${h(s.title)}</li>`).join('');
  return `<div class="home">
<p class="lead">A CDS Hooks 2.0 service that helps clinicians escalate the treatment of acquired thrombotic thrombocytopenic purpura (iTTP) on time: which plasma-exchange day it is, whether the patient responds, what escalation is due, and warnings while orders are chosen and signed. Clinical content ${h(content.version)}, ${Object.keys(content.rules).length} rules.</p>
<h2>For the EHR</h2>
<ul>
<li><a href="/cds-services">Discovery</a> (<code>GET /cds-services</code>, JSON): the services and their prefetch templates.</li>
${services}
<li><a href="/openapi.json">The HTTP API</a> (OpenAPI 3.1, JSON): every route, with the schemas the service validates with.</li>
<li><a href="/healthz">Liveness</a> and <a href="/readyz">readiness</a> (JSON)${opts.metrics ? '; <code>/metrics</code> for Prometheus (with METRICS_TOKEN)' : ''}.</li>
</ul>
<h2>For clinicians and the CDS committee</h2>
<ul>
<li><a href="/catalogue">Rule catalogue</a>: every rule, when it fires, its thresholds with their sources, and its card text filled for an example patient.</li>
<li><a href="/catalogue/preview">Card preview</a>: the example patients of the knowledge base as an EHR would show their cards; paste a request or a record.</li>
<li><a href="/governance">Governance</a>${opts.governance ? '' : ' (off on this deployment: ADMIN_TOKEN is not set)'}: how often each rule fires, is accepted and is overridden, and why.</li>
<li><a href="/docs/site-customisation">Site customisation</a>: the parameters, value sets, units and orderables a site may set, generated from the content in force.</li>
</ul>
</div>`;
}
