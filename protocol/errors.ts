// One error catalogue shared by agent and collector. Codes are stable: tests, logs, wire messages and
// HTTP bodies carry them; the message text may change.

export const ERRORS = {
  // wire input
  E_MALFORMED_MESSAGE: { status: 400, text: 'message is not valid JSON or not a known message type' },
  E_SCHEMA: { status: 400, text: 'message fields are missing or invalid' },
  E_UNSUPPORTED_VERSION: { status: 400, text: 'message version is not supported' },
  E_FRAME_TOO_LARGE: { status: 413, text: 'frame exceeds the size limit' },
  E_UNEXPECTED_MESSAGE: { status: 400, text: 'message not allowed in this session state' },
  E_HELLO_TIMEOUT: { status: 408, text: 'no hello received within the timeout' },
  E_BACKPRESSURE: { status: 429, text: 'too many un-acked messages in flight' },
  E_CONNECTION_LIMIT: { status: 429, text: 'too many connections from this address have not completed the hello' },
  // session and identity
  E_UNKNOWN_DEVICE: { status: 401, text: 'device is not enrolled' },
  E_DEVICE_REVOKED: { status: 403, text: 'device has been revoked' },
  E_BAD_SIGNATURE: { status: 401, text: 'signature does not verify with the registered key' },
  E_CLOCK_SKEW: { status: 401, text: 'device clock differs from the collector beyond the allowed skew' },
  // attestation content
  E_BAD_ENVELOPE: { status: 400, text: 'DSSE envelope is malformed' },
  E_PAYLOAD_TYPE: { status: 400, text: 'unsupported DSSE payload type' },
  E_BAD_STATEMENT: { status: 400, text: 'in-toto statement or predicate is invalid' },
  E_SUBJECT_MISMATCH: { status: 400, text: 'statement subject is not this device' },
  E_SEQ_MISMATCH: { status: 400, text: 'message sequence differs from the signed sequence' },
  E_SEQ_GAP: { status: 409, text: 'sequence skips ahead of the last stored sequence' },
  E_SEQ_CONFLICT: { status: 409, text: 'sequence already stored with different bytes (fork or replay)' },
  E_CHAIN_BREAK: { status: 409, text: 'previous-envelope hash does not match the stored chain' },
  E_SEQ_RACE: { status: 409, text: 'another collector stored this device\'s attestations at the same moment; reconnect and send again' },
  E_TIME_WINDOW: { status: 400, text: 'collection time is outside the accepted window' },
  // enrolment
  E_TOKEN_INVALID: { status: 401, text: 'enrolment token is unknown' },
  E_TOKEN_EXPIRED: { status: 401, text: 'enrolment token has expired' },
  E_TOKEN_EXHAUSTED: { status: 401, text: 'enrolment token has no uses left' },
  E_TOKEN_REVOKED: { status: 401, text: 'enrolment token has been revoked' },
  E_NONCE_INVALID: { status: 401, text: 'enrolment nonce is unknown, used or expired' },
  E_KEY_INVALID: { status: 400, text: 'public key is not an ECDSA P-256 key' },
  E_KEY_IN_USE: { status: 409, text: 'public key is already enrolled' },
  E_ENROLMENT_STRING: { status: 400, text: 'enrolment string is malformed' },
  E_CA_PIN_MISMATCH: { status: 495, text: 'collector CA certificate does not match the pinned fingerprint' },
  E_RATE_LIMITED: { status: 429, text: 'too many requests' },
  // agent side
  E_NOT_ENROLLED: { status: 400, text: 'agent is not enrolled' },
  E_ALREADY_ENROLLED: { status: 409, text: 'agent state already holds an enrolment' },
  E_STATE_CORRUPT: { status: 500, text: 'agent state is unreadable' },
  E_NOT_ACKED: { status: 504, text: 'attestation was not acknowledged in time' },
  E_CONNECT: { status: 502, text: 'could not reach the collector' },
  E_COMMAND_REFUSED: { status: 403, text: 'command is not on the agent allowlist of read-only commands' },
  E_AGENT_CONFIG: { status: 400, text: 'agent configuration is invalid' },
  // collector side
  E_CONFIG: { status: 500, text: 'configuration is invalid' },
  E_NOT_FOUND: { status: 404, text: 'not found' },
  E_BAD_REQUEST: { status: 400, text: 'request is invalid' },
  E_INTERNAL: { status: 500, text: 'internal error' },
  E_POLICY: { status: 400, text: 'policy file is invalid' },
  E_UNAUTHORIZED: { status: 401, text: 'missing, unknown or revoked API token' },
  E_FORBIDDEN: { status: 403, text: 'this API token may not do that' },
  E_EVIDENCE_CORRUPT: { status: 500, text: 'stored evidence does not match its recorded hash' },
  E_DATABASE: { status: 503, text: 'database is unreachable or refused the operation' },
  E_DISK_FULL: { status: 507, text: 'no space left where the data is kept; nothing was written, and it is retried when space returns' },
  // dashboard users and sessions
  E_LOGIN_FAILED: { status: 401, text: 'unknown user, wrong password or disabled account' },
  E_CSRF: { status: 403, text: 'missing or wrong CSRF token for this session' },
  E_CONFLICT: { status: 409, text: 'already exists' },
  // alerts
  E_ALERT_CONFIG: { status: 400, text: 'alerts file is invalid' },
  E_ALERT_STATE: { status: 409, text: 'alert is not in a state that allows this' },
  E_CHANNEL: { status: 502, text: 'alert channel did not accept the notification' },
  // evidence archives (export and offline verification)
  E_ARCHIVE: { status: 400, text: 'evidence archive is unreadable or malformed' },
  E_MANIFEST_SIGNATURE: { status: 400, text: 'export manifest signature does not verify' },
  E_FILE_MISMATCH: { status: 400, text: 'file differs from the signed manifest' },
  E_FILE_MISSING: { status: 400, text: 'file listed in the manifest is missing from the archive' },
  E_FILE_UNLISTED: { status: 400, text: 'archive holds a file the manifest does not list' },
  E_DEVICE_KEY: { status: 400, text: 'device key in the export does not match its digest' },
  // gateways and medical devices
  E_MDS2: { status: 400, text: 'MDS2 file is invalid' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export class VigilError extends Error {
  readonly code: ErrorCode;
  readonly details: string[];
  constructor(code: ErrorCode, message?: string, details: string[] = []) {
    super(message ?? ERRORS[code].text);
    this.name = 'VigilError';
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return ERRORS[this.code].status;
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERRORS, value);
}

/** Tamper codes: recorded as tamper events at the collector, never silently accepted. */
export const TAMPER_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'E_BAD_SIGNATURE',
  'E_SUBJECT_MISMATCH',
  'E_SEQ_MISMATCH',
  'E_SEQ_GAP',
  'E_SEQ_CONFLICT',
  'E_CHAIN_BREAK',
  'E_TIME_WINDOW',
  'E_CLOCK_SKEW',
  'E_PAYLOAD_TYPE',
]);
