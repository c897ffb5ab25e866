import { httpTypes } from '@skein/core/proto';

/** The registered HttpMethod of a standard method name. */
export function httpMethodForTest(name: keyof typeof httpTypes.HttpMethod.Registered) {
  return { registered: httpTypes.HttpMethod.Registered[name] };
}
