import { X509Certificate } from 'node:crypto';
import type { CliIO } from '../cli-io.js';
import { podsOf } from './diagnostics.js';
import type { SkeinCommand } from './registry.js';
import { addControllerOptions, type VizFlags } from './viz/viz-options.js';

/** A readable summary of each certificate of a PEM chain, as `linkerd identity` prints it. */
export function describeCertificates(pem: string): string {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks
    .map((block) => {
      const c = new X509Certificate(block);
      return [
        'Certificate:',
        `    Serial Number: ${c.serialNumber}`,
        `    Issuer: ${c.issuer.replace(/\n/g, ', ')}`,
        '    Validity',
        `        Not Before: ${c.validFrom}`,
        `        Not After : ${c.validTo}`,
        `    Subject: ${c.subject.replace(/\n/g, ', ')}`,
        `    Subject Alternative Name: ${c.subjectAltName ?? '-'}`,
        `    Public Key Algorithm: ${c.publicKey.asymmetricKeyType ?? '-'}`,
        `    Fingerprint (SHA-256): ${c.fingerprint256}`,
        block,
        '',
      ].join('\n');
    })
    .join('\n');
}

/** `skein identity POD…`: the certificate each pod's proxy serves (from its admin `/identity/certificate`). */
export const identityCommand: SkeinCommand = {
  name: 'identity',
  register(program, io: CliIO) {
    const cmd = program
      .command('identity')
      .description("Display the certificate(s) of one or more selected pods' proxies.")
      .argument('<resource...>', 'pod name(s), po/name or deploy/name');
    addControllerOptions(cmd).action(async (args: string[], flags: VizFlags) => {
      const names =
        args.length > 0 && !args[0]!.includes('/') && args.every((a) => !a.includes('/'))
          ? args.map((a) => ['po', a])
          : [args];
      for (const resource of names) {
        const { client, pods } = await podsOf(resource, flags);
        for (const [i, p] of pods.entries()) {
          io.stdout(`\nPOD ${p.name} (${i + 1} of ${pods.length})\n\n`);
          const pem = await client.getText(
            `/api/pods/${encodeURIComponent(p.namespace)}/${encodeURIComponent(p.name)}/identity`,
          );
          io.stdout(describeCertificates(pem));
        }
      }
    });
  },
};
