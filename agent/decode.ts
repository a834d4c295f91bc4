// Command output arrives as bytes in whatever the tool wrote: UTF-8 (with or without a BOM), UTF-16LE
// (PowerShell redirection, some Windows tools), or a legacy console code page: cp850 for OEM console
// programs on Western European Windows (manage-bde, netsh), cp1252 for ANSI programs. Parsers get text.

const CP850_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u00ad±‗¾¶§÷¸°¨·¹³²■\u00a0';

export function decodeCp850(buf: Uint8Array): string {
  let out = '';
  for (const b of buf) out += b < 0x80 ? String.fromCharCode(b) : CP850_HIGH[b - 0x80];
  return out;
}

// Created on first use: a legacy code page decoder loads ICU converter data that UTF-8 output never needs.
let cp1252: TextDecoder | undefined;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Lower-case letters common in German, French, Spanish and Portuguese tool output. */
const EXPECTED = /[äöüßéèêàâçôîûñáíóúãõ]/g;

export function decodeOutput(buf: Uint8Array): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return Buffer.from(buf.subarray(2)).toString('utf16le');
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
  // UTF-16LE without a BOM: every other byte of ASCII text is zero.
  if (buf.length >= 4 && buf.length % 2 === 0 && buf[1] === 0 && buf[3] === 0 && buf[0] !== 0) {
    return Buffer.from(buf).toString('utf16le');
  }
  try {
    return utf8.decode(buf);
  } catch {
    // Not UTF-8: pick the legacy code page whose reading contains more of the letters we expect.
    const a = decodeCp850(buf);
    const b = (cp1252 ??= new TextDecoder('windows-1252')).decode(buf);
    return (b.match(EXPECTED)?.length ?? 0) > (a.match(EXPECTED)?.length ?? 0) ? b : a;
  }
}
