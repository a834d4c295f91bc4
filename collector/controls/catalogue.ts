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
export function controlsEvidencedBy(checkIds: readonly string[]): ControlEvidence[] {
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
