// Properties of the Linux checks under hostile input, with fast-check:
//  1. every parser, fed arbitrary text (random Unicode, random bytes, and shuffled lines of the real
//     recorded outputs), returns without throwing;
//  2. every check's collect(), run against a machine where every command prints garbage (random output,
//     random exit codes and failures) and every file holds garbage or is missing, returns facts the
//     schema accepts (or none) and evidence within the attestation's bounds, and the shared evaluation
//     of them is never "pass".
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { CheckEntry } from '../../../protocol/statement.js';
import { evaluateResult } from '../../../protocol/checks/index.js';
import type { CommandResult } from '../../../agent/runner.js';
import type { CollectDeps } from '../../../agent/checks/types.js';
import { LINUX_CHECKS } from '../../../agent/checks/registry-linux.js';
import { parseFileList, parsePgrepList, parseSystemctlShow } from '../../../agent/checks/linux-common.js';
import * as blkid from '../../../agent/checks/disk_encryption/parse-blkid.js';
import * as cryptsetup from '../../../agent/checks/disk_encryption/parse-cryptsetup.js';
import * as dmUuid from '../../../agent/checks/disk_encryption/parse-dm-uuid.js';
import * as dmsetup from '../../../agent/checks/disk_encryption/parse-dmsetup.js';
import * as lsblk from '../../../agent/checks/disk_encryption/parse-lsblk.js';
import * as mountinfo from '../../../agent/checks/disk_encryption/parse-mountinfo.js';
import * as swaps from '../../../agent/checks/disk_encryption/parse-swaps.js';
import * as zfs from '../../../agent/checks/disk_encryption/parse-zfs.js';
import * as firewalld from '../../../agent/checks/firewall/parse-firewalld.js';
import * as iptables from '../../../agent/checks/firewall/parse-iptables.js';
import * as nft from '../../../agent/checks/firewall/parse-nft.js';
import * as ufw from '../../../agent/checks/firewall/parse-ufw.js';
import * as conf from '../../../agent/checks/mdm_enrollment/parse-conf.js';
import * as packages from '../../../agent/checks/mdm_enrollment/parse-packages.js';
import * as apt from '../../../agent/checks/patch_level/parse-apt.js';
import * as aptLists from '../../../agent/checks/patch_level/parse-apt-lists.js';
import * as dnf from '../../../agent/checks/patch_level/parse-dnf.js';
import * as dpkg from '../../../agent/checks/patch_level/parse-dpkg.js';
import * as osRelease from '../../../agent/checks/patch_level/parse-os-release.js';
import * as zypper from '../../../agent/checks/patch_level/parse-zypper.js';
import * as osEol from '../../../agent/checks/os_eol/parse-os-eol.js';
import * as time from '../../../agent/checks/time_sync/parse-time.js';
import * as audit from '../../../agent/checks/audit_logging/parse-audit.js';
import * as accounts from '../../../agent/checks/local_admins/parse-accounts.js';
import * as sudoers from '../../../agent/checks/local_admins/parse-sudoers.js';
import * as usb from '../../../agent/checks/usb_storage/parse-usb.js';
import * as remote from '../../../agent/checks/remote_access/parse-remote.js';
import * as secureBoot from '../../../agent/checks/secure_boot/parse-secureboot.js';
import * as screen from '../../../agent/checks/screen_lock/parse-screenlock.js';
import * as av from '../../../agent/checks/antivirus_edr/parse-av.js';

// Every line of every recorded Linux output, as material for plausible-looking garbage.
const FIXTURES = fileURLToPath(new URL('../../fixtures/linux/', import.meta.url));
const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
const LINES = [...new Set(walk(FIXTURES).flatMap((f) => readFileSync(f, 'utf8').split('\n')))].slice(0, 5000);

const text = fc.oneof(
  fc.string({ maxLength: 400 }),
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.array(fc.oneof(fc.constantFrom(...LINES), fc.string({ maxLength: 40 })), { maxLength: 40 }).map((l) => l.join('\n')),
);

const PARSERS: Record<string, (t: string) => unknown> = {
  parseSystemctlShow, parsePgrepList, parseFileList,
  parseBlkidExport: (t) => { const i = blkid.parseBlkidExport(t); return i && blkid.encryptionSchemeOf(i); },
  parseCryptsetupStatus: cryptsetup.parseCryptsetupStatus,
  parseDmUuid: (t) => dmUuid.isEncryptingCryptType(dmUuid.parseDmUuid(t)?.cryptType ?? null),
  parseDmsetupLs: dmsetup.parseDmsetupLs, parseDmsetupCryptTable: dmsetup.parseDmsetupCryptTable,
  parseLsblkJson: lsblk.parseLsblkJson, parseLsblkPairs: lsblk.parseLsblkPairs, parseLsblkTree: lsblk.parseLsblkTree,
  parseMountinfo: mountinfo.parseMountinfo, parseSwaps: swaps.parseSwaps, parseZfsGet: zfs.parseZfsGet, parseZpoolVdevs: zfs.parseZpoolVdevs,
  parseFirewalldState: firewalld.parseFirewalldState, parseFirewalldListAll: firewalld.parseFirewalldListAll,
  parseIptablesS: (t) => { const r = iptables.parseIptablesS(t); return r && [iptables.inputOutcome(r), iptables.filtersInbound(r)]; },
  parseIptablesL: (t) => { const r = iptables.parseIptablesL(t); return r && iptables.inputOutcome(r); },
  parseNftJson: (t) => { const r = nft.parseNftJson(t); return r && nft.decideInbound(r, true); },
  parseNftText: (t) => { const r = nft.parseNftText(t); return r && nft.decideInbound(r, false); },
  classifyTextRule: nft.classifyTextRule, parseUfwStatus: ufw.parseUfwStatus,
  parseIni: conf.parseIni, parseFlagfile: conf.parseFlagfile, parseEnvFile: conf.parseEnvFile,
  parseDpkgQuery: packages.parseDpkgQuery, parseRpmQuery: packages.parseRpmQuery,
  parseAptGetSimulate: apt.parseAptGetSimulate, parseAptListUpgradable: apt.parseAptListUpgradable,
  parseAptCachePolicy: (t) => { const r = apt.parseAptCachePolicy(t); return r && apt.hasSecurityIndex(r); },
  parseAptHistory: (t) => apt.lastAptUpgrade(apt.parseAptHistory(t)), newestEpoch: apt.newestEpoch,
  parseDnfCheckUpdate: dnf.parseDnfCheckUpdate, parseDnfUpdateinfoSecurity: dnf.parseDnfUpdateinfoSecurity,
  parseDnfHistory: (t) => { const r = dnf.parseDnfHistory(t); return r && dnf.lastRpmUpgrade(r); },
  parseDpkgStatus: dpkg.parseDpkgStatus, compareDebVersions: (t) => dpkg.compareDebVersions(t, t.split('').reverse().join('')),
  parsePackagesGrep: (t) => aptLists.parsePackagesGrep(t, new Set(['a', 'openssl'])), packagesPattern: (t) => aptLists.packagesPattern(t.split('\n')), parseReleaseHeader: (t) => aptLists.defaultPriority(aptLists.parseReleaseHeader(t)),
  classifyListFile: aptLists.classifyListFile, relevantPins: (t) => aptLists.relevantPins(t, new Set(['openssl']), new Set(['deb.debian.org'])),
  setsDefaultRelease: aptLists.setsDefaultRelease,
  parseOsRelease: (t) => { const o = osRelease.parseOsRelease(t); return o && [osRelease.osFamily(o), osEol.osEolFacts(o, osEol.variantOf(t))]; },
  parseZypperUpdatesXml: zypper.parseZypperUpdatesXml, parseZypperPatchesXml: zypper.parseZypperPatchesXml,
  parseZypperTable: (t) => zypper.parseZypperTable(t, ['Name']), lastZypperUpgrade: zypper.lastZypperUpgrade,
  parseTimedatectlShow: time.parseTimedatectlShow, parseTimedatectlStatus: time.parseTimedatectlStatus, parseChronyTracking: time.parseChronyTracking,
  parseTimesyncStatus: time.parseTimesyncStatus, systemdDurationMs: time.systemdDurationMs, parseNtpqPeers: time.parseNtpqPeers,
  parseAuditctlStatus: audit.parseAuditctlStatus, parseAuditctlRules: audit.parseAuditctlRules, auditdWritesLogs: audit.auditdWritesLogs,
  journaldStorage: (t) => audit.journaldStorage(t.split('\n\n')), syslogHasOutput: audit.syslogHasOutput,
  parsePasswd: accounts.parsePasswd, parseGroup: accounts.parseGroup, remoteGroupSources: accounts.remoteGroupSources, parseSudoers: sudoers.parseSudoers,
  parseModprobeConfig: (t) => usb.modprobeBlocksUsbStorage(usb.parseModprobeConfig(t)), parseProcModules: usb.parseProcModules, parseModulesBuiltin: usb.parseModulesBuiltin,
  parseUsbguardRules: (t) => { const r = usb.parseUsbguardRules(t); return r && usb.usbguardBlocksStorage(r, usb.implicitPolicyTarget(t)); },
  parseSshdT: (t) => { const s = remote.parseSshdT(t); return s && remote.sshdVerdict(s); },
  parseSshdConfig: (t) => remote.sshdVerdict(remote.globalSettings(remote.parseSshdConfig(t)).settings),
  parseProcNetTcp: remote.parseProcNetTcp, inetdServesTelnet: remote.inetdServesTelnet, xinetdServesTelnet: remote.xinetdServesTelnet,
  globMatches: (t) => remote.globMatches(t, t),
  parseMokutilSbState: secureBoot.parseMokutilSbState, efiVarByte: secureBoot.efiVarByte,
  parseGVariant: screen.parseGVariant, parseDconfKeyfile: (t) => screen.gnomeLock(screen.gnomeValues((k) => screen.parseDconfKeyfile(t).get(k))),
  parseDconfLocks: screen.parseDconfLocks, parseDconfProfile: screen.parseDconfProfile, parseKscreenlockerrc: screen.parseKscreenlockerrc,
  parseLoginctlList: screen.parseLoginctlList, sessionFrom: (t) => parseSystemctlShow(t).map(screen.sessionFrom),
  parseClamVersion: av.parseClamVersion, parseMdatpHealthJson: av.parseMdatpHealthJson, parseMdatpHealthText: av.parseMdatpHealthText,
  parseFalconctl: av.parseFalconctl, parseSentinelStatus: av.parseSentinelStatus,
};

describe('every Linux parser survives arbitrary input', () => {
  it.each(Object.keys(PARSERS))('%s never throws', (name) => {
    fc.assert(fc.property(text, (t) => void PARSERS[name]!(t)), { numRuns: 150 });
  });
});

// A machine that answers everything with garbage. Each distinct command or path gets one reply for the
// whole run (a real machine answers the same question the same way), chosen from generated pools.
const reply = fc.record({
  stdout: fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 })),
  stderr: fc.string({ maxLength: 80 }),
  exitCode: fc.constantFrom(0, 0, 0, 1, 2, 100, 102, 252, 255, null),
  failure: fc.constantFrom(undefined, undefined, undefined, 'not-found', 'timeout', 'permission', 'output-cap', 'spawn'),
});
const POOL = 12;
const env = fc.record({
  replies: fc.array(reply, { minLength: POOL, maxLength: POOL }),
  files: fc.array(fc.option(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }))), { minLength: POOL, maxLength: POOL }),
  mtimes: fc.array(fc.option(fc.integer({ min: 0, max: 2_000_000_000_000 })), { minLength: POOL, maxLength: POOL }),
});
type Env = fc.Infer<typeof env>;
const ENTRY = TypeCompiler.Compile(CheckEntry);

function hash(s: string): number {
  let h = 7;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h % POOL;
}

function garbageMachine(e: Env): CollectDeps {
  return {
    now: () => Date.parse('2026-11-23T12:00:00Z'),
    run: async (file, args) => {
      const source = [file, ...args].join(' ');
      const r = e.replies[hash(source)]!;
      const out: CommandResult = { source, stdout: r.stdout, stderr: r.stderr, exitCode: r.failure ? null : r.exitCode, durationMs: 1 };
      if (r.failure) out.failure = r.failure as CommandResult['failure'];
      return out;
    },
    files: {
      // Contents are garbage or missing; nothing is merely "present" without content.
      readText: async (path) => e.files[hash(path)] ?? null,
      mtimeMs: async (path) => (e.files[hash(path)] == null ? null : (e.mtimes[hash(path)] ?? null)),
      exists: async () => false,
    },
  };
}

describe('every Linux check on a machine that answers garbage', () => {
  it.each(LINUX_CHECKS.map((c) => [c.id, c] as const))('%s: never throws, facts fit the schema, never pass', async (id, check) => {
    await fc.assert(
      fc.asyncProperty(env, async (e) => {
        const c = await check.collect(garbageMachine(e));
        const v = evaluateResult({ id, status: 'unknown', reason: c.reason, facts: c.facts }, undefined, { collectedAt: '2026-11-23T12:00:00Z', role: 'workstation' });
        expect(v.status, `${id}: ${v.reason} ${JSON.stringify(c.facts)}`).not.toBe('pass');
        expect(v.status, `${id}: ${v.reason}`).not.toBe('error');
        // What the attestation carries must stay within its bounds whatever the machine printed.
        const fits = [...ENTRY.Errors({ id, status: v.status, ...(v.reason ? { reason: v.reason } : {}), facts: c.facts ?? null, evidence: c.evidence })].map((x) => `${x.path}: ${x.message}`);
        expect(fits).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});
