// OSCAL 1.1.3 assessment-results pieces (usnistgov/OSCAL v1.1.3 assessment-results and
// assessment-common models). The document is assembled from parts written while the devices stream by,
// so each builder returns one JSON object. Mapping:
//   device                    → local-definitions inventory-item (uuid v5 of the device id)
//   device × check result     → observation (method TEST, subject the inventory item, evidence the envelope)
//   control (Annex A 2022)    → reviewed-controls control-id a.<id>; finding targeting objective a.<id>_obj
//                               satisfied/pass when every device passes, not-satisfied/fail when any fails,
//                               not-satisfied/other when results are unknown or waived
//   waiver                    → risk with status deviation-approved (closed once expired or revoked), its
//                               expiry as deadline; findings it touches list it in related-risks
//   envelope, manual evidence → back-matter resource with an rlink into the archive and its SHA-256
// Every device-provided string goes through oscalString (StringDatatype: one line, no outer blanks).
import { checkDefinition } from '../../protocol/checks/index.js';
import { ENVELOPE_MEDIA_TYPE } from '../../protocol/evidence-archive.js';
import type { Strength } from '../controls/catalogue.js';
import type { ControlStatus } from '../controls/service.js';
import type { CheckView } from '../history/service.js';
import type { AsOfDevice, EnvelopeMeta } from '../history/repo.js';
import type { WaiverRow } from '../waivers/apply.js';
import { oneLine, oscalString, uuidV5 } from './text.js';

export const OSCAL_NS = 'https://vigil.invalid/ns/oscal';
export const OSCAL_VERSION = '1.1.3';

export interface Prop {
  name: string;
  ns: string;
  value: string;
}

export function props(entries: readonly [string, unknown][]): Prop[] {
  const out: Prop[] = [];
  for (const [name, value] of entries) {
    const v = oscalString(value);
    if (v !== null) out.push({ name, ns: OSCAL_NS, value: v });
  }
  return out;
}

/** Spread into an object: the key only when the array is not empty (OSCAL arrays have minItems 1). */
export function some<K extends string, T>(key: K, items: readonly T[]): Partial<Record<K, T[]>> {
  return items.length ? ({ [key]: [...items] } as Record<K, T[]>) : {};
}

export class OscalIds {
  // A device's ids are asked for many times while its pieces are written (each observation names its
  // subject and envelopes): a small memo keeps that to one SHA-1 each.
  private readonly memo = new Map<string, string>();

  constructor(readonly namespace: string) {}

  private id(name: string): string {
    let hit = this.memo.get(name);
    if (hit === undefined) {
      hit = uuidV5(this.namespace, name);
      if (this.memo.size >= 4096) this.memo.clear();
      this.memo.set(name, hit);
    }
    return hit;
  }
  device(id: string): string {
    return this.id(`device/${id}`);
  }
  observation(deviceId: string, checkId: string): string {
    return uuidV5(this.namespace, `observation/${deviceId}/${checkId}`);
  }
  envelope(deviceId: string, seq: number): string {
    return this.id(`envelope/${deviceId}/${seq}`);
  }
  evidence(id: string): string {
    return uuidV5(this.namespace, `manual-evidence/${id}`);
  }
  finding(controlId: string): string {
    return uuidV5(this.namespace, `finding/${controlId}`);
  }
  risk(waiverId: string): string {
    return uuidV5(this.namespace, `risk/${waiverId}`);
  }
  result(): string {
    return uuidV5(this.namespace, 'result');
  }
}

export function inventoryItem(ids: OscalIds, d: AsOfDevice) {
  const os = [d.os_name, d.os_version].filter(Boolean).join(' ');
  return {
    uuid: ids.device(d.id),
    description: `${oneLine(d.hostname)} (${oneLine(d.role)})${os ? `, ${oneLine(os)}` : ''}`,
    props: props([
      ['device-id', d.id],
      ['hostname', d.hostname],
      ['role', d.role],
      ['site', d.site],
      ['os-platform', d.os_platform],
      ['os-name', d.os_name],
      ['os-version', d.os_version],
      ['serial-number', d.serial],
      ['model', d.model],
      ['public-key-sha256', d.key_digest],
      ['enrolled', d.enrolled_at],
    ]),
  };
}

export function observation(
  ids: OscalIds,
  d: AsOfDevice,
  env: EnvelopeMeta,
  c: CheckView,
  envelopeHref: string,
  factLines: readonly string[],
  cited: { firstFailed: string | null; lastPassed: string | null },
) {
  const title = checkDefinition(c.checkId)?.title ?? c.checkId;
  const lines = [
    `${title} (${c.checkId}) on ${oneLine(d.hostname)}: ${c.effective}${c.effective !== c.status ? ` (evaluated ${c.status})` : ''}.`,
    ...(c.reason ? [`Reason: ${c.reason}`] : []),
    ...factLines.map((l) => `Seen: ${l}`),
    ...(c.waiver ? [`Waived by ${c.waiver.id}, approved by ${c.waiver.approver}, until ${c.waiver.expires_at}: ${c.waiver.reason}`] : []),
  ];
  return {
    uuid: ids.observation(d.id, c.checkId),
    title: `${c.checkId} on ${oneLine(d.hostname, 120)}: ${c.effective}`,
    description: lines.join('\n'),
    props: props([
      ['check-id', c.checkId],
      ['status', c.effective],
      ['evaluated-status', c.effective !== c.status ? c.status : null],
      ['policy-version', env.policy_version],
      ['first-failed', c.firstFailedAt],
      ['last-passed', c.lastPassedAt],
      ['waiver-id', c.waiver?.id],
    ]),
    methods: ['TEST'],
    types: ['finding'],
    subjects: [{ 'subject-uuid': ids.device(d.id), type: 'inventory-item' }],
    'relevant-evidence': [
      {
        href: `#${ids.envelope(d.id, env.seq)}`,
        description: `DSSE-signed in-toto attestation from the device agent, sequence ${env.seq} (${envelopeHref}); the verdict was computed by the collector under policy ${env.policy_version}.`,
      },
      ...(cited.firstFailed && c.firstFailedSeq !== env.seq
        ? [{ href: `#${ids.envelope(d.id, c.firstFailedSeq!)}`, description: `Attestation of the first failure since the last pass, sequence ${c.firstFailedSeq} (${cited.firstFailed}).` }]
        : []),
      ...(cited.lastPassed && c.lastPassedSeq !== env.seq
        ? [{ href: `#${ids.envelope(d.id, c.lastPassedSeq!)}`, description: `Attestation of the last pass, sequence ${c.lastPassedSeq} (${cited.lastPassed}).` }]
        : []),
    ],
    collected: env.collected_at,
  };
}

export function envelopeResource(ids: OscalIds, deviceId: string, hostname: string, seq: number, collectedAt: string, href: string, sha256: string) {
  return {
    uuid: ids.envelope(deviceId, seq),
    title: `Attestation ${seq} from ${oneLine(hostname, 120)} (${deviceId}), collected ${collectedAt}`,
    props: props([
      ['device-id', deviceId],
      ['envelope-sequence', seq],
    ]),
    rlinks: [{ href: `../${href}`, 'media-type': ENVELOPE_MEDIA_TYPE, hashes: [{ algorithm: 'SHA-256', value: sha256 }] }],
  };
}

export function evidenceResource(ids: OscalIds, e: { id: string; control_id: string; filename: string; note: string; sha256: string; added_by: string; added_at: string }, href: string) {
  return {
    uuid: ids.evidence(e.id),
    title: `Manual evidence for A.${e.control_id}: ${oneLine(e.filename, 200)}`,
    description: e.note,
    props: props([
      ['control-id', `a.${e.control_id}`],
      ['evidence-id', e.id],
      ['added-by', e.added_by],
      ['added', e.added_at],
    ]),
    rlinks: [{ href: `../${href}`, hashes: [{ algorithm: 'SHA-256', value: e.sha256 }] }],
  };
}

export function waiverRisk(ids: OscalIds, w: WaiverRow, at: string, excused: number) {
  const scope = [w.device_id ? `device ${w.device_id}` : 'every device', w.check_id ? `check ${w.check_id}` : w.control_id ? `control A.${w.control_id}` : 'every check'].join(', ');
  const closed = (w.revoked_at !== null && w.revoked_at <= at) || w.expires_at <= at;
  return {
    uuid: ids.risk(w.id),
    title: `Waiver ${w.id}: ${scope}`,
    description: w.reason,
    statement: `Exception approved by ${oneLine(w.approver)} (recorded by ${oneLine(w.created_by)} on ${w.created_at}) for ${scope}, until ${w.expires_at}.${
      w.revoked_at ? ` Revoked ${w.revoked_at} by ${oneLine(w.revoked_by)}: ${oneLine(w.revoke_reason)}.` : ''
    } A waived result is reported as waived, never as pass; ${excused} result(s) at the end of the period were waived by it.`,
    status: closed ? 'closed' : 'deviation-approved',
    deadline: w.expires_at,
    props: props([
      ['waiver-id', w.id],
      ['approver', w.approver],
      ['scope-device', w.device_id],
      ['scope-check', w.check_id],
      ['scope-control', w.control_id ? `a.${w.control_id}` : null],
      ['revoked', w.revoked_at],
    ]),
  };
}

export function finding(
  ids: OscalIds,
  control: { id: string; ref: string; oscal_id: string; title: string },
  counts: Record<ControlStatus, number>,
  checks: readonly { checkId: string; strength: Strength }[],
  observationUuids: readonly string[],
  riskUuids: readonly string[],
) {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const state = counts.fail === 0 && counts.unknown === 0 && counts.waived === 0 && counts.pass > 0 ? 'satisfied' : 'not-satisfied';
  const reason = state === 'satisfied' ? 'pass' : counts.fail > 0 ? 'fail' : 'other';
  const summary = `${total} device(s) in scope: ${counts.pass} pass, ${counts.fail} fail, ${counts.unknown} unknown, ${counts.waived} waived, ${counts.not_applicable} not applicable.`;
  return {
    uuid: ids.finding(control.id),
    title: `${control.ref} ${control.title}: ${state}`,
    description: `${summary} Automated evidence from ${checks.map((c) => `${c.checkId} (${c.strength})`).join(', ')}. A check is partial evidence: the control also needs policy and process evidence (see the Statement of Applicability).`,
    props: props([
      ['devices-in-scope', total],
      ['devices-pass', counts.pass],
      ['devices-fail', counts.fail],
      ['devices-unknown', counts.unknown],
      ['devices-waived', counts.waived],
      ['devices-not-applicable', counts.not_applicable],
    ]),
    target: {
      type: 'objective-id',
      'target-id': `${control.oscal_id}_obj`,
      status: { state, reason },
    },
    ...some('related-observations', observationUuids.map((u) => ({ 'observation-uuid': u }))),
    ...some('related-risks', riskUuids.map((u) => ({ 'risk-uuid': u }))),
  };
}
