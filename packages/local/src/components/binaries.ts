/**
 * The programs a local mesh runs. The entry points are JavaScript files run by `node`
 * (the built `dist/main.js` of each app); the caller finds them (the library does not depend
 * on the apps).
 */
export interface LocalMeshBinaries {
  /** The Node.js executable. */
  readonly node: string;
  /** `skein-identity`. */
  readonly identity: string;
  /** `skein-destination`. */
  readonly destination: string;
  /** `skein-controller`. */
  readonly controller: string;
  /** `skein-proxy`. */
  readonly proxy: string;
  /** `skein-tap` (optional: the controller serves tap to the CLI and dashboard itself). */
  readonly tap?: string;
  /** `skein-web`, the dashboard (optional). */
  readonly dashboard?: string;
  /** `skein-proxy-init` (netns mode only). */
  readonly proxyInit?: string;
}
