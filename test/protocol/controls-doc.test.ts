import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTROLS_DOC, renderControlsDoc } from '../../scripts/gen-controls-doc.js';
import { ANNEX_A_2022 } from '../../protocol/catalogue/annex-a-2022.js';
import { CHECK_IDS, CHECKS } from '../../protocol/checks/index.js';
import { TypeCompiler } from '@sinclair/typebox/compiler';

const root = new URL('../../', import.meta.url);

describe('docs/CONTROLS.md', () => {
  it('is derived from the catalogue data (run npm run build && node dist/scripts/gen-controls-doc.js when this fails)', () => {
    const source = readFileSync(new URL(CONTROLS_DOC.source, root), 'utf8');
    expect(readFileSync(new URL(CONTROLS_DOC.target, root), 'utf8')).toBe(renderControlsDoc(source, CHECK_IDS));
  });

  it('lists all 93 controls with their 2013 correspondence and every check with its crosswalks', () => {
    const doc = readFileSync(new URL(CONTROLS_DOC.target, root), 'utf8');
    for (const c of ANNEX_A_2022.controls) expect(doc, c.ref).toContain(`| ${c.ref} |`);
    for (const m of ANNEX_A_2022.endpoint_check_mappings) {
      expect(doc).toContain(`### \`${m.id}\``);
      for (const n of m.nist_800_53_r5) expect(doc).toContain(n.id);
      for (const h of m.hipaa_security_rule) expect(doc).toContain(h.cite);
      for (const cis of m.cis_controls_v8) expect(doc).toContain(`${cis.id} ${cis.title}`);
    }
    expect(doc).toMatch(/\| A\.5\.7 \| Threat intelligence \| yes \| — \| manual evidence only \|/);
    expect(doc).toMatch(/A\.8\.24 \| Use of cryptography \|[^\n]*A\.10\.1\.1 Policy on the use of cryptographic controls[^\n]*`disk_encryption` \(primary\)/);
  });

  it('changes when the data changes (the drift test can fail)', () => {
    const source = JSON.parse(readFileSync(new URL(CONTROLS_DOC.source, root), 'utf8'));
    source.endpoint_check_mappings[0].iso27001_2022.secondary.push('5.1');
    expect(renderControlsDoc(JSON.stringify(source), CHECK_IDS)).not.toBe(renderControlsDoc(readFileSync(new URL(CONTROLS_DOC.source, root), 'utf8'), CHECK_IDS));
  });
});

describe('check parameters', () => {
  it.each(CHECKS.map((c) => [c.id, c]))('%s: the default thresholds satisfy its parameter schema', (_id, def) => {
    const check = TypeCompiler.Compile(def.paramsSchema);
    expect([...check.Errors(def.defaultParams)]).toEqual([]);
  });

  it('schemas refuse unknown parameters and wrong types', () => {
    const patch = TypeCompiler.Compile(CHECKS.find((c) => c.id === 'patch_level')!.paramsSchema);
    expect(patch.Check({ ...CHECKS.find((c) => c.id === 'patch_level')!.defaultParams, bogus: 1 })).toBe(false);
    expect(patch.Check({ ...CHECKS.find((c) => c.id === 'patch_level')!.defaultParams, maxDaysSinceUpgrade: -1 })).toBe(false);
  });
});
