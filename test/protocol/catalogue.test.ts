import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED } from '../../scripts/gen-catalogue.js';
import { ANNEX_A_2022 } from '../../protocol/catalogue/annex-a-2022.js';
import { CHECK_IDS } from '../../protocol/checks/index.js';
import { VIGIL_VERSION } from '../../protocol/version.js';

const root = new URL('../../', import.meta.url);

describe('Annex A catalogue', () => {
  it.each(GENERATED)('$target is derived from $source (run npm run gen:catalogue when this fails)', ({ source, target, render }) => {
    const text = readFileSync(new URL(`protocol/catalogue/${source}`, root), 'utf8');
    expect(readFileSync(new URL(`protocol/catalogue/${target}`, root), 'utf8')).toBe(render(text));
  });

  it('holds the 93 controls of ISO/IEC 27001:2022 Annex A in four themes', () => {
    expect(ANNEX_A_2022.controls).toHaveLength(93);
    const themes = ANNEX_A_2022.controls.reduce<Record<string, number>>((acc, c) => ({ ...acc, [c.theme]: (acc[c.theme] ?? 0) + 1 }), {});
    expect(themes).toEqual({ Organizational: 37, People: 8, Physical: 14, Technological: 34 });
  });

  it('maps every check the agent runs to existing controls, with a primary control', () => {
    const ids = new Set(ANNEX_A_2022.controls.map((c) => c.id));
    for (const checkId of CHECK_IDS) {
      const m = ANNEX_A_2022.endpoint_check_mappings.find((x) => x.id === checkId);
      expect(m, checkId).toBeDefined();
      expect(m!.iso27001_2022.primary.length).toBeGreaterThan(0);
      for (const c of [...m!.iso27001_2022.primary, ...m!.iso27001_2022.secondary]) expect(ids.has(c), `${checkId} → ${c}`).toBe(true);
    }
  });

  it('keeps the product version equal to package.json', () => {
    expect(JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).version).toBe(VIGIL_VERSION);
  });
});
