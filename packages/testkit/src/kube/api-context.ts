import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessRules } from './access-rules.js';
import type { AdmissionChain } from './admission-chain.js';
import type { KubeFaults } from './kube-faults.js';
import type { ObjectStore } from './object-store.js';
import type { ResourceOperations } from './resource-operations.js';
import type { ResourceRegistry } from './resource-registry.js';
import type { TokenRegistry, TokenUser } from './token-registry.js';
import type { WatchHub } from './watch-hub.js';

/** The server's parts a request handler works with. */
export interface ApiContext {
  registry: ResourceRegistry;
  store: ObjectStore;
  ops: ResourceOperations;
  hub: WatchHub;
  tokens: TokenRegistry;
  rules: AccessRules;
  faults: KubeFaults;
  admission: AdmissionChain;
  /** Whether API requests are checked against the access rules (403 when not allowed). */
  enforceAccessRules: boolean;
}

/** One request being served. */
export interface ApiRequest {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  query: URLSearchParams;
  /** The authenticated user, when the request carried a known bearer token. */
  user: TokenUser | undefined;
}

/** How a request was answered, for the request log. */
export interface ApiOutcome {
  status: number;
  watch: boolean;
}
