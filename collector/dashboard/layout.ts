// Page frame: skip link, navigation, one <main>. Styles and scripts come from /assets (CSP: 'self' only).
import type { Principal } from '../auth/service.js';
import { h, type Html } from './html.js';

export interface PageContext {
  principal: Principal;
  version: string;
  path: string;
}

const NAV: { href: string; label: string }[] = [
  { href: '/', label: 'Overview' },
  { href: '/devices', label: 'Devices' },
  { href: '/controls', label: 'Controls' },
  { href: '/gateways', label: 'Gateways' },
  { href: '/alerts', label: 'Alerts' },
  { href: '/enrolment', label: 'Enrolment' },
  { href: '/exports', label: 'Exports' },
  { href: '/audit', label: 'Audit log' },
  { href: '/settings', label: 'Settings' },
];

function current(path: string, href: string): boolean {
  return href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`);
}

export function page(ctx: PageContext, title: string, body: Html): Html {
  const p = ctx.principal;
  return h`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${p.csrf ?? ''}">
<title>${title} · Vigil</title><link rel="stylesheet" href="/assets/dashboard.css"><script src="/assets/dashboard.js" defer></script></head>
<body><a class="skip" href="#main">Skip to content</a>
<header class="top"><span class="brand">Vigil</span>
<nav aria-label="Main"><ul>${NAV.map((n) => h`<li><a href="${n.href}"${current(ctx.path, n.href) ? h` aria-current="page"` : ''}>${n.label}</a></li>`)}</ul></nav>
<form class="who" method="post" action="/logout"><span>${p.name} (${p.role})</span><input type="hidden" name="_csrf" value="${p.csrf ?? ''}"><button type="submit">Log out</button></form>
</header>
<main id="main" tabindex="-1"><h1>${title}</h1>
${body}
</main>
<footer>Vigil ${ctx.version} · <a href="/docs">API</a></footer>
</body></html>`;
}

export function bare(title: string, body: Html): Html {
  return h`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Vigil</title><link rel="stylesheet" href="/assets/dashboard.css"></head>
<body><main id="main" class="narrow"><h1>${title}</h1>
${body}
</main></body></html>`;
}

export function csrfField(ctx: PageContext): Html {
  return h`<input type="hidden" name="_csrf" value="${ctx.principal.csrf ?? ''}">`;
}

export function badge(status: string): Html {
  return h`<span class="badge s-${status.replace(/[^a-z_]/g, '')}">${status.replace('_', ' ')}</span>`;
}

/** A time as ISO text with a relative hint; empty text for null. */
export function when(iso: string | null, now: Date): Html {
  if (!iso) return h`<span class="muted">never</span>`;
  const s = Math.round((now.getTime() - Date.parse(iso)) / 1000);
  const rel = s < 90 ? `${s} s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : s < 129600 ? `${Math.round(s / 3600)} h ago` : `${Math.round(s / 86400)} d ago`;
  return h`<time datetime="${iso}" title="${iso}">${rel}</time>`;
}

export function pct(n: number, of: number): string {
  return of ? `${((100 * n) / of).toFixed(1)} %` : '–';
}
