/**
 * A loopback base address for one test: 127.<100..199>.<0..249>.1, so tests on this shared
 * machine (and a demo someone runs on 127.0.1.1) do not collide.
 */
export function randomBaseIp(): string {
  return `127.${100 + Math.floor(Math.random() * 100)}.${Math.floor(Math.random() * 250)}.1`;
}
