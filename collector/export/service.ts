// Evidence export for an audit period: one gzip'd tar (layout in protocol/evidence-archive.ts) written
// as it is produced. Devices are read a page at a time in id order; each device's record and envelopes
// go straight into the archive while its OSCAL pieces, CSV rows and report row go to temporary part
// files; the documents are assembled from those parts at the end, then the manifest of every file is
// signed. Memory stays bounded by a page of devices whatever the fleet size or period.
//
// Which envelopes (--envelopes):
//   cited (default): per device, every envelope the results cite: the one its state rests on (newest
//     collected at or before the end of the period) and, for each check, the envelopes of its first
//     failure and its last pass. Those two are usually consecutive, so the archive proves the change
//     happened between them. Size grows with the fleet, not with the period: a year-long audit costs
//     what a month does.
//   period: every envelope each device collected within the period, up to the one its state rests on
//     (that one alone when the device sent nothing during the period): a contiguous run of its hash
//     chain, so `vigil verify` proves none was dropped and every evaluation of the period can be re-done.
// Either way each device's envelopes are listed in the signed manifest as runs of consecutive sequences;
// verify checks every run is complete and linked. The first envelope of a run points at one outside it.
import { createSign, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { CHECK_IDS } from '../../protocol/checks/index.js';
import { pae } from '../../protocol/dsse.js';
import { VigilError } from '../../protocol/errors.js';
import { keyIdOf } from '../../protocol/keys.js';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_PATHS,
  MANIFEST_PAYLOAD_TYPE,
  devicePath,
  envelopePath,
  manualEvidencePath,
  policyPath,
  type DeviceRecord,
} from '../../protocol/evidence-archive.js';
import { VIGIL_VERSION } from '../../protocol/version.js';
import type { Db } from '../db/types.js';
import { audit } from '../audit.js';
import { controlById, controlsEvidencedBy, controlsOfCheck } from '../controls/catalogue.js';
import { countDeviceFast, emptyFleet } from '../controls/service.js';
import { normaliseMoment, type DeviceState, type FleetPage, type HistoryService } from '../history/service.js';
import { policyVersionsRepo } from '../policy/repo.js';
import { factLines } from '../report.js';
import { buildSoa, type CheckCounts } from '../soa/service.js';
import { manualEvidenceRepo, soaRepo } from '../soa/repo.js';
import type { EvidenceStore } from '../soa/evidence-store.js';
import { applyWaiver, waiverFor, type EffectiveStatus, type WaiverRow } from '../waivers/apply.js';
import { waiversRepo } from '../waivers/repo.js';
import { waiverState } from '../waivers/service.js';
import { auditStatus, csvHeader, csvResultRow, type CsvCheck } from './csv.js';
import * as report from './html.js';
import { GATEWAY_PATHS, compensationsCsv, gatewayEvidence, gatewaysHtml, inventoryEventsCsv, mds2Csv, type GatewayEvidence } from './gateways.js';
import { OSCAL_VERSION, OscalIds, envelopeResource, evidenceResource, finding, inventoryItem, observation, props, some, waiverRisk } from './oscal.js';
import { JsonItems, PartFile } from './parts.js';
import { readmeText } from './readme.js';
import { exportRepo, type EnvelopeBytes } from './repo.js';
import { withEvidenceHold } from '../retention/service.js';
import { loadExportKey } from './signing-key.js';
import { TarGzWriter, type EntryRecord } from './tar.js';

export interface ExportProgress {
  devices: number;
  totalDevices: number;
  envelopes: number;
  bytes: number;
}

export interface ExportRequest {
  from: string;
  to: string;
  out: Writable;
  /** File name shown in the report's verification instructions. */
  archiveName: string;
  actor: string;
  onProgress?: (p: ExportProgress) => void;
  /** Progress every this many devices. */
  progressEvery?: number;
  /** gzip level 1–9 (default DEFAULT_GZIP_LEVEL). */
  level?: number;
  /** Which envelopes to include (see the top of this file); default cited. */
  envelopes?: EnvelopeSelection;
  tmpDir?: string;
}

export type EnvelopeSelection = 'cited' | 'period';

export interface ExportSummary {
  exportId: string;
  envelopeSelection: EnvelopeSelection;
  from: string;
  to: string;
  devices: number;
  envelopes: number;
  files: number;
  uncompressedBytes: number;
  fingerprint: string;
  policyVersions: string[];
}

const PAGE = 200;
/** Devices whose envelopes are read together, and the most envelopes read at once for them. */
const GROUP = 50;
const GROUP_ENVELOPES = 400;
const emptyCounts = (): CheckCounts => ({ pass: 0, fail: 0, unknown: 0, error: 0, not_applicable: 0, waived: 0, missing: 0 });

export class ExportService {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    private readonly history: HistoryService,
    private readonly evidence: EvidenceStore,
    private readonly dataRoot: string,
  ) {}

  async export(req: ExportRequest): Promise<ExportSummary> {
    const from = normaliseMoment(req.from);
    const to = normaliseMoment(req.to);
    if (from > to) throw new VigilError('E_BAD_REQUEST', `the period starts (${from}) after it ends (${to})`);
    const key = await loadExportKey(this.dataRoot);
    const tmp = await mkdtemp(join(req.tmpDir ?? tmpdir(), 'vigil-export-'));
    try {
      // Retention waits for the export: nothing collected since the period start is pruned while it runs.
      const summary = await withEvidenceHold(this.db, this.now, `export ${req.archiveName}`, from, () =>
        new ExportRun(this.db, this.history, this.evidence, key, tmp, from, to, this.now().toISOString(), req, req.envelopes ?? 'cited').run(),
      );
      await this.db.tx((q) =>
        audit(q, this.now(), req.actor, 'export.create', summary.exportId, { from, to, devices: summary.devices, envelopes: summary.envelopes, files: summary.files }),
      );
      return summary;
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }
}

/** One export: the state a run accumulates, kept out of the service so runs never share it. */
class ExportRun {
  private readonly exportId = randomUUID();
  private readonly ids = new OscalIds(this.exportId);
  private readonly writer: TarGzWriter;
  private readonly files: JsonItems;
  private readonly manifestDevices: JsonItems;
  private readonly inventory: JsonItems;
  private readonly observations: JsonItems;
  private readonly resources: JsonItems;
  private readonly csv: PartFile;
  private readonly deviceRows: PartFile;
  private pendingEntries: EntryRecord[] = [];
  private fileCount = 0;
  private envelopes = 0;
  private devices = 0;
  private withEvidenceInPeriod = 0;
  private stale = 0;
  private noEvidence = 0;
  private readonly results = { pass: 0, fail: 0, unknown: 0, waived: 0, not_applicable: 0 };
  private readonly fleet = emptyFleet();
  private readonly checkCounts = new Map(CHECK_IDS.map((id) => [id, emptyCounts()]));
  private readonly policyVersions = new Set<string>();
  private readonly excused = new Map<string, number>();
  private readonly controlWaivers = new Map<string, Set<string>>();
  /** Per control, the observations behind its finding, written as devices stream by. */
  private readonly findingRefs = new Map<string, JsonItems>();
  private waiversAtEnd: WaiverRow[] = [];
  private gateways: GatewayEvidence | null = null;

  constructor(
    private readonly db: Db,
    private readonly history: HistoryService,
    private readonly evidence: EvidenceStore,
    private readonly key: Awaited<ReturnType<typeof loadExportKey>>,
    private readonly tmp: string,
    private readonly from: string,
    private readonly to: string,
    private readonly createdAt: string,
    private readonly req: ExportRequest,
    private readonly selection: EnvelopeSelection,
  ) {
    this.writer = new TarGzWriter(req.out, { mtime: new Date(createdAt), level: req.level, onEntry: (e) => this.pendingEntries.push(e) });
    const part = (name: string) => join(tmp, name);
    this.files = new JsonItems(part('manifest-files'));
    this.manifestDevices = new JsonItems(part('manifest-devices'));
    this.inventory = new JsonItems(part('oscal-inventory'));
    this.observations = new JsonItems(part('oscal-observations'));
    this.resources = new JsonItems(part('oscal-resources'));
    this.csv = new PartFile(part('results.csv'));
    this.deviceRows = new PartFile(part('report-devices'));
  }

  async run(): Promise<ExportSummary> {
    try {
      return await this.build();
    } catch (err) {
      this.writer.destroy(err as Error);
      throw err;
    }
  }

  private async flushEntries(): Promise<void> {
    for (const e of this.pendingEntries.splice(0)) {
      this.fileCount++;
      await this.files.item(e);
    }
  }

  private async build(): Promise<ExportSummary> {
    const { from, to } = this;
    await this.writer.addBuffer(
      ARCHIVE_PATHS.readme,
      Buffer.from(readmeText({ exportId: this.exportId, from, to, createdAt: this.createdAt, fingerprint: this.key.fingerprint, collectorVersion: VIGIL_VERSION })),
    );
    await this.csv.write(csvHeader());
    this.waiversAtEnd = await waiversRepo.inForceAt(this.db, to);
    const total = (await exportRepo.fleetSize(this.db, to))?.n ?? 0;
    const every = this.req.progressEvery ?? 500;

    // The next page is read while this one is written, as are the next device's envelopes.
    const pageAfter = (after: string) => this.history.page({ asOf: to, after, limit: PAGE, withFacts: true, waivers: this.waiversAtEnd });
    let nextPage: ReturnType<typeof pageAfter> | null = pageAfter('');
    while (nextPage) {
      const page: FleetPage = await nextPage;
      nextPage = page.next ? pageAfter(page.next) : null;
      const starts = this.selection === 'period' ? await exportRepo.periodStarts(this.db, page.devices.filter((s) => s.envelope).map((s) => s.device.id), from, to) : new Map<string, number>();
      const plans = page.devices.map((s) => this.plan(s, starts.get(s.device.id)));
      // Envelopes are read for a group of devices at a time (one query), the next group's while this
      // one is written; a device with many envelopes (period mode) reads the rest in chunks.
      const groups: number[][] = [];
      for (let i = 0; i < page.devices.length; i += GROUP) groups.push(Array.from({ length: Math.min(GROUP, page.devices.length - i) }, (_, k) => i + k));
      const fetchGroup = (g: number[] | undefined) => (g ? this.prefetch(g.map((i) => ({ state: page.devices[i]!, runs: plans[i]! }))) : Promise.resolve(new Map<string, EnvelopeBytes[]>()));
      let prefetch = fetchGroup(groups[0]);
      for (let k = 0; k < groups.length; k++) {
        const fetched = await prefetch;
        prefetch = fetchGroup(groups[k + 1]);
        for (const i of groups[k]!) {
          const state = page.devices[i]!;
          await this.device(state, plans[i]!, fetched.get(state.device.id) ?? []);
          await this.flushEntries();
          if (++this.devices % every === 0) this.req.onProgress?.({ devices: this.devices, totalDevices: total, envelopes: this.envelopes, bytes: this.writer.bytesIn });
        }
      }
      await prefetch;
    }
    this.req.onProgress?.({ devices: this.devices, totalDevices: total, envelopes: this.envelopes, bytes: this.writer.bytesIn });

    const soa = await this.soa();
    const evidenceRows = await manualEvidenceRepo.upTo(this.db, to);
    for (const e of evidenceRows) await this.resources.item(evidenceResource(this.ids, e, manualEvidencePath(e.sha256)));
    await this.manualEvidence(evidenceRows);
    await this.policies();
    this.gateways = await gatewayEvidence(this.db, () => new Date(this.createdAt), from, to);
    await this.writer.addBuffer(GATEWAY_PATHS.mds2, Buffer.from(mds2Csv(this.gateways)));
    await this.writer.addBuffer(GATEWAY_PATHS.compensations, Buffer.from(compensationsCsv(this.gateways)));
    await this.writer.addBuffer(GATEWAY_PATHS.inventoryEvents, Buffer.from(inventoryEventsCsv(this.gateways)));
    await this.writer.addBuffer(ARCHIVE_PATHS.soa, Buffer.from(JSON.stringify({ asOf: to, controls: soa }, null, 2) + '\n'));
    await this.flushEntries();

    for (const p of [this.csv, this.deviceRows, this.inventory, this.observations, this.resources]) await p.close();
    await this.writer.addParts(ARCHIVE_PATHS.csv, [{ file: this.csv.file }], this.csv.bytes);
    await this.oscal(soa);
    await this.html(soa);
    await this.flushEntries();
    await this.manifest();
    await this.writer.finish();
    return {
      exportId: this.exportId,
      envelopeSelection: this.selection,
      from,
      to,
      devices: this.devices,
      envelopes: this.envelopes,
      files: this.fileCount + 3,
      uncompressedBytes: this.writer.bytesIn,
      fingerprint: this.key.fingerprint,
      policyVersions: [...this.policyVersions].sort(),
    };
  }

  /** The runs of consecutive sequences to include for a device (empty when it has no envelope). */
  private plan(state: DeviceState, periodStart: number | undefined): [number, number][] {
    const env = state.envelope;
    if (!env) return [];
    if (this.selection === 'period') return [[Math.min(periodStart ?? env.seq, env.seq), env.seq]];
    const seqs = new Set<number>([env.seq]);
    for (const c of state.checks) {
      if (c.firstFailedSeq !== null) seqs.add(c.firstFailedSeq);
      if (c.lastPassedSeq !== null) seqs.add(c.lastPassedSeq);
    }
    return toRuns([...seqs]);
  }

  /**
   * The envelopes of a group of devices, by device: all of them in one query while the group's total is
   * small (the cited sets), else the first of each device's (the rest is read in chunks as it is written).
   */
  private async prefetch(group: { state: DeviceState; runs: [number, number][] }[]): Promise<Map<string, EnvelopeBytes[]>> {
    const wanted = group.filter((g) => g.runs.length);
    const seqsOf = (runs: [number, number][]) => runs.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i));
    const total = wanted.reduce((n, g) => n + g.runs.reduce((m, [a, b]) => m + b - a + 1, 0), 0);
    const wantedSeqs = total <= GROUP_ENVELOPES ? wanted.map((g) => ({ deviceId: g.state.device.id, seqs: seqsOf(g.runs) })) : wanted.map((g) => ({ deviceId: g.state.device.id, seqs: seqsOf([g.runs[0]!]).slice(0, 4) }));
    const rows = await exportRepo.envelopesOf(this.db, wantedSeqs);
    const out = new Map<string, EnvelopeBytes[]>();
    for (const r of rows) {
      const list = out.get(r.device_id);
      if (list) list.push(r);
      else out.set(r.device_id, [r]);
    }
    return out;
  }

  private async device(state: DeviceState, runs: [number, number][], prefetched: EnvelopeBytes[]): Promise<void> {
    const d = state.device;
    const env = state.envelope;
    const record: DeviceRecord = {
      id: d.id,
      publicKeyPem: d.public_key_pem,
      keyDigest: d.key_digest,
      hostname: d.hostname,
      role: d.role,
      enrolledAt: d.enrolled_at,
      revokedAt: d.revoked_at,
    };
    await this.writer.addBuffer(devicePath(d.id), Buffer.from(JSON.stringify(record, null, 2) + '\n'));
    if (!env) this.noEvidence++;
    else if (env.collected_at < this.from) this.stale++;
    else this.withEvidenceInPeriod++;

    const included = new Set<number>();
    let buffer = prefetched;
    let at = 0;
    for (const [first, last] of runs) {
      for (let expected = first; expected <= last; ) {
        const e = buffer[at];
        if (e && e.seq === expected) {
          at++;
          included.add(e.seq);
          await this.envelope(d.id, d.hostname, e);
          expected++;
          continue;
        }
        if (e && e.seq < expected) {
          at++;
          continue;
        }
        buffer = await exportRepo.envelopeChunk(this.db, d.id, expected, last);
        at = 0;
        if (buffer[0]?.seq !== expected) throw new VigilError('E_EVIDENCE_CORRUPT', `device ${d.id}: envelope ${expected} is missing from storage`);
      }
    }
    await this.manifestDevices.item({ id: d.id, runs });
    const cite = (seq: number | null) => (seq !== null && included.has(seq) ? envelopePath(d.id, seq) : null);

    await this.inventory.item(inventoryItem(this.ids, d));
    const reported = new Set<string>();
    for (const c of state.checks) {
      reported.add(c.checkId);
      const counts = this.checkCounts.get(c.checkId);
      if (counts) counts[c.effective]++;
      this.results[auditStatus(c.effective)]++;
      if (c.waiver) this.excused.set(c.waiver.id, (this.excused.get(c.waiver.id) ?? 0) + 1);
      const obs = observation(this.ids, d, env!, c, envelopePath(d.id, env!.seq), factLines(c.checkId, c.factsJson), { firstFailed: cite(c.firstFailedSeq), lastPassed: cite(c.lastPassedSeq) });
      await this.observations.item(obs);
      for (const ctl of controlsOfCheck(c.checkId)) await this.findingRef(ctl.controlId).raw(`{"observation-uuid":"${obs.uuid}"}`);
    }
    const missing = CHECK_IDS.filter((id) => !reported.has(id));
    for (const id of missing) {
      this.checkCounts.get(id)!.missing++;
      this.results.unknown++;
    }

    // CSV: every check the agent reported or should have, times every control it evidences.
    const rows: { check: CsvCheck; status: EffectiveStatus | 'missing' }[] = [
      ...state.checks.map((c) => ({
        check: {
          checkId: c.checkId, evaluated: c.status, reason: c.reason, firstFailedAt: c.firstFailedAt, lastPassedAt: c.lastPassedAt,
          firstFailedEnvelope: cite(c.firstFailedSeq), lastPassedEnvelope: cite(c.lastPassedSeq),
        },
        status: c.status,
      })),
      ...missing.map((id) => ({
        check: {
          checkId: id, evaluated: 'missing' as const, reason: env ? 'the agent did not report this check' : 'no attestation received',
          firstFailedAt: null, lastPassedAt: null, firstFailedEnvelope: null, lastPassedEnvelope: null,
        },
        status: 'missing' as const,
      })),
    ];
    const csv: string[] = [];
    for (const { check, status } of rows) {
      for (const ctl of controlsOfCheck(check.checkId)) {
        const control = controlById(ctl.controlId)!;
        const applied = applyWaiver(status as Parameters<typeof applyWaiver>[0], waiverFor(this.waiversAtEnd, d.id, check.checkId, ctl.controlId));
        if (applied.waiver) {
          const set = this.controlWaivers.get(ctl.controlId) ?? new Set<string>();
          set.add(applied.waiver.id);
          this.controlWaivers.set(ctl.controlId, set);
          if (applied.waiver.control_id !== null) this.excused.set(applied.waiver.id, (this.excused.get(applied.waiver.id) ?? 0) + 1);
        }
        csv.push(csvResultRow(d, check, { ref: control.ref, strength: ctl.strength }, applied.effective, applied.waiver, env, env ? envelopePath(d.id, env.seq) : null));
      }
    }
    await this.csv.write(csv.join(''));
    countDeviceFast(this.fleet, d.id, new Map(state.checks.map((c) => [c.checkId, c.status])), this.waiversAtEnd);
    await this.deviceRows.write(report.reportDeviceRow(state, this.from, missing));
  }

  private findingRef(controlId: string): JsonItems {
    let part = this.findingRefs.get(controlId);
    if (!part) {
      part = new JsonItems(join(this.tmp, `finding-${controlId}`));
      this.findingRefs.set(controlId, part);
    }
    return part;
  }

  private async envelope(deviceId: string, hostname: string, e: EnvelopeBytes): Promise<void> {
    const path = envelopePath(deviceId, e.seq);
    const rec = await this.writer.addBuffer(path, e.bytes);
    // The bytes must still be the ones verified at ingest; an export never launders damaged evidence.
    if (rec.sha256 !== e.sha256) throw new VigilError('E_EVIDENCE_CORRUPT', `device ${deviceId} envelope ${e.seq}: stored bytes hash to ${rec.sha256}, recorded ${e.sha256}`);
    this.envelopes++;
    this.policyVersions.add(e.policy_version);
    await this.resources.item(envelopeResource(this.ids, deviceId, hostname, e.seq, e.collected_at, path, e.sha256));
  }

  private async soa() {
    const [decisions, evidence] = await Promise.all([soaRepo.currentAt(this.db, this.to), manualEvidenceRepo.upTo(this.db, this.to)]);
    return buildSoa(decisions, evidence, this.checkCounts, new Map(this.fleet.map((f) => [f.id, f.counts])));
  }

  private async manualEvidence(rows: readonly { sha256: string; size: number }[]): Promise<void> {
    const seen = new Set<string>();
    for (const e of rows) {
      if (seen.has(e.sha256)) continue;
      seen.add(e.sha256);
      const rec = await this.writer.addParts(manualEvidencePath(e.sha256), [{ file: this.evidence.pathOf(e.sha256) }], e.size);
      if (rec.sha256 !== e.sha256) throw new VigilError('E_EVIDENCE_CORRUPT', `manual evidence file ${e.sha256} no longer matches its hash`);
    }
  }

  private async policies(): Promise<void> {
    for (const version of [...this.policyVersions].sort()) {
      const row = await policyVersionsRepo.byVersion(this.db, version);
      // Built-in defaults (no policy file) have no text to include; the report names them.
      if (row) await this.writer.addBuffer(policyPath(row.sha256), Buffer.from(row.source, 'utf8'));
    }
  }

  private async oscal(soa: Awaited<ReturnType<ExportRun['soa']>>): Promise<void> {
    const ids = this.ids;
    const applicable = new Map(soa.map((s) => [s.id, s.applicable]));
    const reviewed = controlsEvidencedBy(CHECK_IDS).filter((c) => applicable.get(c.control.id) !== false);
    const overlapping = await waiversRepo.overlapping(this.db, this.from, this.to);
    const risks = overlapping.map((w) => waiverRisk(ids, w, this.to, this.excused.get(w.id) ?? 0));
    const riskIds = new Set(overlapping.map((w) => w.id));

    // Findings: each one's related observations were written to its own part while devices streamed by.
    const findingSegments: (Buffer | { file: string })[] = [];
    const sizes = new Map<string, number>();
    const fleetBy = new Map(this.fleet.map((f) => [f.id, f]));
    for (const part of this.findingRefs.values()) await part.close();
    for (const { control, checks } of reviewed) {
      const waiverIds = [...(this.controlWaivers.get(control.id) ?? [])].filter((id) => riskIds.has(id)).sort();
      const body = JSON.stringify(finding(ids, control, fleetBy.get(control.id)!.counts, checks, [], waiverIds.map((id) => ids.risk(id))));
      const refs = this.findingRefs.get(control.id);
      if (findingSegments.length) findingSegments.push(Buffer.from(',\n'));
      if (refs?.count) {
        findingSegments.push(Buffer.from(`${body.slice(0, -1)},"related-observations":[`), { file: refs.file }, Buffer.from(']}'));
        sizes.set(refs.file, refs.bytes);
      } else findingSegments.push(Buffer.from(body));
    }

    const meta = {
      title: `Endpoint compliance evidence, ISO/IEC 27001:2022 Annex A, ${this.from} to ${this.to}`,
      'last-modified': this.createdAt,
      version: this.exportId,
      'oscal-version': OSCAL_VERSION,
      props: props([
        ['collector-version', VIGIL_VERSION],
        ['export-id', this.exportId],
        ['manifest-signing-key-sha256', this.key.fingerprint],
        ['period-start', this.from],
        ['period-end', this.to],
      ]),
      remarks:
        'Controls are ISO/IEC 27001:2022 Annex A, identified as a.<clause> (e.g. a.8.24 = A.8.24); finding targets are <control>_obj. Results come from DSSE-signed in-toto attestations each device made about itself, verified and evaluated by the collector; every envelope is in this archive (back-matter resources give its path and SHA-256).',
    };
    const resultHead = {
      uuid: ids.result(),
      title: `Automated evaluation as of ${this.to}`,
      description: `State of ${this.devices} device(s) as of ${this.to}: for each device its newest attestation collected at or before that moment, evaluated under the policy version in force when it arrived, with the waivers in force at that moment. The archive holds every attestation collected in the period ${this.from} to ${this.to}.`,
      start: this.from,
      end: this.to,
      props: props([['as-of', this.to]]),
    };
    const reviewedControls = {
      'control-selections': [{ 'include-controls': reviewed.map((c) => ({ 'control-id': c.control.oscal_id })) }],
      remarks: 'Controls with automated evidence from endpoint checks that the Statement of Applicability does not exclude.',
    };

    const J = (v: unknown) => JSON.stringify(v);
    const doc = {
      uuid: this.exportId,
      metadata: meta,
      'import-ap': {
        href: 'https://vigil.invalid/oscal/assessment-plan/endpoint-compliance/v1',
        remarks: 'No separate assessment plan: the assessment is the continuous automated evaluation described in the result.',
      },
    };
    const head = J(doc).slice(0, -1); // reopen the top object
    const segments: (Buffer | { file: string })[] = [Buffer.from(`{"assessment-results":${head},"results":[${J(resultHead).slice(0, -1)}`)];
    if (this.inventory.count) segments.push(Buffer.from(',"local-definitions":{"inventory-items":['), { file: this.inventory.file }, Buffer.from(']}'));
    segments.push(Buffer.from(`,"reviewed-controls":${J(reviewedControls)}`));
    if (this.observations.count) segments.push(Buffer.from(',"observations":['), { file: this.observations.file }, Buffer.from(']'));
    if (risks.length) segments.push(Buffer.from(`,${J(some('risks', risks)).slice(1, -1)}`));
    if (findingSegments.length) segments.push(Buffer.from(',"findings":['), ...findingSegments, Buffer.from(']'));
    segments.push(Buffer.from('}]'));
    if (this.resources.count) segments.push(Buffer.from(',"back-matter":{"resources":['), { file: this.resources.file }, Buffer.from(']}'));
    segments.push(Buffer.from('}}\n'));
    for (const p of [this.inventory, this.observations, this.resources]) sizes.set(p.file, p.bytes);
    const size = segments.reduce((n, s) => n + (Buffer.isBuffer(s) ? s.length : sizes.get(s.file)!), 0);
    await this.writer.addParts(ARCHIVE_PATHS.oscal, segments, size);
  }

  private async html(soa: Awaited<ReturnType<ExportRun['soa']>>): Promise<void> {
    const meta = {
      exportId: this.exportId, createdAt: this.createdAt, from: this.from, to: this.to, collectorVersion: VIGIL_VERSION, fingerprint: this.key.fingerprint,
      archiveName: this.req.archiveName, envelopeSelection: this.selection,
    };
    const totals = {
      devices: this.devices,
      withEvidenceInPeriod: this.withEvidenceInPeriod,
      staleEvidence: this.stale,
      noEvidence: this.noEvidence,
      envelopes: this.envelopes,
      results: this.results,
    };
    const applicableFleet = this.fleet;
    const headPart = Buffer.from(
      report.reportHead(meta) +
        report.reportSummary(totals, applicableFleet, [...this.policyVersions].sort()) +
        report.reportControls(applicableFleet, soa) +
        report.reportSoa(soa) +
        report.reportDevicesStart(),
    );
    const overlapping = await waiversRepo.overlapping(this.db, this.from, this.to);
    const [revoked, tamper] = await Promise.all([exportRepo.revokedBetween(this.db, this.from, this.to), exportRepo.tamperBetween(this.db, this.from, this.to, 1000)]);
    const tail = Buffer.from(
      report.reportDevicesEnd() +
        (this.gateways ? gatewaysHtml(this.gateways) : '') +
        report.reportExceptions(
          overlapping.map((w) => ({ w, state: waiverState(w, this.to), excused: this.excused.get(w.id) ?? 0 })),
          revoked,
          tamper,
        ) +
        report.reportFoot(),
    );
    await this.writer.addParts(ARCHIVE_PATHS.html, [headPart, { file: this.deviceRows.file }, tail], headPart.length + this.deviceRows.bytes + tail.length);
  }

  /**
   * manifest.json lists every file written so far; manifest.dsse.json signs exactly its bytes. Both are
   * streamed through temporary files: the file list grows with the number of envelopes.
   */
  private async manifest(): Promise<void> {
    await this.writer.addBuffer(ARCHIVE_PATHS.signingKey, Buffer.from(this.key.publicKeyPem));
    this.pendingEntries = []; // the key is not listed: it is checked by its fingerprint
    await this.files.close();
    await this.manifestDevices.close();
    const head = {
      format: ARCHIVE_FORMAT,
      exportId: this.exportId,
      createdAt: this.createdAt,
      period: { from: this.from, to: this.to },
      collector: { version: VIGIL_VERSION },
      signingKey: { sha256: this.key.fingerprint },
      envelopeSelection: this.selection,
    };
    const manifestFile = join(this.tmp, 'manifest.json');
    const parts: (Buffer | { file: string })[] = [
      Buffer.from(`${JSON.stringify(head).slice(0, -1)},"devices":[\n`),
      { file: this.manifestDevices.file },
      Buffer.from('\n],"files":[\n'),
      { file: this.files.file },
      Buffer.from('\n]}\n'),
    ];
    const out = new PartFile(manifestFile);
    for (const p of parts) {
      if (Buffer.isBuffer(p)) await out.write(p);
      else for await (const chunk of createReadStream(p.file)) await out.write(chunk as Buffer);
    }
    await out.close();
    const size = out.bytes;

    // Sign PAE(type, manifest bytes) without holding the manifest: PAE is a prefix then the body.
    const prefix = pae(MANIFEST_PAYLOAD_TYPE, Buffer.alloc(0)).subarray(0, -` 0 `.length);
    const signer = createSign('sha256');
    signer.update(Buffer.concat([prefix, Buffer.from(` ${size} `)]));
    for await (const chunk of createReadStream(manifestFile)) signer.update(chunk as Buffer);
    const sig = signer.sign(this.key.privateKey).toString('base64');
    await this.writer.addParts(ARCHIVE_PATHS.manifest, [{ file: manifestFile }], size);

    // DSSE envelope with the manifest as base64 payload, encoded in 3-byte-aligned chunks.
    const dsseFile = join(this.tmp, 'manifest.dsse.json');
    const dsse = new PartFile(dsseFile);
    await dsse.write(`{"payloadType":${JSON.stringify(MANIFEST_PAYLOAD_TYPE)},"payload":"`);
    let carry: Buffer = Buffer.alloc(0);
    for await (const chunk of createReadStream(manifestFile)) {
      const all = carry.length ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
      const usable = all.length - (all.length % 3);
      await dsse.write(all.subarray(0, usable).toString('base64'));
      carry = all.subarray(usable);
    }
    if (carry.length) await dsse.write(carry.toString('base64'));
    await dsse.write(`","signatures":[{"keyid":${JSON.stringify(keyIdOf(this.key.publicKey))},"sig":${JSON.stringify(sig)}}]}\n`);
    await dsse.close();
    await this.writer.addParts(ARCHIVE_PATHS.manifestDsse, [{ file: dsseFile }], dsse.bytes);
    this.pendingEntries = [];
  }
}

/** Sorted runs of consecutive integers: [3, 1, 2, 7] → [[1, 3], [7, 7]]. */
export function toRuns(seqs: readonly number[]): [number, number][] {
  const sorted = [...new Set(seqs)].sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const s of sorted) {
    const last = runs[runs.length - 1];
    if (last && s === last[1] + 1) last[1] = s;
    else runs.push([s, s]);
  }
  return runs;
}
