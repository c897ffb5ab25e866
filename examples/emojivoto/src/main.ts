#!/usr/bin/env node
// `emojivoto <web|emoji|voting|vote-bot> [flags]`: runs one service of the demo app until
// SIGTERM/SIGINT. Run with Node 24 (type stripping): `node src/main.ts emoji --listen 127.0.0.1:8080`.
import { formatHostPort } from './address.ts';
import { startEmojiServer } from './emoji-server.ts';
import { SettingError, SettingsError } from './setting-error.ts';
import { readSettings, type Settings, usage } from './settings.ts';
import { VoteBot } from './vote-bot.ts';
import { startVotingServer } from './voting-server.ts';
import { startWebServer } from './web-server.ts';

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h') || argv.length === 0) {
  process.stdout.write(usage());
  process.exit(argv.length === 0 ? 2 : 0);
}

let settings: Settings;
try {
  settings = readSettings(argv, process.env);
} catch (err) {
  if (!(err instanceof SettingError || err instanceof SettingsError)) throw err;
  process.stderr.write(`emojivoto: ${err.message}\n${usage()}`);
  process.exit(2);
}

const log = (message: string) => process.stdout.write(`emojivoto ${settings.service}: ${message}\n`);

async function start(s: Settings): Promise<() => Promise<void>> {
  switch (s.service) {
    case 'emoji': {
      const server = await startEmojiServer(s.listen);
      log(`listening on ${formatHostPort({ ...s.listen, port: server.port })}`);
      return () => server.close();
    }
    case 'voting': {
      const server = await startVotingServer(s);
      log(`listening on ${formatHostPort({ ...s.listen, port: server.port })}`);
      return () => server.close();
    }
    case 'web': {
      const server = await startWebServer(s);
      log(
        `listening on ${formatHostPort({ ...s.listen, port: server.port })} (emoji ${s.emoji.authority} via ${formatHostPort(s.emoji.dial)}, voting ${s.voting.authority} via ${formatHostPort(s.voting.dial)})`,
      );
      return () => server.close();
    }
    case 'vote-bot': {
      const bot = new VoteBot(s);
      bot.start();
      log(`visiting ${s.web.authority} via ${formatHostPort(s.web.dial)}, ${s.rate} visits/s`);
      const report = setInterval(() => {
        const statuses = [...bot.stats.statuses].map(([code, n]) => `${code}=${n}`).join(' ');
        log(`${bot.stats.visits} visits, responses ${statuses || 'none yet'}`);
      }, 30_000);
      return async () => {
        clearInterval(report);
        bot.stop();
      };
    }
  }
}

let stop: () => Promise<void>;
try {
  stop = await start(settings);
} catch (err) {
  process.stderr.write(`emojivoto ${settings.service}: cannot start: ${(err as Error).message}\n`);
  process.exit(1);
}
let stopping = false;
const onSignal = (signal: string) => {
  if (stopping) process.exit(1);
  stopping = true;
  log(`${signal}: stopping`);
  void stop().then(() => process.exit(0));
};
process.on('SIGTERM', () => onSignal('SIGTERM'));
process.on('SIGINT', () => onSignal('SIGINT'));
