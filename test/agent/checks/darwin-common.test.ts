import { describe, expect, it } from 'vitest';
import { asUserArgv, parseConsoleUser, parsePlist, plistBool, plistInt, textLines } from '../../../agent/checks/darwin-common.js';
import { assertParserTotal, macFixture } from './fakes-darwin.js';

describe('parsePlist', () => {
  it('reads the XML plist diskutil prints: nested dicts, arrays, booleans, integers, empty arrays', () => {
    const v = parsePlist(macFixture('diskutil-apfs-list/plist-output.txt')) as { Containers: { ContainerReference: string; CapacityCeiling: number; Fusion: boolean; Volumes: { Name: string; Roles: string[] }[] }[] };
    expect(v.Containers.map((c) => c.ContainerReference)).toEqual(['disk1', 'disk2', 'disk3']);
    expect(v.Containers[0]!.CapacityCeiling).toBe(524288000);
    expect(v.Containers[0]!.Fusion).toBe(false);
    expect(v.Containers[2]!.Volumes.find((x) => x.Name === 'Nix Store')?.Roles).toEqual([]);
  });

  it('keeps dates as ISO strings and empty strings as ""', () => {
    const v = parsePlist(macFixture('com.apple.SoftwareUpdate/plist-xml-monterey-12.6.txt')) as Record<string, unknown>;
    expect(v.LastFullSuccessfulDate).toBe('2022-12-09T14:28:24Z');
    expect(v.LastRecommendedMajorOSBundleIdentifier).toBe('');
    expect(v.LastSessionSuccessful).toBe(true);
    expect(v.PrimaryLanguages).toEqual(['en-DE', 'en-GB']);
  });

  it('reads JSON, CRLF and a BOM, and unescapes entities', () => {
    expect(parsePlist('{"a": [1, true]}')).toEqual({ a: [1, true] });
    expect(parsePlist('\uFEFF<plist version="1.0">\r\n<dict>\r\n<key>n</key>\r\n<string>A &amp; B &lt;x&gt; &#233;</string>\r\n</dict>\r\n</plist>\r\n')).toEqual({ n: 'A & B <x> é' });
  });

  it('returns null for truncated, blank, garbage and malformed plists', () => {
    const full = macFixture('diskutil-apfs-list/plist-output.txt');
    expect(parsePlist(full.slice(0, full.length / 2))).toBeNull();
    expect(parsePlist('')).toBeNull();
    expect(parsePlist('diskutil: did not recognize APFS verb')).toBeNull();
    expect(parsePlist('<plist><dict><string>no key</string></dict></plist>')).toBeNull();
    expect(parsePlist('<plist><dict><key>a</key><integer>x1</integer></dict></plist>')).toBeNull();
    expect(parsePlist('<plist><array><dict></array></dict></plist>')).toBeNull();
    expect(parsePlist('{"a": ')).toBeNull();
  });

  it('never throws', () => assertParserTotal(parsePlist));
});

describe('small helpers', () => {
  it('plistBool and plistInt accept what defaults and profiles write', () => {
    expect([true, 1, '1', 'YES', 'true'].map((v) => plistBool(v))).toEqual([true, true, true, true, true]);
    expect([false, 0, '0', 'no'].map((v) => plistBool(v))).toEqual([false, false, false, false]);
    expect([2, 'maybe', undefined, []].map((v) => plistBool(v as never))).toEqual([null, null, null, null]);
    expect([600, ' 300 ', '5.5', 1.5].map((v) => plistInt(v))).toEqual([600, 300, null, null]);
  });

  it('textLines drops a BOM and handles CRLF and CR', () => {
    expect(textLines('\uFEFFa\r\nb\rc  \n')).toEqual(['a', 'b', 'c', '']);
  });

  it('parseConsoleUser: the user, or null for the login window and garbage', () => {
    expect(parseConsoleUser('williamj\n')).toBe('williamj');
    expect(parseConsoleUser('root\n')).toBeNull();
    expect(parseConsoleUser('_mbsetupuser')).toBeNull();
    expect(parseConsoleUser('')).toBeNull();
    expect(parseConsoleUser('stat: /dev/console: stat: No such file or directory')).toBeNull();
  });

  it('asUserArgv enters the user session with launchctl asuser and sudo -u (argv, no shell)', () => {
    expect(asUserArgv('501', 'williamj', ['defaults', 'read', 'x'])).toEqual(['launchctl', 'asuser', '501', 'sudo', '-u', 'williamj', 'defaults', 'read', 'x']);
  });
});
