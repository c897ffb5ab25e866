import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** What the abusive HTTP/2 client (`attack-h2-peer.py`) saw. */
export interface H2AttackResult {
  /** GOAWAY error code, or null when none came. */
  goaway: number | null;
  lastStreamId?: number;
  /** RST_STREAM error codes by stream id. */
  resets: Record<string, number>;
  /** Response statuses by stream id. */
  statuses: Record<string, number>;
  /** The server closed the connection. */
  eof: boolean;
  /** The server closed while the client was still writing. */
  writeFailed: boolean;
  /** Attack frames or streams written before the server cut the client off. */
  sent: number;
  elapsedMs: number;
  decodedBytes?: number;
  encodedBytes?: number;
}

/** HTTP/2 error codes (RFC 9113 §7). */
export const H2_ERROR = {
  NO_ERROR: 0x0,
  PROTOCOL_ERROR: 0x1,
  INTERNAL_ERROR: 0x2,
  FLOW_CONTROL_ERROR: 0x3,
  REFUSED_STREAM: 0x7,
  CANCEL: 0x8,
  COMPRESSION_ERROR: 0x9,
  ENHANCE_YOUR_CALM: 0xb,
} as const;

/** The name of an HTTP/2 error code, for result rows. */
export function h2ErrorName(code: number | null | undefined): string {
  if (code === null || code === undefined) return 'none';
  const entry = Object.entries(H2_ERROR).find(([, v]) => v === code);
  return entry === undefined ? `0x${code.toString(16)}` : entry[0];
}

const PEER = fileURLToPath(new URL('./attack-h2-peer.py', import.meta.url));
// The Debian python3 has python3-h2 (hpack, hyperframe); a python3 earlier on PATH may not.
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/**
 * Runs one scenario of the abusive HTTP/2 client against `port`. `env` passes the peer's
 * `ATTACK_*` settings (mTLS, a transport header before the preface, an extra request field).
 */
export function h2Attack(
  port: number,
  scenario: string,
  arg: string | number = 0,
  options: { host?: string; env?: Record<string, string> } = {},
): Promise<H2AttackResult> {
  return new Promise((resolve, reject) => {
    execFile(
      PYTHON,
      [PEER, options.host ?? '127.0.0.1', String(port), scenario, String(arg)],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, ...options.env } },
      (err, stdout, stderr) => {
        if (err !== null) {
          reject(new Error(`attack-h2-peer ${scenario} failed: ${err.message}\n${stderr}`));
          return;
        }
        resolve(JSON.parse(stdout) as H2AttackResult);
      },
    );
  });
}
