// Anti-malware on macOS. XProtect is built in and cannot be turned off while System Integrity Protection
// is on: it checks files on first launch and after download, and XProtect Remediator scans in the
// background; it is not a continuous on-access scanner, so real-time is reported unknown. Its
// definitions arrive as background data updates; their age is the newer of the bundle's modification
// time and the last XProtect install recorded in InstallHistory.plist. (Apple ships XProtect updates
// every one to four weeks: a signature age above a week is normal on a healthy Mac.) The bundle moved
// over the years: /System/Library/CoreServices (to 10.14), /Library/Apple/System/Library/CoreServices
// (10.15+), /private/var/protected/xprotect (15+, updated by the `xprotect` service); the newest
// version found wins. EDR products are found by their system extensions.
import type { AntivirusEdrFacts } from '../../../protocol/checks/antivirus-edr.js';
import type { CommandResult } from '../../runner.js';
import { DarwinProbe, isDict } from '../darwin-common.js';
import { clip, whyFailed } from '../linux-common.js';
import { lastXProtectUpdate, parseInstallHistory } from '../patch_level/parse-install-history.js';
import { INSTALL_HISTORY } from '../patch_level/darwin.js';
import type { CollectDeps, PlatformCheck } from '../types.js';
import { edrProducts, parseSystemExtensions } from './parse-systemextensions.js';

export const SYSTEMEXTENSIONS_ARGV = ['systemextensionsctl', 'list'];
export const XPROTECT_PLISTS = [
  '/private/var/protected/xprotect/XProtect.bundle/Contents/Info.plist',
  '/Library/Apple/System/Library/CoreServices/XProtect.bundle/Contents/Info.plist',
  '/System/Library/CoreServices/XProtect.bundle/Contents/Info.plist',
];

type Product = AntivirusEdrFacts['products'][number];
const DAY_MS = 86_400_000;
const ran = (r: CommandResult) => !r.failure && r.exitCode === 0;

const newer = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true }) > 0;

async function xprotect(p: DarwinProbe, now: number): Promise<Product> {
  let version: string | null = null;
  let updated: number | null = null;
  let where: string | null = null;
  for (const path of XPROTECT_PLISTS) {
    const f = await p.plist(path);
    if (!isDict(f.value)) continue;
    const v = f.value.CFBundleShortVersionString;
    if (typeof v !== 'string' || (version !== null && !newer(v, version))) continue;
    version = v;
    where = path;
    updated = await p.mtimeMs(path);
  }
  const hist = parseInstallHistory((await p.plist(INSTALL_HISTORY)).value);
  // A record dated after now (clock moved back) cannot vouch for freshness.
  const installed = hist ? lastXProtectUpdate(hist.filter((r) => Date.parse(r.date) <= now)) : null;
  if (installed) {
    const t = Date.parse(installed.date);
    if (updated === null || t > updated) updated = t;
    version ??= installed.version;
  }
  if (version === null && updated === null) {
    return { name: 'XProtect', kind: 'antivirus', active: null, realtime: null, signatureAgeDays: null, detail: 'no XProtect bundle or install record found' };
  }
  const age = updated === null ? null : Math.max(0, Math.floor(((now - updated) / DAY_MS) * 10) / 10);
  return {
    name: 'XProtect',
    kind: 'antivirus',
    active: true,
    realtime: null,
    signatureAgeDays: age,
    ...(version ? { version } : {}),
    detail: clip(`built in, always on while SIP is enabled; scans on launch and download${where ? `; ${where}` : ''}${installed ? `; last installed ${installed.date}` : ''}`, 1024),
  };
}

async function collect(deps: CollectDeps) {
  const p = new DarwinProbe(deps);
  const products: Product[] = [await xprotect(p, deps.now())];
  const notes: string[] = [];
  const r = await p.run(SYSTEMEXTENSIONS_ARGV);
  const exts = ran(r) ? parseSystemExtensions(r.stdout) : null;
  if (!exts) notes.push(clip(`EDR system extensions could not be listed: ${ran(r) ? 'unreadable output' : whyFailed(r)}`, 1024));
  for (const e of edrProducts(exts ?? [])) {
    products.push({
      name: e.product,
      kind: 'edr',
      active: e.active,
      realtime: null,
      signatureAgeDays: null,
      ...(e.version ? { version: e.version } : {}),
      detail: clip(e.states.join('; '), 1024),
    });
  }
  const facts: AntivirusEdrFacts = { products: products.slice(0, 32), ...(notes.length ? { notes } : {}) };
  return { facts, evidence: p.evidence };
}

const check: PlatformCheck<AntivirusEdrFacts> = { id: 'antivirus_edr', collect };
export default check;
