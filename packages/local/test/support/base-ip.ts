/**
 * A loopback base address for one test: 127.<100..199>.<0..249>.1, so tests on this shared
 * machine (and a demo someone runs on 127.0.1.1) do not collide.
 */
export function randomBaseIp(): string {
  return `127.${100 + Math.floor(Math.random() * 100)}.${Math.floor(Math.random() * 250)}.1`;
}

/**
 * A port offset for one test (10000..21999): the mesh's ports land between 14140 and 31995,
 * under the ephemeral range, so a process listening on Linkerd's ports on every address
 * (another test's destination on :8090, say) does not collide.
 */
export function randomPortOffset(): number {
  return 10_000 + Math.floor(Math.random() * 12_000);
}
