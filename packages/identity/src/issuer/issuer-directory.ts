import { createHash } from 'node:crypto';
import { watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Observable } from 'rxjs';
import { type IssuerCredentials, issuerFromPem } from '../ca/issuer-credentials.js';
import { IdentityError, IdentityErrorCode } from '../errors.js';

/** File names of an issuer Secret: `linkerd.io/tls` first, then `kubernetes.io/tls` (cert-manager). */
export const ISSUER_FILE_PAIRS: ReadonlyArray<readonly [cert: string, key: string]> = [
  ['crt.pem', 'key.pem'],
  ['tls.crt', 'tls.key'],
];

/** One (re)load of an issuer directory: the credentials, or why they could not be read. */
export type IssuerLoad =
  | { readonly ok: true; readonly issuer: IssuerCredentials; readonly files: readonly [string, string] }
  | { readonly ok: false; readonly error: Error };

interface IssuerPair {
  cert: string;
  key: string;
  files: readonly [string, string];
}

/**
 * Reads the pair as one snapshot. Kubernetes updates a Secret's files together by swapping a
 * `..data` symlink, but two reads can straddle a swap (a new certificate with the old key); a
 * read counts once the same contents come back twice in a row.
 */
async function readPair(dir: string): Promise<IssuerPair> {
  let previous = await readPairOnce(dir);
  for (let attempt = 0; attempt < 5; attempt++) {
    const again = await readPairOnce(dir);
    if (again.cert === previous.cert && again.key === previous.key) return again;
    previous = again;
  }
  return previous;
}

async function readPairOnce(dir: string): Promise<IssuerPair> {
  const tried: string[] = [];
  for (const [certName, keyName] of ISSUER_FILE_PAIRS) {
    const files = [join(dir, certName), join(dir, keyName)] as const;
    try {
      const [cert, key] = await Promise.all(files.map((f) => readFile(f, 'utf8')));
      return { cert: cert ?? '', key: key ?? '', files };
    } catch {
      tried.push(`${certName}/${keyName}`);
    }
  }
  throw new IdentityError(
    IdentityErrorCode.Certificate,
    `issuer directory ${dir}: expected ${tried.join(' or ')} (a linkerd.io/tls or kubernetes.io/tls Secret)`,
  );
}

/**
 * Reads the issuer certificate and key from a mounted Secret directory (`crt.pem`/`key.pem`, or
 * `tls.crt`/`tls.key`).
 * @throws {@link IdentityError} naming the directory and what is missing or wrong.
 */
export async function loadIssuerDirectory(dir: string): Promise<IssuerCredentials> {
  const { cert, key } = await readPair(dir);
  return issuerFromPem({ certificatePem: cert, keyPem: key, source: `issuer directory ${dir}` });
}

/** Options of {@link watchIssuerDirectory}. */
export interface WatchIssuerOptions {
  /** Re-read at least this often (ms), since file events can be missed (e.g. on some volumes). Default: 5 s. */
  pollMs?: number;
}

/**
 * Watches an issuer directory: emits a load at subscription and again whenever the files'
 * contents change (Kubernetes swaps the `..data` symlink; both file events and polling notice).
 * Unchanged contents emit nothing; a failed read is emitted as `{ ok: false }` once per change.
 */
export function watchIssuerDirectory(dir: string, options: WatchIssuerOptions = {}): Observable<IssuerLoad> {
  return new Observable<IssuerLoad>((subscriber) => {
    let last: string | undefined;
    let running = false;
    let again = false;
    const check = async () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      do {
        again = false;
        let load: IssuerLoad;
        let fingerprint: string;
        try {
          const pair = await readPair(dir);
          fingerprint = createHash('sha256').update(pair.cert).update('\0').update(pair.key).digest('hex');
          if (fingerprint === last) continue;
          load = {
            ok: true,
            issuer: issuerFromPem({
              certificatePem: pair.cert,
              keyPem: pair.key,
              source: `issuer directory ${dir}`,
            }),
            files: pair.files,
          };
        } catch (err) {
          fingerprint = `error:${(err as Error).message}`;
          if (fingerprint === last) continue;
          load = { ok: false, error: err as Error };
        }
        last = fingerprint;
        if (!subscriber.closed) subscriber.next(load);
      } while (again);
      running = false;
    };
    void check();
    const timer = setInterval(() => void check(), options.pollMs ?? 5000);
    let watcher: ReturnType<typeof watch> | undefined;
    try {
      watcher = watch(dir, () => void check());
      watcher.on('error', () => {});
    } catch {
      // No file events (directory missing or unsupported): polling still notices changes.
    }
    return () => {
      clearInterval(timer);
      watcher?.close();
    };
  });
}
