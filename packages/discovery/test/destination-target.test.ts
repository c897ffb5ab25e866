import { describe, expect, it } from 'vitest';
import { DestinationError } from '../src/index.js';
import { parseContextToken, parseDestinationPath, parseServiceName } from '../src/server/index.js';

describe('parseDestinationPath', () => {
  it('normalizes host:port, IPs and the default port', () => {
    expect(parseDestinationPath('Web.NS.svc.cluster.local.')).toEqual({
      authority: 'web.ns.svc.cluster.local:80',
      host: 'web.ns.svc.cluster.local',
      port: 80,
      isIp: false,
    });
    expect(parseDestinationPath('[fd00::1]:8080')).toMatchObject({ host: 'fd00::1', port: 8080, isIp: true });
    expect(parseDestinationPath('10.0.0.1:9')).toMatchObject({ host: '10.0.0.1', isIp: true });
  });

  it('throws InvalidArgument naming the path', () => {
    for (const bad of ['', 'a b:80', 'web:99999', 'http://web']) {
      expect(() => parseDestinationPath(bad)).toThrow(DestinationError);
      expect(() => parseDestinationPath(bad)).toThrow(`invalid authority ${JSON.stringify(bad)}`);
    }
  });
});

describe('parseServiceName', () => {
  it('reads service and pod-hostname names under the cluster domain only', () => {
    expect(parseServiceName('web.ns.svc.cluster.local', 'cluster.local')).toEqual({
      namespace: 'ns',
      name: 'web',
      fqdn: 'web.ns.svc.cluster.local',
    });
    expect(parseServiceName('web-0.web.ns.svc.example.org', 'example.org')).toEqual({
      namespace: 'ns',
      name: 'web',
      hostname: 'web-0',
      fqdn: 'web.ns.svc.example.org',
    });
    for (const bad of [
      'web.ns.svc.cluster.local',
      'ns.svc.example.org',
      'a.b.c.ns.svc.example.org',
      'example.org',
    ]) {
      expect(parseServiceName(bad, 'example.org'), bad).toBeUndefined();
    }
  });
});

describe('parseContextToken', () => {
  it('reads the JSON and legacy forms, and anything else as empty', () => {
    expect(parseContextToken('{"ns":"ns-1","nodeName":"node-1","pod":"p"}\n')).toEqual({
      namespace: 'ns-1',
      nodeName: 'node-1',
      pod: 'p',
    });
    expect(parseContextToken('ns:ns-2')).toEqual({ namespace: 'ns-2', nodeName: '', pod: '' });
    for (const other of ['', '123fa-test', '{"ns": 5}', '{bad json', '[1]', 'ns:', undefined]) {
      expect(parseContextToken(other), String(other)).toEqual({ namespace: '', nodeName: '', pod: '' });
    }
  });
});
