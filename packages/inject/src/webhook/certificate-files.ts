import { type FSWatcher, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createSecureContext } from 'node:tls';
import { type Logger, nullLogger } from '@skein/core';

/** A certificate and key as PEM text. */
export interface CertificateKeyPair {
  /** Certificate chain (PEM). */
  readonly cert: string;
  /** Private key (PEM). */
  readonly key: string;
}

/** Where a webhook's certificate and key are mounted. */
export interface CertificatePaths {
  /** Path of the certificate chain (PEM), e.g. `/var/run/linkerd/tls/tls.crt`. */
  readonly certFile: string;
  /** Path of the private key (PEM), e.g. `/var/run/linkerd/tls/tls.key`. */
  readonly keyFile: string;
}

/**
 * Reads a certificate and key and checks that they form a usable TLS identity.
 *
 * @throws the read or TLS error, naming the files.
 */
export async function readCertificateFiles(paths: CertificatePaths): Promise<CertificateKeyPair> {
  const [cert, key] = await Promise.all([readFile(paths.certFile, 'utf8'), readFile(paths.keyFile, 'utf8')]);
  try {
    createSecureContext({ cert, key });
  } catch (cause) {
    throw new Error(
      `${paths.certFile} and ${paths.keyFile} are not a valid certificate and key: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  return { cert, key };
}

/**
 * Watches the directories of a mounted certificate (Kubernetes swaps the `..data` symlink when a
 * Secret changes) and calls `onChange` with the new pair once both files read as a valid
 * identity. Bursts of events are coalesced; an invalid intermediate state is logged and skipped.
 *
 * @returns a function that stops watching.
 */
export function watchCertificateFiles(
  paths: CertificatePaths,
  onChange: (pair: CertificateKeyPair) => void,
  options: { readonly logger?: Logger; readonly debounceMs?: number } = {},
): () => void {
  const logger = options.logger ?? nullLogger;
  const debounceMs = options.debounceMs ?? 100;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const reload = (): void => {
    timer = undefined;
    readCertificateFiles(paths).then(
      (pair) => {
        if (!closed) onChange(pair);
      },
      (err: unknown) =>
        logger.warn({ err }, 'certificate change ignored: the files are not a valid pair yet'),
    );
  };
  const schedule = (): void => {
    if (closed) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(reload, debounceMs);
  };
  const dirs = [...new Set([dirname(paths.certFile), dirname(paths.keyFile)])];
  const watchers: FSWatcher[] = dirs.map((dir) => watch(dir, { persistent: false }, schedule));
  for (const w of watchers) w.on('error', (err) => logger.warn({ err }, 'certificate watch failed'));
  return () => {
    closed = true;
    if (timer !== undefined) clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}
