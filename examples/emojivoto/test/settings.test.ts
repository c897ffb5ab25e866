import { describe, expect, it } from 'vitest';
import { parseHostPort } from '../src/address.ts';
import { SettingError, SettingsError } from '../src/setting-error.ts';
import { readSettings } from '../src/settings.ts';

describe('parseHostPort', () => {
  it('reads names, IPv4 and bracketed IPv6', () => {
    expect(parseHostPort('emoji-svc.default.svc.cluster.local:8080', 'x')).toEqual({
      host: 'emoji-svc.default.svc.cluster.local',
      port: 8080,
    });
    expect(parseHostPort('127.0.1.3:4140', 'x')).toEqual({ host: '127.0.1.3', port: 4140 });
    expect(parseHostPort('[::1]:80', 'x')).toEqual({ host: '::1', port: 80 });
  });

  it.each(['', 'web', 'web:', ':80', 'web:0', 'web:70000', 'we b:80', 'http://web:80'])(
    'refuses %j naming the setting',
    (text) => {
      expect(() => parseHostPort(text, '--web-addr')).toThrow(SettingError);
      expect(() => parseHostPort(text, '--web-addr')).toThrow(/^--web-addr: expected host:port/);
    },
  );
});

describe('readSettings', () => {
  it('takes flags over variables over defaults', () => {
    const s = readSettings(['voting', '--listen', '127.0.1.4:9000'], {
      EMOJIVOTO_LISTEN: '127.0.0.1:1',
      EMOJIVOTO_DOUGHNUT_FAILURE_RATE: '0.25',
    });
    expect(s).toEqual({
      service: 'voting',
      listen: { host: '127.0.1.4', port: 9000 },
      doughnutFailureRate: 0.25,
    });
    expect(readSettings(['emoji'], {})).toEqual({
      service: 'emoji',
      listen: { host: '127.0.0.1', port: 8080 },
    });
  });

  it('dials the proxy and names the service in the authority in explicit mode', () => {
    const s = readSettings(['web', '--proxy', '127.0.1.2:4140'], {
      EMOJIVOTO_EMOJI_ADDR: 'emoji-svc.default.svc.cluster.local:8080',
      EMOJIVOTO_VOTING_ADDR: 'voting-svc.default.svc.cluster.local:8080',
    });
    expect(s.service === 'web' && s.emoji).toEqual({
      authority: 'emoji-svc.default.svc.cluster.local:8080',
      dial: { host: '127.0.1.2', port: 4140 },
    });
    const direct = readSettings(['vote-bot', '--web-addr', '10.0.0.2:8080'], {});
    expect(direct).toEqual({
      service: 'vote-bot',
      web: { authority: '10.0.0.2:8080', dial: { host: '10.0.0.2', port: 8080 } },
      rate: 5,
      doughnutShare: 0.2,
    });
  });

  it('reports every problem at once, naming the flag or variable and the value', () => {
    let error: unknown;
    try {
      readSettings(['web', '--listen', 'nope'], { EMOJIVOTO_VOTING_ADDR: 'voting:99999' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as SettingsError).problems).toEqual([
      '--emoji-addr (or EMOJIVOTO_EMOJI_ADDR): required: host:port of the emoji service',
      'EMOJIVOTO_VOTING_ADDR: expected host:port, e.g. 127.0.0.1:8080 or emoji-svc.default.svc.cluster.local:8080 (port 1-65535), got "voting:99999"',
      '--listen: expected host:port, e.g. 127.0.0.1:8080 or emoji-svc.default.svc.cluster.local:8080, got "nope"',
    ]);
    expect(() => readSettings(['vote-bot', '--web-addr', 'w:1', '--rate', '0'], {})).toThrow(
      '--rate: expected a number of visits per second above 0 and at most 1000, got "0"',
    );
    expect(() => readSettings(['voting'], { EMOJIVOTO_DOUGHNUT_FAILURE_RATE: '1.5' })).toThrow(
      'EMOJIVOTO_DOUGHNUT_FAILURE_RATE: expected a number from 0 to 1, got "1.5"',
    );
  });

  it('refuses an unknown service and flags another service takes', () => {
    expect(() => readSettings(['db'], {})).toThrow(
      'service: expected one of web, emoji, voting, vote-bot, got "db"',
    );
    expect(() => readSettings(['emoji', '--rate', '3'], {})).toThrow(
      /emoji flags: expected flags among --listen/,
    );
  });
});
