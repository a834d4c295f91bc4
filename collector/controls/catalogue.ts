import { ANNEX_A_2022 } from '../../protocol/catalogue/annex-a-2022.js';
import type { AnnexAControl, CheckMapping } from '../../protocol/catalogue/types.js';

export type Strength = 'primary' | 'secondary';

export interface ControlEvidence {
  control: AnnexAControl;
  checks: { checkId: string; strength: Strength }[];
}

const controlsById = new Map(ANNEX_A_2022.controls.map((c) => [c.id, c]));

export function allControls(): readonly AnnexAControl[] {
  return ANNEX_A_2022.controls;
}

export function checkMapping(checkId: string): CheckMapping | undefined {
  return ANNEX_A_2022.endpoint_check_mappings.find((m) => m.id === checkId);
}

/** Controls evidenced by the given checks, in catalogue order, each with the checks behind it. */
// The mapping is static data: computed once per list of checks (the fleet views call this per device).
const evidencedCache = new Map<string, readonly ControlEvidence[]>();

export function controlsEvidencedBy(checkIds: readonly string[]): readonly ControlEvidence[] {
  const key = checkIds.join(',');
  let hit = evidencedCache.get(key);
  if (!hit) {
    hit = computeEvidencedBy(checkIds);
    if (evidencedCache.size < 64) evidencedCache.set(key, hit);
  }
  return hit;
}

function computeEvidencedBy(checkIds: readonly string[]): ControlEvidence[] {
  const byControl = new Map<string, ControlEvidence>();
  for (const checkId of checkIds) {
    const m = checkMapping(checkId);
    if (!m) continue;
    const add = (id: string, strength: Strength) => {
      const control = controlsById.get(id);
      if (!control) throw new Error(`mapping for ${checkId} names unknown control ${id}`);
      const entry = byControl.get(id) ?? { control, checks: [] };
      entry.checks.push({ checkId, strength });
      byControl.set(id, entry);
    };
    m.iso27001_2022.primary.forEach((id) => add(id, 'primary'));
    m.iso27001_2022.secondary.forEach((id) => add(id, 'secondary'));
  }
  const order = new Map(ANNEX_A_2022.controls.map((c, i) => [c.id, i]));
  return [...byControl.values()].sort((a, b) => order.get(a.control.id)! - order.get(b.control.id)!);
}

/** Accepts "8.24", "A.8.24" or "a.8.24" (the OSCAL id); returns the catalogue id, or null. */
export function resolveControlId(input: string): string | null {
  const m = /^(?:[aA]\.)?(\d{1,2}\.\d{1,2})$/.exec(input.trim());
  return m && controlsById.has(m[1]!) ? m[1]! : null;
}

export function controlById(id: string): AnnexAControl | undefined {
  return controlsById.get(id);
}

const ofCheckCache = new Map<string, readonly { controlId: string; strength: Strength }[]>();

/** Every control a check evidences, with its strength. */
export function controlsOfCheck(checkId: string): readonly { controlId: string; strength: Strength }[] {
  let hit = ofCheckCache.get(checkId);
  if (hit) return hit;
  const m = checkMapping(checkId);
  hit = m
    ? [
        ...m.iso27001_2022.primary.map((controlId) => ({ controlId, strength: 'primary' as const })),
        ...m.iso27001_2022.secondary.map((controlId) => ({ controlId, strength: 'secondary' as const })),
      ]
    : [];
  if (m) ofCheckCache.set(checkId, hit);
  return hit;
}
