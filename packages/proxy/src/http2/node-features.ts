// Raw header arrays skip the header-object copy `node:http2` otherwise makes per message. They
// arrived in `session.request()` with Node 22.17 / 24.0 and in `stream.respond()` with Node
// 22.20 / 24.7; older runtimes get objects.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);

/** Whether `ClientHttp2Session.request()` takes a raw `[name, value, …]` array. */
export const RAW_REQUEST_HEADERS: boolean = major >= 24 || (major === 22 && minor >= 17);

/** Whether `ServerHttp2Stream.respond()` takes a raw `[name, value, …]` array. */
export const RAW_RESPONSE_HEADERS: boolean =
  major >= 25 || (major === 24 && minor >= 7) || (major === 22 && minor >= 20);
