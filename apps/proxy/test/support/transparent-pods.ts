import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@skein/core';
import { generateIssuer, generateTrustAnchor } from '@skein/identity';
import { createPodNetwork, type Pod, type PodNetwork, type RunningProcess } from '@skein/testkit';

// Pods meshed transparently, shared by the end-to-end test (test/transparent-mesh.int.test.ts)
// and the benchmark (bench/transparent.bench.ts): network namespaces on one bridge, each meshed
// pod with skein-proxy running as the proxy uid behind skein-proxy-init's iptables rules. Each
// meshed pod runs its own skein-identity and skein-destination on its loopback (their place is
// not what is under test), all sharing one trust anchor, issuer and static discovery file.
// Written in erasable TypeScript so that plain Node can load it for the benchmark.

const bin = (p: string) => fileURLToPath(new URL(`../../../${p}/dist/main.js`, import.meta.url));
const BIN = {
  proxy: bin('proxy'),
  proxyInit: bin('proxy-init'),
  identity: bin('identity'),
  destination: bin('destination'),
};

/** Linkerd's proxy uid: iptables lets its traffic through unredirected. */
export const PROXY_UID = 2102;
/** The uid the pods' applications run as. */
export const APP_UID = 1000;
/** Proxy ports, as the injector sets them. */
export const MESH_PORTS = { inbound: 4143, outbound: 4140, admin: 4191 } as const;

/** The mTLS identity of a service account of namespace `demo`. */
export function identityName(serviceAccount: string): string {
  return `${serviceAccount}.demo.serviceaccount.identity.linkerd.cluster.local`;
}

/** Options of {@link TransparentPods.create}. */
export interface TransparentPodsOptions {
  /** Give the pods IPv6 addresses as well (the rules stay IPv4-only). Default true. */
  readonly ipv6?: boolean;
  /** `LINKERD2_PROXY_LOG` of every proxy. Default `warn`. */
  readonly proxyLog?: string;
}

/**
 * A network of pods, some of them meshed. Add pods, write the discovery file (which needs
 * their addresses), then {@link mesh} the ones that get a proxy. {@link close} stops every
 * process and deletes the namespaces and files, also after a failure halfway through.
 */
export class TransparentPods {
  /** The pods' network. */
  readonly network: PodNetwork;
  /** A scratch directory readable by every pod user; removed by {@link close}. */
  readonly dir: string;
  readonly #anchorsPem: string;
  readonly #proxyLog: string;
  #discovery: string | undefined;

  private constructor(network: PodNetwork, dir: string, anchorsPem: string, proxyLog: string) {
    this.network = network;
    this.dir = dir;
    this.#anchorsPem = anchorsPem;
    this.#proxyLog = proxyLog;
  }

  /** Makes the scratch directory, a trust anchor and issuer, and an empty pod network. */
  static async create(options: TransparentPodsOptions = {}): Promise<TransparentPods> {
    const dir = mkdtempSync(join(tmpdir(), 'skein-transparent-'));
    try {
      chmodSync(dir, 0o755);
      const anchor = generateTrustAnchor();
      const issuer = generateIssuer(anchor);
      mkdirSync(join(dir, 'issuer'));
      writeFileSync(join(dir, 'issuer', 'crt.pem'), issuer.certificatePem);
      writeFileSync(join(dir, 'issuer', 'key.pem'), issuer.keyPem);
      writeFileSync(join(dir, 'anchors.pem'), anchor.certificatePem);
      const network = await createPodNetwork(options.ipv6 === false ? { ipv6Subnet: false } : {});
      return new TransparentPods(network, dir, anchor.certificatePem, options.proxyLog ?? 'warn');
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Adds a pod (no proxy yet). */
  addPod(name: string): Promise<Pod> {
    return this.network.addPod(name);
  }

  /** Writes `text` to a file of the scratch directory and returns its path (for pod programs). */
  file(name: string, text: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, text);
    return path;
  }

  /** Sets the static discovery file every destination service serves (`services:` YAML). */
  setDiscovery(yaml: string): void {
    this.#discovery = this.file('mesh.yaml', yaml);
  }

  /**
   * Meshes `pod` as `serviceAccount`: starts identity and destination on its loopback, the
   * proxy as {@link PROXY_UID} (resolving once it is certified and ready), then installs the
   * iptables rules. Returns the proxy process.
   */
  async mesh(pod: Pod, serviceAccount: string): Promise<RunningProcess> {
    if (this.#discovery === undefined)
      throw new ConfigError('discovery file', 'unset', 'setDiscovery(yaml) called before mesh()');
    const pdir = join(this.dir, pod.name);
    const token = `token-${pod.name}`;
    mkdirSync(join(pdir, 'identity'), { recursive: true });
    writeFileSync(join(pdir, 'token'), token);
    writeFileSync(join(pdir, 'tokens.txt'), `${token} demo/${serviceAccount}\n`);
    chmodSync(pdir, 0o777);
    chmodSync(join(pdir, 'identity'), 0o777);
    const node = process.execPath;
    await pod.spawn(
      [
        node,
        BIN.identity,
        '--addr',
        '127.0.0.1:18080',
        '--admin-addr',
        '127.0.0.1:19990',
        '--issuer-dir',
        join(this.dir, 'issuer'),
        '--trust-anchors-file',
        join(this.dir, 'anchors.pem'),
        '--static-tokens-file',
        join(pdir, 'tokens.txt'),
      ],
      { ready: /listening/ },
    );
    await pod.spawn(
      [
        node,
        BIN.destination,
        '--addr',
        '127.0.0.1:18086',
        '--admin-addr',
        '127.0.0.1:19996',
        '--static-file',
        this.#discovery,
      ],
      { ready: /listening/ },
    );
    const proxy = await pod.spawn([node, BIN.proxy], {
      uid: PROXY_UID,
      ready: /skein-proxy ready/,
      env: {
        PATH: process.env.PATH,
        LINKERD2_PROXY_LOG: this.#proxyLog,
        LINKERD2_PROXY_INBOUND_LISTEN_ADDR: `0.0.0.0:${MESH_PORTS.inbound}`,
        LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: `127.0.0.1:${MESH_PORTS.outbound}`,
        LINKERD2_PROXY_ADMIN_LISTEN_ADDR: `0.0.0.0:${MESH_PORTS.admin}`,
        LINKERD2_PROXY_IDENTITY_SVC_ADDR: '127.0.0.1:18080',
        LINKERD2_PROXY_IDENTITY_DIR: join(pdir, 'identity'),
        LINKERD2_PROXY_IDENTITY_TOKEN_FILE: join(pdir, 'token'),
        LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS: this.#anchorsPem,
        LINKERD2_PROXY_IDENTITY_LOCAL_NAME: identityName(serviceAccount),
        LINKERD2_PROXY_DESTINATION_SVC_ADDR: '127.0.0.1:18086',
        LINKERD2_PROXY_DESTINATION_PROFILE_NETWORKS: '10.0.0.0/8',
        LINKERD2_PROXY_DESTINATION_CONTEXT: `{"ns":"demo","nodeName":"node-1","pod":"${serviceAccount}-0"}`,
      },
    });
    await this.redirect(pod);
    return proxy;
  }

  /** Installs the pod's iptables rules (idempotent: re-running leaves one set). */
  async redirect(pod: Pod): Promise<void> {
    await pod.exec(proxyInitArgv([]));
  }

  /** Removes the pod's iptables rules (`--cleanup`): its traffic then bypasses the proxy. */
  async unredirect(pod: Pod): Promise<void> {
    await pod.exec(proxyInitArgv(['--cleanup']));
  }

  /** Stops every process, deletes the namespaces and the scratch directory. Idempotent. */
  async close(): Promise<void> {
    try {
      await this.network.close();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

function proxyInitArgv(extra: string[]): string[] {
  return [
    process.execPath,
    BIN.proxyInit,
    '--incoming-proxy-port',
    String(MESH_PORTS.inbound),
    '--outgoing-proxy-port',
    String(MESH_PORTS.outbound),
    '--proxy-uid',
    String(PROXY_UID),
    '--inbound-ports-to-ignore',
    `4190,${MESH_PORTS.admin}`,
    '--ipv6=false',
    '--iptables-mode',
    'legacy',
    ...extra,
  ];
}
