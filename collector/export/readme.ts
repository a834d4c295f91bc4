// README.txt at the top of every archive: what is inside and how to check it with or without Vigil.
import { ARCHIVE_PATHS, MANIFEST_PAYLOAD_TYPE } from '../../protocol/evidence-archive.js';

export function readmeText(m: { exportId: string; from: string; to: string; createdAt: string; fingerprint: string; collectorVersion: string }): string {
  return `Vigil evidence archive ${m.exportId}
Period ${m.from} to ${m.to} (UTC), state as of ${m.to}; generated ${m.createdAt} by Vigil collector ${m.collectorVersion}.
Manifest signing key: sha256:${m.fingerprint}
Compare this fingerprint with the one the operator gives you by another channel.

Contents
  ${ARCHIVE_PATHS.html}                      printable report: summary, per control, per device, exceptions and waivers
  ${ARCHIVE_PATHS.oscal}    OSCAL 1.1.3 assessment results (controls a.<id> = ISO/IEC 27001:2022 Annex A)
  ${ARCHIVE_PATHS.csv}                         one row per device x check x control
  ${ARCHIVE_PATHS.soa}  Statement of Applicability as of the end of the period
  envelopes/<device>/<seq>.dsse.json          attestations signed by each device, byte for byte as received
  devices/<device>.json                       each device's public key and its sha256 digest
  manual-evidence/<sha256>                    files attached to controls (named by their SHA-256)
  policy/<sha256>.yaml                        the policy versions that evaluated the included attestations
  ${ARCHIVE_PATHS.manifest} + ${ARCHIVE_PATHS.manifestDsse}      every other file with its size and SHA-256, signed
  ${ARCHIVE_PATHS.signingKey}                      the public key that signed the manifest

Check everything, offline:  vigil verify <this archive>

Or by hand (bash, jq, openssl), after extracting:
  # 1. the manifest signature (DSSE: ECDSA P-256 / SHA-256 over PAE(type, manifest.json))
  jq -r .payload ${ARCHIVE_PATHS.manifestDsse} | base64 -d | cmp - ${ARCHIVE_PATHS.manifest}
  jq -r '.signatures[0].sig' ${ARCHIVE_PATHS.manifestDsse} | base64 -d > manifest.sig
  t=${MANIFEST_PAYLOAD_TYPE}
  { printf 'DSSEv1 %d %s %d ' \${#t} "$t" $(stat -c %s ${ARCHIVE_PATHS.manifest}); cat ${ARCHIVE_PATHS.manifest}; } > manifest.pae
  openssl dgst -sha256 -verify ${ARCHIVE_PATHS.signingKey} -signature manifest.sig manifest.pae
  openssl pkey -pubin -in ${ARCHIVE_PATHS.signingKey} -outform DER | sha256sum     # = the fingerprint above
  # 2. every file
  jq -r '.files[] | "\\(.sha256)  \\(.path)"' ${ARCHIVE_PATHS.manifest} | sha256sum -c --quiet
  # 3. one envelope against its device key
  f=envelopes/<device>/<seq>.dsse.json
  jq -r .publicKeyPem devices/<device>.json > device.pem
  jq -r .payload "$f" | base64 -d > payload.json
  jq -r '.signatures[0].sig' "$f" | base64 -d > envelope.sig
  t=$(jq -r .payloadType "$f")
  { printf 'DSSEv1 %d %s %d ' \${#t} "$t" $(stat -c %s payload.json); cat payload.json; } > envelope.pae
  openssl dgst -sha256 -verify device.pem -signature envelope.sig envelope.pae
  # 4. the hash chain: each payload's predicate.previous is the sha256 of the previous envelope file
  jq -r .predicate.previous payload.json; sha256sum envelopes/<device>/<seq - 1>.dsse.json
`;
}
