import { HttpParseError } from './parse-error.js';

/** A header field name or method: RFC 9110 `token`. */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Characters never allowed anywhere in a message head: control characters other than HTAB,
 * CR and LF, DEL, a CR not followed by LF, and an LF not preceded by CR (RFC 9112 §2.2: bare CR
 * is invalid; we also refuse bare LF line endings rather than guess).
 */
const FORBIDDEN_IN_HEAD = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)|(?<!\r)\n/;

/** Request-target characters: visible ASCII only (no spaces, controls or raw UTF-8). */
const TARGET = /^[\x21-\x7e]+$/;

/** `Host`: a reg-name, IPv4 or bracketed IPv6 literal, optionally with a port. May be empty. */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::[0-9]*)?$/;

/** Throws 400 when the head contains a character that is never valid there. */
export function checkHeadCharacters(head: string): void {
  if (FORBIDDEN_IN_HEAD.test(head)) {
    throw new HttpParseError(400, 'message head contains a control character, a bare CR or a bare LF');
  }
}

/** Validates a request-target's characters. */
export function isValidTarget(target: string): boolean {
  return TARGET.test(target);
}

/** Validates a `Host` value. */
export function isValidHost(host: string): boolean {
  return HOST.test(host);
}

/**
 * Parses a `Content-Length` value: 1*DIGIT, at most 15 digits (safe integers). A list of
 * identical values (`42, 42`) is accepted as RFC 9110 allows; anything else returns -2.
 */
export function parseContentLength(value: string): number {
  let n = contentLengthNumber(value);
  if (n >= 0) return n;
  if (value.indexOf(',') < 0) return -2;
  n = -1;
  for (const part of value.split(',')) {
    const v = contentLengthNumber(part.trim());
    if (v < 0 || (n >= 0 && v !== n)) return -2;
    n = v;
  }
  return n;
}

function contentLengthNumber(value: string): number {
  const len = value.length;
  if (len === 0 || len > 15) return -2;
  let n = 0;
  for (let i = 0; i < len; i++) {
    const c = value.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -2;
    n = n * 10 + c;
  }
  return n;
}

/** Splits a comma-separated header value into lowercase tokens, ignoring empty elements. */
export function commaTokens(value: string): string[] {
  const out: string[] = [];
  for (const part of value.split(',')) {
    const t = part.trim();
    if (t.length > 0) out.push(t.toLowerCase());
  }
  return out;
}

/** Removes leading and trailing optional whitespace (SP / HTAB) from a field value. */
export function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end) {
    const c = value.charCodeAt(start);
    if (c !== 32 && c !== 9) break;
    start++;
  }
  while (end > start) {
    const c = value.charCodeAt(end - 1);
    if (c !== 32 && c !== 9) break;
    end--;
  }
  return start === 0 && end === value.length ? value : value.slice(start, end);
}
