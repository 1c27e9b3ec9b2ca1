/**
 * Fitting a JSON value onto a type of the bundle schema: projection and type check
 * in one pass, compiled once per type into a closure (a decision runs it on every
 * attribute, so nothing is resolved or looked up per call).
 *
 * - Records keep only declared attributes (absent and null ones are left out) and
 *   require the required ones: undeclared attributes are dropped because strict
 *   validation guarantees no policy of the bundle can read them.
 * - Lists become sets; strings, integers and booleans must have their declared type.
 * - Strings declared as an extension type (`datetime`, `decimal`, `ipaddr`,
 *   `duration`) must have its format and become `{ __extn: … }` values.
 * - Entity references cannot come from an intent and are refused.
 *
 * Each type also compiles to a {@link QuickFit}: the same projection and checks without
 * diagnostics, run first; the diagnosing fit runs only when a value does not fit.
 *
 * This is what Cedar's request validation (`validateRequest`, schema-based entity
 * parsing) checks for the values an intent can carry. Doing it here lets evaluation
 * send Cedar only the attributes its policies read (`action-plan.ts`) while every
 * declared attribute is still checked, as strict validation would.
 *
 * @module
 */
import { isIP } from 'node:net';
import type { SchemaType } from './schema-model.ts';

/**
 * A compiled fit: returns the projected value, appending problems (with `path`) to `errors`.
 *
 * @example
 * ```ts
 * const errors: string[] = [];
 * const attrs = fit({ tier: 'prod', extra: 1 }, 'resource.attrs', errors); // { tier: 'prod' }
 * ```
 */
export type Fit = (value: unknown, path: string, errors: string[]) => unknown;

/** The number written by the digits of `s` from `from` to `to` (exclusive), or -1. */
function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * `YYYY-MM-DDTHH:MM:SS.sssZ` (what `Date#toISOString` writes, e.g. `context.now`) with
 * every field in range: a datetime the general check below accepts too, found without
 * a regular expression or `Date.parse`.
 */
function isCanonicalUtc(s: string): boolean {
  if (s.length !== 24 || s[4] !== '-' || s[7] !== '-' || s[10] !== 'T' || s[13] !== ':' || s[16] !== ':' || s[19] !== '.' || s[23] !== 'Z') return false;
  const month = digits(s, 5, 7);
  const day = digits(s, 8, 10);
  const hour = digits(s, 11, 13);
  const minute = digits(s, 14, 16);
  const second = digits(s, 17, 19);
  return digits(s, 0, 4) >= 0 && digits(s, 20, 23) >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59;
}

const FORMATS: Readonly<Record<string, (s: string) => boolean>> = {
  datetime: (s) =>
    isCanonicalUtc(s) ||
    (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{3})?(Z|[+-]\d{4}))?$/.test(s) &&
      !Number.isNaN(Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')))),
  decimal: (s) => /^-?\d{1,15}\.\d{1,4}$/.test(s),
  duration: (s) => /^-?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/.test(s) && /\d/.test(s),
  ipaddr: (s) => {
    const [addr, prefix, extra] = s.split('/');
    if (extra !== undefined || !addr) return false;
    const v = isIP(addr);
    if (v === 0) return false;
    return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (v === 4 ? 32 : 128));
  },
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function extension(name: string): Fit {
  const valid = FORMATS[name] ?? (() => false);
  return (v, path, errors) => {
    // A string is the intent's form; an __extn object is what the mapping builds itself (context.now).
    const arg = typeof v === 'string' ? v : isPlainObject(v) && isPlainObject(v.__extn) && v.__extn.fn === name ? v.__extn.arg : undefined;
    if (typeof arg !== 'string' || !valid(arg)) {
      errors.push(`${path}: expected a ${name} string`);
      return v;
    }
    return { __extn: { fn: name, arg } };
  };
}

/**
 * Compiles the fit of `type`; `resolve` follows common-type references (see
 * `SchemaModel.resolve`). Use `SchemaModel.fit`, which caches compiled fits.
 *
 * @example
 * ```ts
 * const fit = compileFit((t) => model.resolve(t), { type: 'Set', element: { type: 'String' } });
 * fit(['a', 1], 'tags', errors); // errors: ['tags[1]: expected a string']
 * ```
 */
export function compileFit(resolve: (t: SchemaType) => SchemaType, type: SchemaType): Fit {
  const t = resolve(type);
  switch (t.type) {
    case 'String':
      return (v, path, errors) => {
        if (typeof v !== 'string') errors.push(`${path}: expected a string`);
        return v;
      };
    case 'Long':
      return (v, path, errors) => {
        if (!Number.isSafeInteger(v)) errors.push(`${path}: expected an integer`);
        return v;
      };
    case 'Boolean':
    case 'Bool':
      return (v, path, errors) => {
        if (typeof v !== 'boolean') errors.push(`${path}: expected true or false`);
        return v;
      };
    case 'Set': {
      const element = t.element ? compileFit(resolve, t.element) : undefined;
      return (v, path, errors) => {
        if (!Array.isArray(v) || !element) {
          errors.push(`${path}: expected a list`);
          return v;
        }
        const out = new Array<unknown>(v.length);
        for (let i = 0; i < v.length; i++) out[i] = element(v[i], `${path}[${i}]`, errors);
        return out;
      };
    }
    case 'Record': {
      const attrs = Object.entries(t.attributes ?? {}).map(([key, at]) => ({ key, required: at.required !== false, fit: compileFit(resolve, at) }));
      return (v, path, errors) => {
        if (!isPlainObject(v)) {
          errors.push(`${path}: expected an object`);
          return v;
        }
        const out: Record<string, unknown> = {};
        for (const a of attrs) {
          const x = Object.hasOwn(v, a.key) ? v[a.key] : undefined;
          if (x === undefined || x === null) {
            if (a.required) errors.push(`${path}.${a.key}: required`);
          } else {
            out[a.key] = a.fit(x, `${path}.${a.key}`, errors);
          }
        }
        return out;
      };
    }
    case 'Extension':
      return extension(t.name ?? '');
    case 'Entity':
      return (v, path, errors) => {
        errors.push(`${path}: entity references (${t.name}) cannot be given in an intent`);
        return v;
      };
    default:
      return (v, path, errors) => {
        errors.push(`${path}: unsupported schema type ${t.type}`);
        return v;
      };
  }
}

/**
 * What a {@link QuickFit} returns when the value does not fit (the caller then runs the
 * {@link Fit} of the same type to find out why).
 *
 * @example
 * ```ts
 * if (quick(value) === NO_FIT) fit(value, 'context', errors);
 * ```
 */
export const NO_FIT: unique symbol = Symbol('no fit');

/**
 * A compiled fit without diagnostics, for the common case of a value that fits: the
 * same projected value as the {@link Fit} of the same type, or {@link NO_FIT} exactly
 * when that fit would report a problem. It builds no paths or messages.
 *
 * @example
 * ```ts
 * const attrs = quick({ tier: 'prod', extra: 1 }); // { tier: 'prod' }
 * quick({ tier: 1 });                              // NO_FIT
 * ```
 */
export type QuickFit = (value: unknown) => unknown;

function quickExtension(name: string): QuickFit {
  const valid = FORMATS[name] ?? (() => false);
  return (v) => {
    const arg = typeof v === 'string' ? v : isPlainObject(v) && isPlainObject(v.__extn) && v.__extn.fn === name ? v.__extn.arg : undefined;
    return typeof arg === 'string' && valid(arg) ? { __extn: { fn: name, arg } } : NO_FIT;
  };
}

/**
 * Compiles the {@link QuickFit} of `type`: {@link compileFit} without the diagnostics.
 * Use `SchemaModel.quickFit`, which caches compiled fits.
 *
 * @example
 * ```ts
 * const quick = compileQuickFit((t) => model.resolve(t), { type: 'Set', element: { type: 'String' } });
 * quick(['a', 'b']); // ['a', 'b']
 * quick(['a', 1]);   // NO_FIT
 * ```
 */
export function compileQuickFit(resolve: (t: SchemaType) => SchemaType, type: SchemaType): QuickFit {
  const t = resolve(type);
  switch (t.type) {
    case 'String':
      return (v) => (typeof v === 'string' ? v : NO_FIT);
    case 'Long':
      return (v) => (Number.isSafeInteger(v) ? v : NO_FIT);
    case 'Boolean':
    case 'Bool':
      return (v) => (typeof v === 'boolean' ? v : NO_FIT);
    case 'Set': {
      const element = t.element ? compileQuickFit(resolve, t.element) : undefined;
      if (!element) return () => NO_FIT;
      return (v) => {
        if (!Array.isArray(v)) return NO_FIT;
        const out = new Array<unknown>(v.length);
        for (let i = 0; i < v.length; i++) {
          const x = element(v[i]);
          if (x === NO_FIT) return NO_FIT;
          out[i] = x;
        }
        return out;
      };
    }
    case 'Record': {
      const attrs = Object.entries(t.attributes ?? {}).map(([key, at]) => ({ key, required: at.required !== false, fit: compileQuickFit(resolve, at) }));
      return (v) => {
        if (!isPlainObject(v)) return NO_FIT;
        const out: Record<string, unknown> = {};
        for (const a of attrs) {
          const x = Object.hasOwn(v, a.key) ? v[a.key] : undefined;
          if (x === undefined || x === null) {
            if (a.required) return NO_FIT;
          } else {
            const y = a.fit(x);
            if (y === NO_FIT) return NO_FIT;
            out[a.key] = y;
          }
        }
        return out;
      };
    }
    case 'Extension':
      return quickExtension(t.name ?? '');
    default:
      // Entity references and unsupported types never fit.
      return () => NO_FIT;
  }
}
