import { decodeCertificatesPem, readCertificate, TrustAnchors, verifyChain } from '@skein/identity';
import { ResourceName } from '../../render/names.js';
import type { CheckContext } from '../check-context.js';
import type { CheckCategory, CheckDefinition } from '../check-model.js';
import { fail, ok, warn } from '../check-model.js';

const DAY_MS = 86_400_000;
const MIN_REMAINING_MS = 60 * DAY_MS;

/** A webhook whose serving certificate is checked. */
interface WebhookTarget {
  readonly label: string;
  readonly configKind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration';
  readonly configName: string;
  readonly service: string;
  readonly secret: string;
  readonly externalSecret: (ctx: CheckContext) => Promise<boolean>;
}

/** The serving certificate of a webhook, checked against its configuration's CA bundle. */
async function servingCertificate(ctx: CheckContext, target: WebhookTarget) {
  const config = await ctx.cluster.get({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: target.configKind,
    name: target.configName,
  });
  if (config === undefined) throw new Error(`${target.configKind} ${target.configName} does not exist`);
  const hooks = (config.webhooks ?? []) as { name: string; clientConfig?: { caBundle?: string } }[];
  const withoutCa = hooks.filter((h) => (h.clientConfig?.caBundle ?? '') === '').map((h) => h.name);
  if (hooks.length === 0) throw new Error(`${target.configKind} ${target.configName} has no webhooks`);
  if (withoutCa.length > 0) {
    throw new Error(
      `${target.configKind} ${target.configName} has no caBundle for ${withoutCa.join(', ')}: the API server cannot verify the ${target.label} webhook`,
    );
  }
  const caPem = Buffer.from(hooks[0]!.clientConfig!.caBundle!, 'base64').toString('utf8');
  const anchors = TrustAnchors.fromPem(caPem, `caBundle of ${target.configName}`);
  if (await target.externalSecret(ctx)) return { anchors, leaf: undefined };
  const secret = await ctx.cluster.get({
    apiVersion: 'v1',
    kind: 'Secret',
    namespace: ctx.namespace,
    name: target.secret,
  });
  const crt = (secret?.data as Record<string, string> | undefined)?.['tls.crt'];
  if (crt === undefined)
    throw new Error(
      `secret ${ctx.namespace}/${target.secret} with the serving certificate (tls.crt) does not exist`,
    );
  const [leafDer, ...rest] = decodeCertificatesPem(
    Buffer.from(crt, 'base64').toString('utf8'),
    `${target.secret} tls.crt`,
  );
  return { anchors, leaf: readCertificate(leafDer!), chain: rest.map((d) => readCertificate(d)) };
}

function webhookChecks(id: string, target: WebhookTarget): CheckDefinition[] {
  return [
    {
      id: `l5d-${id}-webhook-cert-valid`,
      description: `${target.label} webhook has valid cert`,
      hintAnchor: `l5d-${id}-webhook-cert-valid`,
      async run(ctx) {
        const { anchors, leaf, chain } = await servingCertificate(ctx, target);
        if (leaf === undefined) return ok();
        const dnsName = `${target.service}.${ctx.namespace}.svc`;
        if (!leaf.altNames.dns.includes(dnsName)) {
          return fail(
            `the serving certificate in ${target.secret} is for [${leaf.altNames.dns.join(', ')}], not ${dnsName}`,
          );
        }
        try {
          verifyChain(leaf, chain ?? [], anchors, { now: ctx.now() });
        } catch (err) {
          return fail(
            `the serving certificate in ${target.secret} does not verify against the webhook's caBundle: ${(err as Error).message}`,
          );
        }
        return ok();
      },
    },
    {
      id: `l5d-${id}-webhook-cert-not-expiring-soon`,
      description: `${target.label} cert is valid for at least 60 days`,
      hintAnchor: `l5d-${id}-webhook-cert-not-expiring-soon`,
      async run(ctx) {
        const { anchors, leaf } = await servingCertificate(ctx, target);
        const certs = [...(leaf === undefined ? [] : [leaf]), ...anchors.certificates];
        const soon = certs.filter((c) => c.notAfter.getTime() - ctx.now() < MIN_REMAINING_MS);
        if (soon.length === 0) return ok();
        return warn(
          soon
            .map(
              (c) => `"${c.subjectCommonName ?? c.serialNumber}" will expire on ${c.notAfter.toISOString()}`,
            )
            .join('; '),
        );
      },
    },
  ];
}

/** `linkerd-webhooks-and-apisvc-tls`: the webhooks' CA bundles and serving certificates. */
export const linkerdWebhooks: CheckCategory = {
  name: 'linkerd-webhooks-and-apisvc-tls',
  checks: [
    ...webhookChecks('proxy-injector', {
      label: 'proxy-injector',
      configKind: 'MutatingWebhookConfiguration',
      configName: ResourceName.proxyInjectorWebhook,
      service: ResourceName.proxyInjector,
      secret: ResourceName.proxyInjectorSecret,
      externalSecret: async (ctx) => (await ctx.installed()).controlPlane.proxyInjector.externalSecret,
    }),
    ...webhookChecks('sp-validator', {
      label: 'sp-validator',
      configKind: 'ValidatingWebhookConfiguration',
      configName: ResourceName.spValidatorWebhook,
      service: ResourceName.spValidator,
      secret: ResourceName.spValidatorSecret,
      externalSecret: async (ctx) => (await ctx.installed()).controlPlane.profileValidator.externalSecret,
    }),
  ],
};
