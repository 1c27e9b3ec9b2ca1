/**
 * RFC 8785 JSON Canonicalization Scheme (JCS).
 *
 * {@link canonicalize} turns a JSON-compatible JavaScript value into the one
 * canonical JSON text RFC 8785 defines for it, so that equal data always hashes
 * and signs to equal bytes. The input domain is I-JSON (RFC 7493) as RFC 8785
 * §3.1 requires: `null`, booleans, finite numbers, well-formed Unicode strings,
 * arrays, and plain objects. Everything else is rejected with a
 * {@link WritError} of code `JCS_INVALID_INPUT` rather than silently repaired,
 * because a repaired value would hash differently from what the caller meant.
 *
 * Choices made where JavaScript offers more than JSON:
 * - An object property whose value is `undefined` is omitted (as `JSON.stringify`
 *   does); `undefined` anywhere else (top level, array element, array hole) is rejected.
 * - `bigint`, functions, symbols, and enumerable symbol-keyed properties are rejected
 *   (`JSON.stringify` would throw on some and silently drop others).
 * - Only plain objects (prototype `Object.prototype` or `null`) and arrays are
 *   containers. `Date`, `Map`, boxed primitives, typed arrays, class instances and
 *   the like are rejected; `toJSON` is never called.
 * - Cyclic structures are rejected. Shared (acyclic) references are fine.
 * - Nesting depth is limited only by memory: the serializer does not recurse.
 *
 * @module
 */
import { WritError } from '../errors/writ-error.ts';

const encoder = new TextEncoder();

/** Longest property name quoted verbatim in an error location. */
const MAX_KEY_IN_PATH = 40;

/**
 * True when `s` is well-formed UTF-16: every high surrogate (U+D800–U+DBFF) is
 * immediately followed by a low surrogate (U+DC00–U+DFFF) and no low surrogate
 * stands alone. RFC 8785 §3.2.2.2 (Note) requires a JCS implementation to
 * terminate with an error on lone surrogates; this is the test it applies.
 *
 * @example
 * ```ts
 * isWellFormedUnicode('\ud83d\ude00'); // true  (U+1F600 as a surrogate pair)
 * isWellFormedUnicode('\udead');       // false (lone low surrogate)
 * ```
 */
export function isWellFormedUnicode(s: string): boolean {
  return firstLoneSurrogate(s) === -1;
}

/** Index of the first lone surrogate code unit in `s`, or -1. */
function firstLoneSurrogate(s: string): number {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff) {
      const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    }
    return i;
  }
  return -1;
}

/** The two-character escapes RFC 8785 §3.2.2.2 mandates for U+0008, U+0009, U+000A, U+000C, U+000D. */
const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  0x08: '\\b',
  0x09: '\\t',
  0x0a: '\\n',
  0x0c: '\\f',
  0x0d: '\\r',
};

/**
 * Serialize a string per RFC 8785 §3.2.2.2: `"` and `\` become `\"` and `\\`;
 * U+0008/9/A/C/D become `\b \t \n \f \r`; every other code point below U+0020
 * becomes `\u00hh` with lowercase hex; everything else is emitted as is.
 * Lone surrogates are an error (§3.2.2.2, Note). Returns `undefined` on a lone
 * surrogate so the caller can attach the location.
 */
function serializeString(s: string): string | undefined {
  let out = '"';
  let runStart = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c && (c < 0xd800 || c > 0xdfff)) continue;
    if (c >= 0xd800 && c <= 0xdfff) {
      // Surrogates: a high one followed by a low one is a valid pair, emitted as is.
      const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return undefined;
    }
    out += s.slice(runStart, i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else out += SHORT_ESCAPES[c] ?? `\\u00${c.toString(16).padStart(2, '0')}`;
    runStart = i + 1;
  }
  return out + s.slice(runStart) + '"';
}

/**
 * Serialize a number per RFC 8785 §3.2.2.3: the ECMAScript Number::toString
 * algorithm (ECMA-262 §7.1.12.1 incl. Note 2), which is exactly what the
 * JavaScript engine's `String(n)` implements. `-0` serializes as `0`.
 * Returns `undefined` for NaN and ±Infinity, which §3.2.2.3 requires be rejected.
 */
function serializeNumber(n: number): string | undefined {
  if (!Number.isFinite(n)) return undefined;
  return Object.is(n, -0) ? '0' : String(n);
}

/** An open container on the explicit serialization stack. */
type Frame =
  | { readonly kind: 'array'; readonly value: readonly unknown[]; index: number }
  | {
      readonly kind: 'object';
      readonly value: Record<string, unknown>;
      readonly keys: readonly string[];
      index: number;
      wrote: boolean;
      key: string;
    };

/** A JSONPath-like location of the value currently being serialized, for error messages. */
function locate(stack: readonly Frame[]): string {
  let path = '$';
  for (const frame of stack) {
    if (frame.kind === 'array') {
      path += `[${frame.index - 1}]`;
    } else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(frame.key) && frame.key.length <= MAX_KEY_IN_PATH) {
      path += `.${frame.key}`;
    } else {
      const shown =
        frame.key.length > MAX_KEY_IN_PATH ? `${frame.key.slice(0, MAX_KEY_IN_PATH)}…` : frame.key;
      // JSON.stringify here only renders the key readably (lone surrogates become \uXXXX).
      path += `[${JSON.stringify(shown)}]`;
    }
  }
  return path;
}

function reject(stack: readonly Frame[], what: string): never {
  throw new WritError('JCS_INVALID_INPUT', `JCS: ${what} at ${locate(stack)}`);
}

/** A short human description of an unsupported object, for error messages. */
function describeObject(value: object): string {
  const proto: unknown = Object.getPrototypeOf(value);
  const ctor =
    proto !== null && typeof proto === 'object' && 'constructor' in proto
      ? (proto as { constructor?: unknown }).constructor
      : undefined;
  const name =
    typeof ctor === 'function' && ctor !== Object && ctor.name !== ''
      ? ctor.name
      : 'object with a custom prototype';
  return `unsupported ${name} (only plain objects and arrays are allowed)`;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Canonicalize `value` per RFC 8785 (JSON Canonicalization Scheme) and return
 * the canonical JSON text as a JavaScript string.
 *
 * Implements RFC 8785 §3.2: no whitespace (§3.2.1); literals, strings and numbers
 * serialized per §3.2.2.1–§3.2.2.3; object properties sorted recursively by
 * their names' UTF-16 code units, array order preserved (§3.2.3). Input must be
 * I-JSON (§3.1): see the module comment for exactly what is accepted.
 *
 * @throws {WritError} `JCS_INVALID_INPUT` for NaN/±Infinity, lone surrogates in
 *   strings or property names, `undefined` outside an object property, bigint,
 *   functions, symbols, non-plain objects, and cycles. The message names the
 *   offending location, e.g. `JCS: number NaN is not allowed at $.a[2]`.
 *
 * @example
 * ```ts
 * canonicalize({ b: [1e30, 4.5, -0], a: 'caf\u00e9\n' });
 * // '{"a":"café\\n","b":[1e+30,4.5,0]}'
 * canonicalize({ x: undefined, y: null }); // '{"y":null}'
 * canonicalize([undefined]);               // throws WritError JCS_INVALID_INPUT
 * ```
 */
export function canonicalize(value: unknown): string {
  const parts: string[] = [];
  const stack: Frame[] = [];
  const open = new Set<object>();

  /** Emit a primitive, or open a container by pushing a frame. */
  const emit = (v: unknown): void => {
    if (typeof v === 'string') {
      const s = serializeString(v);
      if (s === undefined) reject(stack, 'string contains a lone surrogate');
      parts.push(s);
      return;
    }
    if (typeof v === 'number') {
      const s = serializeNumber(v);
      if (s === undefined) reject(stack, `number ${String(v)} is not allowed`);
      parts.push(s);
      return;
    }
    if (typeof v === 'boolean') {
      parts.push(v ? 'true' : 'false');
      return;
    }
    if (typeof v === 'undefined') reject(stack, 'undefined is not allowed');
    if (typeof v === 'bigint') {
      reject(stack, 'bigint is not allowed (convert it to a string or a safe number first)');
    }
    if (typeof v === 'symbol') reject(stack, 'symbol is not allowed');
    if (typeof v === 'function') reject(stack, 'function is not allowed');
    if (v === null) {
      parts.push('null');
      return;
    }
    const obj = v as object;
    if (open.has(obj)) reject(stack, 'cyclic structure');
    if (Array.isArray(obj)) {
      open.add(obj);
      parts.push('[');
      stack.push({ kind: 'array', value: obj, index: 0 });
      return;
    }
    if (!isPlainObject(obj)) reject(stack, describeObject(obj));
    for (const sym of Object.getOwnPropertySymbols(obj)) {
      if (Object.prototype.propertyIsEnumerable.call(obj, sym)) {
        reject(stack, `symbol-keyed property ${String(sym)} is not allowed`);
      }
    }
    // §3.2.3: sort by UTF-16 code units. The default sort comparator compares
    // strings code unit by code unit, which is exactly that order.
    const keys = Object.keys(obj).sort();
    open.add(obj);
    parts.push('{');
    stack.push({ kind: 'object', value: obj, keys, index: 0, wrote: false, key: '' });
  };

  emit(value);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.kind === 'array') {
      if (frame.index < frame.value.length) {
        if (frame.index > 0) parts.push(',');
        const element = frame.value[frame.index];
        frame.index++;
        emit(element);
        continue;
      }
      parts.push(']');
    } else {
      let advanced = false;
      while (frame.index < frame.keys.length) {
        const key = frame.keys[frame.index]!;
        frame.index++;
        frame.key = key;
        const member = frame.value[key];
        if (member === undefined) continue; // omitted, as JSON.stringify does
        const name = serializeString(key);
        if (name === undefined) reject(stack, 'property name contains a lone surrogate');
        parts.push(frame.wrote ? `,${name}:` : `${name}:`);
        frame.wrote = true;
        emit(member);
        advanced = true;
        break;
      }
      if (advanced) continue;
      parts.push('}');
    }
    open.delete(frame.value);
    stack.pop();
  }
  return parts.join('');
}

/**
 * Canonicalize `value` per RFC 8785 and return the canonical text UTF-8 encoded
 * (RFC 8785 §3.2.4): the exact bytes to hash or sign.
 *
 * @throws {WritError} `JCS_INVALID_INPUT` in the same cases as {@link canonicalize}.
 *
 * @example
 * ```ts
 * const bytes = canonicalizeToBytes({ b: 2, a: '\u20ac' });
 * new TextDecoder().decode(bytes); // '{"a":"€","b":2}'
 * bytes.length;                    // 17 (the euro sign is 3 bytes in UTF-8)
 * ```
 */
export function canonicalizeToBytes(value: unknown): Uint8Array {
  // canonicalize() guarantees well-formed UTF-16, so this encoding is lossless.
  return encoder.encode(canonicalize(value));
}
