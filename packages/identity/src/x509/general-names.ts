import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/** The subject alternative names of a certificate or request, by kind, in their original order. */
export interface AltNames {
  /** DNS names. */
  dns: string[];
  /** URIs (SPIFFE ids among them). */
  uris: string[];
  /** Email addresses. */
  emails: string[];
  /** IP addresses, as text. */
  ips: string[];
  /** Every name as `DNS:…`, `URI:…`, `email:…`, `IP:…` or `other:<tag>`, in order; the first SAN is `all[0]`. */
  all: string[];
}

/** An IP address from its 4 or 16 bytes. */
export function ipText(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  const groups: string[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2)
    groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':');
}

/** Sorts the `GeneralName`s of a SAN extension into {@link AltNames}. */
export function altNamesFrom(names: readonly pkijs.GeneralName[]): AltNames {
  const out: AltNames = { dns: [], uris: [], emails: [], ips: [], all: [] };
  for (const name of names) {
    const value: unknown = name.value;
    switch (name.type) {
      case 1:
        out.emails.push(String(value));
        out.all.push(`email:${String(value)}`);
        break;
      case 2:
        out.dns.push(String(value));
        out.all.push(`DNS:${String(value)}`);
        break;
      case 6:
        out.uris.push(String(value));
        out.all.push(`URI:${String(value)}`);
        break;
      case 7: {
        const ip = value instanceof asn1js.OctetString ? ipText(value.valueBlock.valueHexView) : '?';
        out.ips.push(ip);
        out.all.push(`IP:${ip}`);
        break;
      }
      default:
        out.all.push(`other:${name.type}`);
    }
  }
  return out;
}

/** The SAN extension value (DER) holding DNS names. */
export function dnsAltNamesExtensionValue(dnsNames: readonly string[]): ArrayBuffer {
  return new pkijs.GeneralNames({
    names: dnsNames.map((value) => new pkijs.GeneralName({ type: 2, value })),
  })
    .toSchema()
    .toBER(false);
}

/** The common name in a distinguished name, or `undefined`. */
export function commonNameOf(name: pkijs.RelativeDistinguishedNames): string | undefined {
  for (const tv of name.typesAndValues) {
    if (tv.type === '2.5.4.3') {
      const block: unknown = tv.value.valueBlock;
      if (block !== null && typeof block === 'object' && 'value' in block) return String(block.value);
    }
  }
  return undefined;
}

/** The DER of a parsed name: the bytes it was read from, else a fresh encoding. */
export function nameDer(name: pkijs.RelativeDistinguishedNames): Uint8Array {
  return name.valueBeforeDecode.byteLength > 0
    ? new Uint8Array(name.valueBeforeDecode)
    : new Uint8Array(name.toSchema().toBER(false));
}

/** The DER of a name holding only a common name (an empty name when `cn` is empty). */
export function commonNameDer(cn: string): Uint8Array {
  return new Uint8Array(nameWithCommonName(cn).toSchema().toBER(false));
}

/** A distinguished name holding only a common name (or nothing when `cn` is empty). */
export function nameWithCommonName(cn: string): pkijs.RelativeDistinguishedNames {
  const name = new pkijs.RelativeDistinguishedNames();
  if (cn !== '') {
    name.typesAndValues.push(
      new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: cn }) }),
    );
  }
  return name;
}
