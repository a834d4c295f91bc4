// os-release (parsed by the patch-level check's parser) to the facts the lifecycle catalogue matches on.
// The catalogue is keyed by os-release ID for Linux (ubuntu, debian, rhel, rocky, almalinux, centos, sles,
// opensuse-leap, amzn, fedora, alpine); a few IDs name the same product line under another spelling.
import type { OsEolFacts } from '../../../protocol/checks/os-eol.js';
import { clip } from '../linux-common.js';

// SLES for SAP Applications has its own ID but follows the SLES lifecycle.
const FAMILY_ALIASES: Record<string, string> = { sles_sap: 'sles' };

/** VARIANT= ("Server", "Container Image"), which the shared os-release parser does not keep. */
export function variantOf(text: string): string | undefined {
  const m = /^VARIANT=(["']?)(.*)\1\s*$/m.exec(text.replace(/\r/g, ''));
  return m?.[2] ? m[2] : undefined;
}

/**
 * Facts from the parsed os-release. edition: "Stream" for CentOS Stream (the catalogue tells Stream 8
 * apart from CentOS Linux 8), otherwise the VARIANT when one is given.
 */
export function osEolFacts(os: { id: string; name: string; version: string }, variant?: string): OsEolFacts {
  const family = FAMILY_ALIASES[os.id] ?? os.id;
  const facts: OsEolFacts = { family: clip(family, 64), name: clip(os.name, 128), version: clip(os.version, 64) };
  const edition = /\bstream\b/i.test(os.name) ? 'Stream' : variant;
  if (edition) facts.edition = clip(edition, 128);
  return facts;
}
