import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { MeshTlsDialer } from '../../src/tls/mesh-tls-dialer.js';
import { TRANSPORT_ALPN } from '../../src/tls/tls-settings.js';
import { startEchoServer } from '../support/mesh-servers.js';
import { issueCredentials, saIdentity, TestCredentials, tempDir, testPki } from '../support/pki.js';

const pki = testPki();
const web = saIdentity('web', 'emojivoto');
const vote = saIdentity('voting', 'emojivoto');
const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Runs `openssl s_client`, sends one line, and collects everything it prints until the server closes. */
function sClient(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('openssl', ['s_client', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    // s_client may exit (a refused handshake) before or while the line is written: EPIPE is expected then.
    child.stdin.on('error', () => {});
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill(), 8000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
    // Send once the handshake is done, then let the server's answer arrive before closing stdin.
    const poll = setInterval(() => {
      if (output.includes('Verify return code') && child.exitCode === null && !child.stdin.destroyed) {
        clearInterval(poll);
        child.stdin.write('ping\n');
        setTimeout(() => child.stdin.end(), 300);
      }
    }, 20);
    child.on('close', () => clearInterval(poll));
  });
}

describe('OpenSSL interoperability', () => {
  it('openssl s_client with an issued client certificate completes mTLS with a Skein server', async () => {
    const server = await startEchoServer(new TestCredentials(issueCredentials(pki, web)));
    try {
      const client = issueCredentials(pki, vote);
      const anchors = tmp.write('anchors.pem', pki.anchors.pem);
      const cert = tmp.write('client.pem', client.certificatePem);
      const key = tmp.write('client.key', client.keyPem);
      const accepted = server.next();
      const out = await sClient([
        '-connect',
        `127.0.0.1:${server.port}`,
        '-servername',
        web,
        '-verify_hostname',
        web,
        '-verify_return_error',
        '-CAfile',
        anchors,
        '-cert',
        cert,
        '-cert_chain',
        cert,
        '-key',
        key,
        '-alpn',
        TRANSPORT_ALPN,
        '-ign_eof',
      ]);
      expect(out.output).toContain('Verify return code: 0 (ok)');
      expect(out.output).toMatch(/New, TLSv1\.3, Cipher is TLS_/);
      expect(out.output).toContain(`ALPN protocol: ${TRANSPORT_ALPN}`);
      expect(out.output).toContain(`id=${vote}`);
      const conn = await accepted;
      expect(conn).not.toBeInstanceOf(Error);
      expect(!(conn instanceof Error) && conn.peerIdentity).toBe(vote);
    } finally {
      await server.close();
    }
  });

  it('openssl s_client is refused for TLS 1.2, and fails to verify a Skein server against other anchors', async () => {
    const server = await startEchoServer(new TestCredentials(issueCredentials(pki, web)));
    try {
      const old = await sClient(['-connect', `127.0.0.1:${server.port}`, '-servername', web, '-tls1_2']);
      expect(old.code).not.toBe(0);
      expect(old.output).toMatch(/alert protocol version|no protocols available|wrong version/i);
      const other = tmp.write('other.pem', testPki({}, 'other-root').anchors.pem);
      const bad = await sClient([
        '-connect',
        `127.0.0.1:${server.port}`,
        '-servername',
        web,
        '-CAfile',
        other,
        '-verify_return_error',
      ]);
      expect(bad.code).not.toBe(0);
      expect(bad.output).toMatch(/unable to get local issuer certificate|verify error/);
    } finally {
      await server.close();
    }
  });

  it('MeshTlsDialer completes mTLS with openssl s_server presenting a Skein-issued certificate', async () => {
    const server = issueCredentials(pki, web);
    const client = issueCredentials(pki, vote);
    const child = spawn(
      'openssl',
      [
        's_server',
        '-accept',
        '0',
        '-naccept',
        '1',
        '-tls1_3',
        '-cert',
        tmp.write('srv.pem', server.certificatePem),
        '-cert_chain',
        tmp.write('srv-chain.pem', server.certificatePem),
        '-key',
        tmp.write('srv.key', server.keyPem),
        '-CAfile',
        tmp.write('anchors2.pem', pki.anchors.pem),
        '-Verify',
        '2',
        '-verify_return_error',
        '-alpn',
        `${TRANSPORT_ALPN},h2`,
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    try {
      for (let i = 0; i < 100 && !/ACCEPT .*:(\d+)/.test(output); i++)
        await new Promise((r) => setTimeout(r, 20));
      const port = Number(/ACCEPT .*:(\d+)/.exec(output)?.[1]);
      const socket = await new MeshTlsDialer(new TestCredentials(client)).connect({
        host: '127.0.0.1',
        port,
        serverName: web,
      });
      expect(socket.getProtocol()).toBe('TLSv1.3');
      expect(socket.alpnProtocol).toBe(TRANSPORT_ALPN);
      socket.write('hello from skein\n');
      for (let i = 0; i < 100 && !output.includes('hello from skein'); i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(output).toContain('hello from skein');
      expect(output).toMatch(/Client certificate[\s\S]*voting\.emojivoto/);
      socket.destroy();
    } finally {
      child.kill();
    }
  });
});
