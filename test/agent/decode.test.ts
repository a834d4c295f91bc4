import { describe, expect, it } from 'vitest';
import { decodeCp850, decodeOutput } from '../../agent/decode.js';

describe('decodeOutput', () => {
  it('reads UTF-8 with and without a BOM', () => {
    expect(decodeOutput(Buffer.from('Verschlüsselung'))).toBe('Verschlüsselung');
    expect(decodeOutput(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Statut')]))).toBe('Statut');
  });

  it('reads UTF-16LE with a BOM and without one', () => {
    expect(decodeOutput(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Protection On', 'utf16le')]))).toBe('Protection On');
    expect(decodeOutput(Buffer.from('Domain Profile', 'utf16le'))).toBe('Domain Profile');
  });

  it('reads cp850 console output (German manage-bde)', () => {
    // "Verschlüsselung" in cp850: ü = 0x81
    const bytes = Buffer.from([...Buffer.from('Verschl'), 0x81, ...Buffer.from('sselung wird durchgef'), 0x81, ...Buffer.from('hrt')]);
    expect(decodeOutput(bytes)).toBe('Verschlüsselung wird durchgeführt');
  });

  it('reads cp1252 output (French ANSI tool)', () => {
    // "Verrouillé" and "Désactivé" in cp1252: é = 0xe9
    const bytes = Buffer.from([...Buffer.from('Verrouill'), 0xe9, 0x20, ...Buffer.from('D'), 0xe9, ...Buffer.from('sactiv'), 0xe9]);
    expect(decodeOutput(bytes)).toBe('Verrouillé Désactivé');
  });

  it('maps every cp850 byte to one character', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(decodeCp850(all)).toHaveLength(256);
  });
});
