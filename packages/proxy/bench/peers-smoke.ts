// Quick check of the peers alone: `node bench/peers-smoke.ts`.
import { freePort, h2load, startHaproxy, startNginxBackend, tempDir, wrk } from './peers.ts';

const tmp = tempDir();
const [bh1, bh2, hh1, hh2] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
const backend = await startNginxBackend(tmp.dir, bh1, bh2);
const haproxy = await startHaproxy(tmp.dir, hh1, hh2, bh1, bh2);
try {
  console.log('direct h1', await wrk(`http://127.0.0.1:${bh1}/`, 3, 50));
  console.log('haproxy h1', await wrk(`http://127.0.0.1:${hh1}/`, 3, 50));
  console.log(
    'direct h2',
    await h2load({ url: `http://127.0.0.1:${bh2}/`, clients: 10, streams: 10, seconds: 3, dir: tmp.dir }),
  );
  console.log(
    'haproxy h2',
    await h2load({ url: `http://127.0.0.1:${hh2}/`, clients: 10, streams: 10, seconds: 3, dir: tmp.dir }),
  );
  console.log(
    'haproxy h2 1000rps',
    await h2load({
      url: `http://127.0.0.1:${hh2}/`,
      clients: 10,
      streams: 1,
      seconds: 3,
      rpsPerClient: 100,
      dir: tmp.dir,
    }),
  );
} finally {
  await haproxy.close();
  await backend.close();
  tmp.remove();
}
