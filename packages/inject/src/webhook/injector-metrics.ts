import { CounterFamily, LabelSet, type MetricsRegistry } from '@skein/core';

/** Labels of one admission request, as Linkerd's injector reports them. */
export interface AdmissionLabels {
  /** Kind of the object's owner (or of the object), lower case. */
  readonly ownerKind: string;
  /** Namespace of the request. */
  readonly namespace: string;
  /** The object's `linkerd.io/inject` annotation (empty when absent). */
  readonly injectAnnotation: string;
}

/** The injector's Prometheus counters. */
export class InjectorMetrics {
  readonly #requests: CounterFamily;
  readonly #responses: CounterFamily;

  /** Registers `proxy_inject_admission_requests_total` and `proxy_inject_admission_responses_total`. */
  constructor(registry: MetricsRegistry) {
    this.#requests = new CounterFamily({
      name: 'proxy_inject_admission_requests_total',
      help: 'A counter for number of admission requests to proxy injector.',
      registry,
      retainIdleMs: 0,
    });
    this.#responses = new CounterFamily({
      name: 'proxy_inject_admission_responses_total',
      help: 'A counter for number of admission responses from proxy injector.',
      registry,
      retainIdleMs: 0,
    });
  }

  /** Counts a request. */
  request(labels: AdmissionLabels): void {
    this.#requests.series(this.#labels(labels)).inc();
  }

  /** Counts a response: `skip` when the proxy was not injected, with the reason. */
  response(labels: AdmissionLabels, skip: boolean, reason: string): void {
    const set = this.#labels(labels).with({ skip: String(skip), reason });
    this.#responses.series(set).inc();
  }

  #labels(l: AdmissionLabels): LabelSet {
    return LabelSet.of({
      owner_kind: l.ownerKind,
      namespace: l.namespace,
      inject_annotation: l.injectAnnotation,
    });
  }
}
