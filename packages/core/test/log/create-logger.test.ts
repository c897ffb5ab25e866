import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { createLogger } from '../../src/log/create-logger.js';
import { LogFilter } from '../../src/log/log-filter.js';
import { type Logger, nullLogger } from '../../src/log/logger.js';
import { ReloadableLogFilter } from '../../src/log/reloadable-log-filter.js';

/** A real Writable that pino writes to; `lines` holds what it received. */
class LineSink extends Writable {
  readonly chunks: string[] = [];
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.chunks.push(chunk.toString());
    done();
  }
  get lines(): string[] {
    return this.chunks
      .join('')
      .split('\n')
      .filter((l) => l !== '');
  }
  json(): Record<string, unknown>[] {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

describe('createLogger (json)', () => {
  it('writes pino JSON lines honouring the filter per target', () => {
    const sink = new LineSink();
    const log = createLogger({
      filter: 'warn,linkerd=info,skein::proxy::inbound=debug',
      format: 'json',
      destination: sink,
    });
    log.info('dropped: root is at warn');
    log.warn({ port: 4191 }, 'admin listening');
    const proxy = log.child({ target: 'skein::proxy' });
    proxy.debug('dropped: skein is at info');
    proxy.info({ addr: '127.0.0.1:4140' }, 'outbound listening');
    const inbound = log.child({ target: 'skein::proxy::inbound' });
    inbound.debug('policy lookup');
    inbound.trace('dropped: trace');
    const other = log.child({ target: 'somelib' });
    other.info('dropped');
    other.error(new Error('kaboom'));

    const recs = sink.json();
    expect(recs.map((r) => r.msg)).toEqual([
      'admin listening',
      'outbound listening',
      'policy lookup',
      'kaboom',
    ]);
    expect(recs[0]).toMatchObject({ level: 'warn', port: 4191 });
    expect(recs[0]).not.toHaveProperty('target');
    expect(recs[0]).not.toHaveProperty('pid');
    expect(typeof recs[0]!.time).toBe('string');
    expect(Number.isNaN(Date.parse(recs[0]!.time as string))).toBe(false);
    expect(recs[1]).toMatchObject({ level: 'info', target: 'skein::proxy', addr: '127.0.0.1:4140' });
    expect(recs[2]).toMatchObject({ level: 'debug', target: 'skein::proxy::inbound' });
    expect(recs[3]).toMatchObject({ level: 'error', target: 'somelib' });
    expect((recs[3]!.err as { message: string; type: string }).message).toBe('kaboom');
  });

  it('reports levels and isLevelEnabled per target', () => {
    const log = createLogger({
      filter: 'warn,skein::tap=trace,skein::x=off',
      format: 'json',
      destination: new LineSink(),
    });
    expect(log.level).toBe('warn');
    expect(log.isLevelEnabled('warn')).toBe(true);
    expect(log.isLevelEnabled('info')).toBe(false);
    expect(log.isLevelEnabled('bogus')).toBe(false);
    const tap = log.child({ target: 'skein::tap::hub' });
    expect(tap.level).toBe('trace');
    expect(tap.isLevelEnabled('trace')).toBe(true);
    expect(log.child({ target: 'skein::x' }).level).toBe('silent');
    expect(log.child({ target: 'skein::x' }).isLevelEnabled('fatal')).toBe(false);
  });

  it('follows a runtime filter change and keeps child bindings with a single target', () => {
    const sink = new LineSink();
    const filter = new ReloadableLogFilter('warn');
    const log = createLogger({ filter, format: 'json', destination: sink, bindings: { pod: 'web-1' } });
    const conn = log.child({ target: 'skein::proxy' }).child({ conn: 7 });
    conn.info('before: dropped');
    filter.set('warn,linkerd::proxy=debug', 'proxy-log-level');
    conn.debug('after: written');
    expect(() => filter.set('warn,linkerd=verbose')).toThrow(ConfigError);
    conn.debug('still written: the bad filter was refused');
    conn.child({ target: 'skein::proxy', same: true }).debug('same target');
    const sub = conn.child({ target: 'skein::proxy::inbound', stream: 3 });
    sub.debug('sub');
    filter.set('error');
    conn.warn('dropped again');
    sub.error('last');

    const lines = sink.lines;
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line.match(/"target"/g)).toHaveLength(1);
    const recs = sink.json();
    expect(recs.map((r) => r.msg)).toEqual([
      'after: written',
      'still written: the bad filter was refused',
      'same target',
      'sub',
      'last',
    ]);
    expect(recs[0]).toMatchObject({ pod: 'web-1', conn: 7, target: 'skein::proxy' });
    expect(recs[2]).toMatchObject({ pod: 'web-1', conn: 7, same: true, target: 'skein::proxy' });
    expect(recs[3]).toMatchObject({ pod: 'web-1', conn: 7, stream: 3, target: 'skein::proxy::inbound' });
  });

  it('accepts a target in the root bindings and a parsed LogFilter', () => {
    const sink = new LineSink();
    const log = createLogger({
      filter: LogFilter.parse('off,skein::app=info'),
      format: 'json',
      destination: sink,
      bindings: { target: 'skein::app' },
    });
    log.info('up');
    log.child({ target: 'skein::other' }).error('dropped');
    expect(sink.json()).toEqual([expect.objectContaining({ msg: 'up', target: 'skein::app' })]);
    expect(sink.lines[0]!.match(/"target"/g)).toHaveLength(1);
  });

  it('refuses an invalid filter string', () => {
    expect(() => createLogger({ filter: 'info,=', destination: new LineSink() })).toThrow(ConfigError);
  });
});

describe('createLogger (plain)', () => {
  it('writes Linkerd-style plain lines', () => {
    const sink = new LineSink();
    const log = createLogger({ filter: 'info', format: 'plain', destination: sink });
    log.info('starting');
    log
      .child({ target: 'skein::proxy::outbound' })
      .warn({ addr: '10.0.0.1:80', reason: 'no route', n: 3 }, 'failfast');
    log.error(new Error('bad thing'), 'admin failed');
    log.debug('dropped');
    const lines = sink.lines;
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\[ +\d+\.\d{6}s\] {2}INFO starting$/);
    expect(lines[1]).toMatch(
      /^\[ +\d+\.\d{6}s\] {2}WARN skein::proxy::outbound: failfast addr=10\.0\.0\.1:80 reason="no route" n=3$/,
    );
    expect(lines[2]).toMatch(/^\[ +\d+\.\d{6}s\] ERROR admin failed error="bad thing"$/);
  });
});

describe('Logger interface', () => {
  it('is satisfied by a plain pino logger', () => {
    const sink = new LineSink();
    const logger: Logger = pino({ level: 'info', base: null }, sink);
    logger.child({ target: 'x' }).info({ a: 1 }, 'hello');
    expect(logger.isLevelEnabled('debug')).toBe(false);
    expect(sink.json()[0]).toMatchObject({ a: 1, msg: 'hello', target: 'x' });
  });

  it('has a silent null logger', () => {
    nullLogger.info('nothing');
    nullLogger.error({ a: 1 }, 'nothing');
    expect(nullLogger.child({ target: 'x' })).toBe(nullLogger);
    expect(nullLogger.isLevelEnabled('fatal')).toBe(false);
    expect(nullLogger.level).toBe('silent');
  });
});
