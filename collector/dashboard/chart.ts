// The trend chart: hand-written SVG (no script, no external asset). Share of device-check results
// passing and failing per day; the numbers are also in a table for screen readers and printing.
import type { TrendDay } from './repo.js';
import { h, type Html } from './html.js';

const W = 720;
const H = 200;
const PAD = { l: 44, r: 12, t: 12, b: 28 };

export function trendChart(days: readonly TrendDay[]): Html {
  const total = (d: TrendDay) => d.pass + d.fail + d.unknown;
  const share = (d: TrendDay, k: 'pass' | 'fail') => (total(d) ? d[k] / total(d) : 0);
  const x = (i: number) => PAD.l + (days.length > 1 ? (i * (W - PAD.l - PAD.r)) / (days.length - 1) : 0);
  const y = (v: number) => PAD.t + (1 - v) * (H - PAD.t - PAD.b);
  // Days before the first attestation have no results: no point rather than a misleading 0 %.
  const line = (k: 'pass' | 'fail') =>
    days
      .map((d, i) => (total(d) ? `${x(i).toFixed(1)},${y(share(d, k)).toFixed(1)}` : ''))
      .filter(Boolean)
      .join(' ');
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const labels = days.length ? [0, Math.floor((days.length - 1) / 2), days.length - 1] : [];
  const last = days[days.length - 1];
  const summary = last ? `Today ${(share(last, 'pass') * 100).toFixed(1)} % of check results pass and ${(share(last, 'fail') * 100).toFixed(1)} % fail, over ${days.length} days.` : 'No history yet.';
  return h`<figure class="chart">
<svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="trend-title trend-desc" width="100%" height="${H}">
<title id="trend-title">Compliance trend</title><desc id="trend-desc">${summary}</desc>
${ticks.map((t) => h`<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${y(t)}" y2="${y(t)}" class="grid"/><text x="${PAD.l - 6}" y="${y(t) + 4}" text-anchor="end" class="axis">${t * 100}%</text>`)}
${labels.map((i) => h`<text x="${x(i)}" y="${H - 8}" text-anchor="middle" class="axis">${days[i]!.day}</text>`)}
<polyline points="${line('pass')}" class="l-pass" fill="none"/>
<polyline points="${line('fail')}" class="l-fail" fill="none"/>
</svg>
<figcaption><span class="key k-pass">passing</span> <span class="key k-fail">failing</span> share of device-check results at the end of each day. ${summary}</figcaption>
</figure>`;
}
