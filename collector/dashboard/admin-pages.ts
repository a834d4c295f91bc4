// Enrolment, exports, settings, audit log, login and error pages.
import type { TokenRow } from '../enrolment/repo.js';
import type { ApiTokenRow } from '../auth/repo.js';
import type { PublicUser } from '../users/service.js';
import type { AuditRow } from './repo.js';
import { h, qs, type Html } from './html.js';
import { badge, csrfField, when, type PageContext } from './layout.js';

export function enrolmentPage(ctx: PageContext, tokens: readonly TokenRow[], canWrite: boolean, now: Date): Html {
  const live = (t: TokenRow) => !t.revoked_at && t.expires_at > now.toISOString() && t.uses < t.max_uses;
  return h`${canWrite ? h`<h2>Create an enrolment token</h2>
<form method="post" action="/enrolment/tokens" class="stack">${csrfField(ctx)}
<label>Role given to devices <input name="role" required pattern="[a-z][a-z0-9_-]{0,63}" value="workstation"></label>
<label>Site <input name="site" maxlength="100"></label>
<label>Expires after <select name="expires"><option value="1h">1 hour</option><option value="24h" selected>24 hours</option><option value="7d">7 days</option><option value="30d">30 days</option></select></label>
<label>Devices that may enrol with it <input name="maxUses" type="number" min="1" max="100000" value="1" required></label>
<button type="submit">Create token</button></form>` : ''}
<h2>Tokens</h2>
<table><thead><tr><th scope="col">Id</th><th scope="col">Role</th><th scope="col">Site</th><th scope="col">Uses</th><th scope="col">Expires</th><th scope="col">State</th><th scope="col"><span class="sr">Action</span></th></tr></thead>
<tbody>${tokens.map((t) => h`<tr><td><code>${t.id}</code></td><td>${t.role}</td><td>${t.site ?? ''}</td><td>${t.uses} / ${t.max_uses}</td><td>${t.expires_at}</td>
<td>${t.revoked_at ? badge('revoked') : live(t) ? 'live' : 'used up or expired'}</td>
<td>${canWrite && !t.revoked_at ? h`<form method="post" action="/enrolment/tokens/${t.id}/revoke" data-confirm="Revoke this token?">${csrfField(ctx)}<button type="submit" aria-label="Revoke token ${t.id}">Revoke</button></form>` : ''}</td></tr>`)}</tbody></table>
${canWrite ? h`<h2>Revoke a device</h2><form method="post" action="/devices/revoke" class="stack" data-confirm="Revoke this device?">${csrfField(ctx)}
<label>Device id <input name="device" required pattern="dev_[0-9a-f]{32}" placeholder="dev_…"></label>
<label>Reason <input name="reason" required maxlength="500"></label><button type="submit" class="danger">Revoke device</button></form>` : ''}`;
}

export function tokenCreatedPage(t: { id: string; role: string; expiresAt: string; maxUses: number }, enrolment: string): Html {
  return h`<p role="status">Token <code>${t.id}</code> created: role ${t.role}, ${t.maxUses} use(s), expires ${t.expiresAt}. It is shown once.</p>
<label for="enrolment-string">Enrolment string</label>
<textarea id="enrolment-string" readonly rows="3" cols="80">${enrolment}</textarea>
<p>On the device: <code>vigil-agent enroll '&lt;enrolment string&gt;'</code></p>
<p><a href="/enrolment">Back to enrolment</a></p>`;
}

export function exportsPage(ctx: PageContext, now: Date): Html {
  const today = now.toISOString().slice(0, 10);
  const monthAgo = new Date(now.getTime() - 30 * 86_400_000).toISOString().slice(0, 10);
  return h`<h2>Create and download</h2>
<p>An evidence archive for an audit period: OSCAL assessment results, CSV, a printable report, the signed envelopes and a signed manifest. It is built as it downloads.</p>
<form method="get" action="/exports/download" class="stack">
<label>From <input type="date" name="from" value="${monthAgo}" required></label>
<label>To <input type="date" name="to" value="${today}" required></label>
<label>Envelopes <select name="envelopes"><option value="cited">those the results cite</option><option value="period">every envelope of the period</option></select></label>
<button type="submit">Download export</button></form>
<h2>Verify an archive</h2>
<p>Checks the manifest signature and every file, as <code>vigil verify FILE</code> does offline.</p>
<form id="verify-form" class="stack" data-csrf="${ctx.principal.csrf ?? ''}">
<label>Archive (.tar.gz) <input type="file" name="archive" accept=".gz,.tgz,application/gzip" required></label>
<button type="submit">Verify</button></form>
<output id="verify-result" for="verify-form" aria-live="polite"></output>`;
}

export function settingsPage(
  ctx: PageContext,
  s: { policyVersion: string | null; policySource: string | null; policyError: string | null; versions: { version: string; first_loaded_at: string }[]; users: PublicUser[] | null; tokens: Omit<ApiTokenRow, 'secret_sha256'>[] | null; channels: Html },
): Html {
  return h`<h2>Policy</h2>
<p>In force: <code>${s.policyVersion ?? 'built-in defaults'}</code>. Edit the policy file in the data directory; it is reloaded without a restart.</p>
${s.policyError ? h`<p class="bad" role="alert">The last edit was refused: ${s.policyError}</p>` : ''}
${s.policySource ? h`<details><summary>Policy file</summary><pre>${s.policySource}</pre></details>` : ''}
<table><caption>Versions loaded</caption><thead><tr><th scope="col">Version</th><th scope="col">First loaded</th></tr></thead>
<tbody>${s.versions.map((v) => h`<tr><td><code>${v.version}</code></td><td>${v.first_loaded_at}</td></tr>`)}</tbody></table>
<h2>Notification channels</h2>
${s.channels}
${s.users ? h`<h2>Users</h2>
<table><thead><tr><th scope="col">User</th><th scope="col">Role</th><th scope="col">Created</th><th scope="col">State</th><th scope="col"><span class="sr">Action</span></th></tr></thead>
<tbody>${s.users.map((u) => h`<tr><td>${u.username}</td><td>${u.role}</td><td>${u.created_at} by ${u.created_by}</td><td>${u.disabled_at ? 'disabled' : 'active'}</td>
<td>${!u.disabled_at && u.username !== ctx.principal.name ? h`<form method="post" action="/settings/users/${u.username}/disable" data-confirm="Disable this user?">${csrfField(ctx)}<button type="submit" aria-label="Disable user ${u.username}">Disable</button></form>` : ''}</td></tr>`)}</tbody></table>
<form method="post" action="/settings/users" class="stack">${csrfField(ctx)}<h3>Add a user</h3>
<label>Username <input name="username" required pattern="[a-zA-Z0-9][\\w.@\\-]{0,63}" autocomplete="off"></label>
<label>Role <select name="role"><option value="operator">operator</option><option value="auditor">auditor (read-only, may export)</option><option value="admin">admin</option></select></label>
<label>Password (at least 12 characters) <input name="password" type="password" required minlength="12" autocomplete="new-password"></label>
<button type="submit">Add user</button></form>` : ''}
${s.tokens ? h`<h2>API tokens</h2>
<table><thead><tr><th scope="col">Id</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Last used</th><th scope="col">State</th><th scope="col"><span class="sr">Action</span></th></tr></thead>
<tbody>${s.tokens.map((t) => h`<tr><td><code>${t.id}</code></td><td>${t.name}</td><td>${t.role}</td><td>${t.last_used_at ?? ''}</td><td>${t.revoked_at ? badge('revoked') : 'active'}</td>
<td>${t.revoked_at ? '' : h`<form method="post" action="/settings/api-tokens/${t.id}/revoke" data-confirm="Revoke this API token?">${csrfField(ctx)}<button type="submit" aria-label="Revoke API token ${t.name}">Revoke</button></form>`}</td></tr>`)}</tbody></table>
<form method="post" action="/settings/api-tokens" class="stack">${csrfField(ctx)}<h3>Create an API token</h3>
<label>Name <input name="name" required maxlength="100" pattern="[\\w .@\\-]{1,100}"></label>
<label>Role <select name="role"><option value="auditor">auditor</option><option value="operator">operator</option><option value="admin">admin</option></select></label>
<button type="submit">Create API token</button></form>` : ''}`;
}

export function apiTokenCreatedPage(t: { id: string; name: string; role: string; token: string }): Html {
  return h`<p role="status">API token <code>${t.id}</code> (${t.name}, ${t.role}) created. It is shown once; send it as <code>Authorization: Bearer &lt;token&gt;</code>.</p>
<label for="api-token">Token</label> <input id="api-token" readonly size="80" value="${t.token}">
<p><a href="/settings">Back to settings</a></p>`;
}

export function auditPage(rows: readonly AuditRow[], next: string | null, filter: { actor: string; action: string }, now: Date): Html {
  return h`<form method="get" action="/audit" class="filters" role="search" aria-label="Filter the audit log">
<label>Actor <input name="actor" value="${filter.actor}" maxlength="200"></label><label>Action <input name="action" value="${filter.action}" maxlength="100"></label>
<button type="submit">Filter</button> <a href="/audit">Clear</a></form>
<p>Export: <a href="/api/v1/audit/export${qs({ format: 'csv', ...filter })}" download>CSV</a> · <a href="/api/v1/audit/export${qs({ format: 'json', ...filter })}" download>JSON</a></p>
<table><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Subject</th><th scope="col">Detail</th></tr></thead>
<tbody>${rows.map((r) => h`<tr><td><time datetime="${r.at}">${r.at}</time> <span class="muted">${when(r.at, now)}</span></td><td>${r.actor}</td><td><code>${r.action}</code></td><td>${r.subject ?? ''}</td><td><code class="detail">${r.detail ?? ''}</code></td></tr>`)}</tbody></table>
<nav class="pager" aria-label="Pages">${next ? h`<a rel="next" href="/audit${qs({ ...filter, before: next })}">Older entries</a>` : ''}</nav>`;
}

export function loginPage(csrf: string, next: string, failed: boolean): Html {
  return h`${failed ? h`<p class="bad" role="alert">Unknown user or wrong password.</p>` : ''}
<form method="post" action="/login" class="stack"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="next" value="${next}">
<label>Username <input name="username" required autocomplete="username" autofocus></label>
<label>Password <input name="password" type="password" required autocomplete="current-password"></label>
<button type="submit">Log in</button></form>`;
}

export function errorBody(status: number, code: string, message: string): Html {
  return h`<p role="alert"><strong>${status}</strong> <code>${code}</code>: ${message}</p><p><a href="/">Back to the overview</a></p>`;
}

export { when };
