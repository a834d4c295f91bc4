import { describe, expect, it } from 'vitest';
import { canonicalize } from '../../protocol/jcs.js';

describe('JCS (RFC 8785)', () => {
  it('matches the RFC §3.2.3 vector', () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    );
    expect(canonicalize(input)).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });

  it('sorts keys recursively by UTF-16 code units', () => {
    expect(canonicalize({ b: { z: 1, a: 2 }, a: [{ y: 1, x: 2 }], '\u20ac': 1, '\ud83d\ude00': 2, '\ufb33': 3 })).toBe(
      '{"a":[{"x":2,"y":1}],"b":{"a":2,"z":1},"\u20ac":1,"\ud83d\ude00":2,"\ufb33":3}',
    );
  });
});
