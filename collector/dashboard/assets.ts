// The dashboard's only stylesheet and script, served by the collector (no CDN; the CSP allows 'self'
// only). Kept as strings so the build needs no copy step.
export const CSS = `:root{--fg:#1b1f24;--muted:#5b6470;--line:#d5dae1;--bg:#fff;--accent:#0b5cad;--pass:#1a7f37;--fail:#c62828;--warn:#9a6700;--unknown:#6e5494}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}a:focus,button:focus,input:focus,select:focus,textarea:focus,summary:focus{outline:3px solid #f0b400;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem}.skip:focus{left:.5rem;z-index:10}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.top{display:flex;flex-wrap:wrap;align-items:center;gap:1rem;padding:.5rem 1.2rem;background:#0d2740;color:#fff}
.top a{color:#fff;text-decoration:none;padding:.3rem .5rem;border-radius:4px}.top a[aria-current=page]{background:#1f4f7f;font-weight:600}
.top ul{display:flex;flex-wrap:wrap;gap:.2rem;list-style:none;margin:0;padding:0}.brand{font-weight:700;font-size:1.1rem}
.who{margin-left:auto;display:flex;gap:.5rem;align-items:center}
main{padding:1rem 1.2rem;max-width:80rem}main.narrow{max-width:26rem;margin:3rem auto}footer{padding:1rem 1.2rem;color:var(--muted)}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.2rem}th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}
thead th{background:#f3f5f8}caption{text-align:left;font-weight:600;padding:.3rem 0}
.cards{display:flex;flex-wrap:wrap;gap:.8rem}.card{border:1px solid var(--line);border-radius:6px;padding:.7rem 1rem;min-width:11rem}
.card .n{display:block;font-size:1.6rem;font-weight:700}.card.warn{border-color:var(--warn)}.card.bad{border-color:var(--fail)}
.badge{display:inline-block;padding:0 .45rem;border-radius:9px;font-size:.8rem;font-weight:600;color:#fff;background:var(--muted)}
.s-pass{background:var(--pass)}.s-fail,.s-revoked{background:var(--fail)}.s-unknown,.s-error,.s-missing{background:var(--unknown)}.s-waived,.s-stale{background:var(--warn)}
.muted{color:var(--muted)}.bad{color:var(--fail)}.hint{margin:.3rem 0 0;color:var(--muted)}
.filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end;margin:.5rem 0}.filters label,.stack label{display:flex;flex-direction:column;font-size:.85rem;gap:.15rem}
.stack{display:flex;flex-direction:column;gap:.6rem;max-width:30rem;margin:.5rem 0 1.5rem}
input,select,textarea,button{font:inherit;padding:.3rem .45rem}button{cursor:pointer;border:1px solid #8a96a3;border-radius:4px;background:#f3f5f8}
button.danger{border-color:var(--fail);color:var(--fail)}.pager{display:flex;gap:1rem}
pre{background:#f6f8fa;padding:.6rem;overflow:auto;max-height:24rem}code.hash,code.detail{font-size:.75rem;word-break:break-all}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dl.facts dt{font-weight:600}dl.facts dd{margin:0;overflow-wrap:anywhere}
.timeline{padding-left:1.2rem}.tag{display:inline-block;border:1px solid var(--line);border-radius:4px;padding:0 .3rem;margin:.1rem;font-size:.75rem}
.chart svg{max-width:48rem;display:block}.chart .grid{stroke:#e3e7ec}.chart .axis{font-size:11px;fill:var(--muted)}
.l-pass{stroke:var(--pass);stroke-width:2}.l-fail{stroke:var(--fail);stroke-width:2}.key::before{content:"";display:inline-block;width:.9rem;height:.25rem;margin-right:.3rem;vertical-align:middle}
.k-pass::before{background:var(--pass)}.k-fail::before{background:var(--fail)}tr.stale td{background:#fff8e5}
@media print{.top,.filters,form,footer{display:none}}`;

// Progressive enhancement only: every page works without it.
export const JS = `'use strict';
document.addEventListener('submit', function (e) {
  var f = e.target;
  var msg = f.getAttribute && f.getAttribute('data-confirm');
  if (msg && !window.confirm(msg)) e.preventDefault();
});
var vf = document.getElementById('verify-form');
if (vf) vf.addEventListener('submit', function (e) {
  e.preventDefault();
  var out = document.getElementById('verify-result');
  var file = vf.querySelector('input[type=file]').files[0];
  if (!file) return;
  out.textContent = 'Verifying ' + file.name + '…';
  fetch('/api/v1/exports/verify', { method: 'POST', body: file, credentials: 'same-origin',
    headers: { 'content-type': 'application/octet-stream', 'x-csrf-token': vf.getAttribute('data-csrf') } })
    .then(function (r) { return r.json(); })
    .then(function (r) {
      if (r.code) { out.textContent = 'Error ' + r.code + ': ' + r.message; return; }
      out.textContent = (r.ok ? 'Valid: ' : 'NOT valid: ') + r.files + ' files, ' + r.envelopes + ' envelopes, ' + r.problems.length + ' problem(s)' +
        r.problems.slice(0, 20).map(function (p) { return '\\n' + p.code + ' ' + (p.file || '') + ': ' + p.message; }).join('');
    })
    .catch(function (err) { out.textContent = 'Verification failed: ' + err.message; });
});
`;
