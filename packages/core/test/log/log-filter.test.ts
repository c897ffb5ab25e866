import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { DEFAULT_LOG_FILTER, LogFilter, mapLinkerdTarget } from '../../src/log/log-filter.js';
import { ReloadableLogFilter } from '../../src/log/reloadable-log-filter.js';

describe('LogFilter', () => {
  it("applies linkerd2-proxy's default filter to Skein targets", () => {
    const f = LogFilter.parse(DEFAULT_LOG_FILTER);
    expect(f.defaultLevel).toBe('warn');
    expect(f.levelFor('skein')).toBe('info');
    expect(f.levelFor('skein::proxy::inbound')).toBe('info');
    expect(f.levelFor('hickory')).toBe('error');
    expect(f.levelFor('hickory::resolver')).toBe('error');
    expect(f.levelFor('hickory_resolver')).toBe('warn');
    expect(f.levelFor('skeins')).toBe('warn');
    expect(f.levelFor('app')).toBe('warn');
    expect(f.levelFor('')).toBe('warn');
    expect(f.toString()).toBe(DEFAULT_LOG_FILTER);
  });

  it('accepts the injector filter with span directives and ignores the spans', () => {
    const text = 'warn,linkerd=info,hickory=error,[{headers}]=off,[{request}]=off';
    const f = LogFilter.parse(text);
    expect(f.spanDirectives).toEqual(['[{headers}]=off', '[{request}]=off']);
    expect(f.levelFor('skein::proxy')).toBe('info');
    expect(f.toString()).toBe(text);
    const spans = LogFilter.parse('info,skein[accept{client.addr="10.0.0.1:80",a=b}]=trace,[span]');
    expect(spans.spanDirectives).toHaveLength(2);
    expect(spans.levelFor('skein')).toBe('info');
  });

  it('maps linkerd:: paths onto skein:: and picks the longest prefix', () => {
    const f = LogFilter.parse('linkerd::proxy=debug,linkerd=info,skein::proxy::inbound=error,error');
    expect(f.levelFor('skein::proxy')).toBe('debug');
    expect(f.levelFor('skein::proxy::outbound::balance')).toBe('debug');
    expect(f.levelFor('skein::proxy::inbound')).toBe('error');
    expect(f.levelFor('skein::proxy::inbound::policy')).toBe('error');
    expect(f.levelFor('skein::proxyish')).toBe('info');
    expect(f.levelFor('skein::discovery')).toBe('info');
    expect(f.levelFor('other')).toBe('error');
    expect(f.directives.map((d) => d.skeinTarget)).toEqual([
      'skein::proxy::inbound',
      'skein::proxy',
      'skein',
    ]);
  });

  it('handles bare levels, off, bare targets, case and duplicates', () => {
    expect(LogFilter.parse('info').levelFor('skein::x')).toBe('info');
    expect(LogFilter.parse('off').levelFor('skein::x')).toBe('off');
    expect(LogFilter.parse('skein::tap').levelFor('skein::tap::hub')).toBe('trace');
    expect(LogFilter.parse('skein::tap').levelFor('skein::proxy')).toBe('off');
    const f = LogFilter.parse(' WARN , Linkerd=INFO ,linkerd2_proxy=debug,');
    expect(f.toString()).toBe('warn,Linkerd=info,linkerd2_proxy=debug');
    expect(f.levelFor('skein')).toBe('debug');
    expect(f.levelFor('Linkerd')).toBe('info');
    expect(LogFilter.parse('info,debug').defaultLevel).toBe('debug');
    expect(f.enabled('skein::x', 'debug')).toBe(true);
    expect(f.enabled('other', 'info')).toBe(false);
    expect(f.enabled('other', 'fatal')).toBe(true);
  });

  it.each([
    ['', 'no directive'],
    ['   ', 'no directive'],
    [',,', 'no directive'],
    ['loud!', '"loud!"'],
    ['linkerd=loud', '"loud"'],
    ['=info', '""'],
    ['a=b=c', '"c" in "a=b=c" is not a level'],
    ['linkerd==info', '"linkerd="'],
    ['linkerd=info,foo bar', '"foo bar"'],
    ['a.b=info', '"a.b"'],
    ['::x=info', '"::x"'],
    ['[unclosed', 'not balanced'],
    ['a]', 'not balanced'],
    ['"quoted', 'not balanced'],
    ['x{y}=off', 'span directive'],
    ['[{headers}]=never', '"never"'],
  ])('refuses %j', (text, why) => {
    let caught: unknown;
    try {
      LogFilter.parse(text, 'LINKERD2_PROXY_LOG');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const err = caught as ConfigError;
    expect(err.variable).toBe('LINKERD2_PROXY_LOG');
    expect(err.value).toBe(text);
    expect(err.message).toContain(why);
    expect(err.message).toContain('warn,linkerd=info,hickory=error');
  });

  it('maps Linkerd targets as documented', () => {
    expect(mapLinkerdTarget('linkerd')).toBe('skein');
    expect(mapLinkerdTarget('linkerd2_proxy')).toBe('skein');
    expect(mapLinkerdTarget('linkerd::proxy::http')).toBe('skein::proxy::http');
    expect(mapLinkerdTarget('linkerd2_proxy::app')).toBe('skein::app');
    expect(mapLinkerdTarget('linkerd_app_inbound')).toBe('linkerd_app_inbound');
    expect(mapLinkerdTarget('skein::tap')).toBe('skein::tap');
    expect(mapLinkerdTarget('h2')).toBe('h2');
  });
});

describe('ReloadableLogFilter', () => {
  it('replaces the filter and keeps the old one when the new one is invalid', () => {
    const r = new ReloadableLogFilter('warn');
    expect(r.generation).toBe(0);
    expect(r.levelFor('skein::proxy')).toBe('warn');
    r.set('linkerd=debug,info');
    expect(r.generation).toBe(1);
    expect(r.levelFor('skein::proxy')).toBe('debug');
    expect(r.toString()).toBe('linkerd=debug,info');
    expect(() => r.set('linkerd=chatty', 'proxy-log-level')).toThrow(
      /invalid proxy-log-level="linkerd=chatty": expected/,
    );
    expect(r.generation).toBe(1);
    expect(r.toString()).toBe('linkerd=debug,info');
    r.set(LogFilter.parse('off'));
    expect(r.levelFor('skein')).toBe('off');
  });

  it('refuses an invalid initial filter', () => {
    expect(() => new ReloadableLogFilter('nope=nope')).toThrow(ConfigError);
  });
});
