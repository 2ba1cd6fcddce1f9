import { z } from 'zod';
import { InvalidInputError, isLifelineError, issuesFromZod } from '../errors';
import { isSecret, secretRegistry } from '../model';

/** What replaces a `Secret` or a value under a secret-named key. */
export const SECRET_PLACEHOLDER = '[secret]';

/** Names of the string detectors; a scrubbed value reads `[redacted:<name>]`. */
export type DetectorName = 'jwt' | 'bearer' | 'key' | 'private_key' | 'url_credentials' | 'entropy';

/**
 * Removes secret values from anything about to be written to an audit sink, a
 * span, a log or an error message.
 */
export interface Redactor {
  /**
   * Returns a redacted deep copy: `Secret` instances and values under secret-named
   * keys become `[secret]`; strings are scrubbed by the detectors; errors become
   * plain `{ name, code, message }` objects. The input is never mutated.
   */
  redact<T>(value: T): T;
  /** Scrubs one string with the detectors. */
  redactString(value: string): string;
  /** True when `key` names a secret field (case-insensitive). */
  isSecretKey(key: string): boolean;
}

/** Options of {@link createRedactor}. */
export interface RedactorOptions {
  /** Extra key names (exact, case-insensitive) or patterns whose values are removed. */
  readonly secretKeys?: readonly (string | RegExp)[];
  /** Schemas whose fields marked with `secret()` (via `secretRegistry`) are removed by key. */
  readonly schemas?: readonly z.ZodType[];
  /** Minimum Shannon entropy (bits per character) of a token flagged as a secret. Default 3.5. */
  readonly entropyThreshold?: number;
  /** Minimum length of a token checked for entropy. Default 20. */
  readonly minEntropyLength?: number;
  /** Turns off the entropy detector (the pattern detectors stay). Default true. */
  readonly entropy?: boolean;
  /** Deepest level walked; deeper values become `[truncated]`. Default 32. */
  readonly maxDepth?: number;
}

const Options = z.strictObject({
  secretKeys: z.array(z.union([z.string().min(1), z.instanceof(RegExp)])).optional(),
  schemas: z.array(z.custom<z.ZodType>((v) => v instanceof z.ZodType, 'must be a zod schema')).optional(),
  entropyThreshold: z.number().min(0).max(8).optional(),
  minEntropyLength: z.int().min(8).max(4096).optional(),
  entropy: z.boolean().optional(),
  maxDepth: z.int().min(1).max(256).optional(),
});

/** Key suffixes (lowercased, `-`/`_` removed) that always name a secret. */
const SECRET_KEY_SUFFIXES = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'authorization',
  'privatekey',
  'cookie',
  'credentials',
  'signature',
];

/** Keys that end like a secret but hold metadata. */
const NOT_SECRET_KEYS = new Set(['tokentype', 'secretref']);

// One pass per detector; each pattern is anchored on a cheap literal prefix.
const DETECTORS: readonly { name: DetectorName; pattern: RegExp; keep?: (match: string) => string }[] = [
  {
    name: 'private_key',
    pattern:
      /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|$)/g,
  },
  { name: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g },
  {
    name: 'bearer',
    pattern: /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{16,}/gi,
    keep: (match) => `${match.slice(0, match.search(/\s/))} `,
  },
  {
    name: 'key',
    pattern:
      /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|(?:AKIA|ASIA)[A-Z0-9]{16}|[sr]k_(?:live|test)_[A-Za-z0-9]{10,}|glpat-[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{36}|AIza[A-Za-z0-9_-]{35}|sk-[A-Za-z0-9_-]{20,})/g,
  },
  {
    name: 'url_credentials',
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):[^\s@/]+@/gi,
    keep: (match) => `${match.slice(0, match.lastIndexOf(':'))}:`,
  },
];

const QUICK_CHECK =
  /eyJ|Bearer|Basic|BEGIN|gh[pousr]_|github_pat_|xox|AKIA|ASIA|k_live_|k_test_|glpat-|npm_|AIza|sk-|:\/\//i;
const TOKEN = /[A-Za-z0-9+/_=.~-]+/g;

/**
 * Shannon entropy of `s` in bits per character.
 *
 * @example
 * ```ts
 * shannonEntropy('aaaa'); // 0
 * ```
 */
export function shannonEntropy(s: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * Whether a token looks like a random secret rather than an identifier, a
 * hash or a timestamp: long, upper and lower case and digits, high entropy,
 * and switching character class often (random strings do; camelCase words and
 * `svc-ci-2024` do not). Hex-only tokens (SHA-256 hashes of the audit chain,
 * UUIDs, trace ids) have no upper case and are never flagged by this detector.
 */
function looksRandom(token: string, minLength: number, threshold: number): boolean {
  if (token.length < minLength) return false;
  let upper = 0;
  let lower = 0;
  let digit = 0;
  let switches = 0;
  let previous = 0;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    let cls = 4;
    if (c >= 65 && c <= 90) {
      upper++;
      cls = 1;
    } else if (c >= 97 && c <= 122) {
      lower++;
      cls = 2;
    } else if (c >= 48 && c <= 57) {
      digit++;
      cls = 3;
    }
    if (cls !== previous) switches++;
    previous = cls;
  }
  if (upper < 2 || lower < 2 || digit < 2) return false;
  if (switches / token.length < 0.4) return false;
  return shannonEntropy(token) >= threshold;
}

/** Whether `s` has upper case, lower case and digits: a precondition of {@link looksRandom}, checked in one pass. */
function hasMixedClasses(s: string): boolean {
  let seen = 0;
  for (let i = 0; i < s.length && seen !== 7; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) seen |= 1;
    else if (c >= 97 && c <= 122) seen |= 2;
    else if (c >= 48 && c <= 57) seen |= 4;
  }
  return seen === 7;
}

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, '');
}

/** Collects the keys of object fields whose schema is registered in `secretRegistry`. */
function secretKeysOf(schema: z.ZodType, into: Set<string>, seen: Set<unknown>): void {
  if (seen.has(schema)) return;
  seen.add(schema);
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
  const shape = def.shape as Record<string, z.ZodType> | undefined;
  if (def.type === 'object' && shape) {
    for (const [key, field] of Object.entries(shape)) {
      if (isRegisteredSecret(field)) into.add(normalizeKey(key));
      secretKeysOf(field, into, seen);
    }
    return;
  }
  for (const inner of [def.innerType, def.in, def.out, def.element, def.valueType] as unknown[]) {
    if (inner instanceof z.ZodType) secretKeysOf(inner, into, seen);
  }
  if (Array.isArray(def.options)) {
    for (const option of def.options) if (option instanceof z.ZodType) secretKeysOf(option, into, seen);
  }
}

function isRegisteredSecret(schema: z.ZodType): boolean {
  let current: unknown = schema;
  for (let i = 0; i < 8 && current instanceof z.ZodType; i++) {
    if (secretRegistry.has(current)) return true;
    const def = (current as unknown as { _zod: { def: { innerType?: unknown } } })._zod.def;
    current = def.innerType;
  }
  return false;
}

/**
 * Creates a {@link Redactor}. It is fast enough to run on every audit event,
 * span attribute and log line: strings shorter than 12 characters are returned
 * as is, and the pattern detectors only run when a cheap pre-check matches.
 *
 * @example
 * ```ts
 * const redactor = createRedactor({ schemas: [AcmeConfig] });
 * redactor.redact({ apiKey: 'k', note: 'Bearer abc.def.ghi' });
 * // { apiKey: '[secret]', note: 'Bearer [redacted:bearer]' }
 * ```
 */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  const parsed = Options.safeParse(options);
  if (!parsed.success) {
    throw new InvalidInputError('createRedactor options are invalid.', {
      issues: issuesFromZod(parsed.error),
    });
  }
  const exactKeys = new Set<string>();
  const keyPatterns: RegExp[] = [];
  for (const key of options.secretKeys ?? []) {
    if (typeof key === 'string') exactKeys.add(normalizeKey(key));
    else keyPatterns.push(key);
  }
  for (const schema of options.schemas ?? []) secretKeysOf(schema, exactKeys, new Set());
  const threshold = options.entropyThreshold ?? 3.5;
  const minLength = options.minEntropyLength ?? 20;
  const entropy = options.entropy ?? true;
  const maxDepth = options.maxDepth ?? 32;
  const keyCache = new Map<string, boolean>();

  function isSecretKey(key: string): boolean {
    const cached = keyCache.get(key);
    if (cached !== undefined) return cached;
    const normalized = normalizeKey(key);
    const result =
      exactKeys.has(normalized) ||
      (!NOT_SECRET_KEYS.has(normalized) &&
        SECRET_KEY_SUFFIXES.some((suffix) => normalized.endsWith(suffix))) ||
      keyPatterns.some((pattern) => pattern.test(key));
    if (keyCache.size < 10_000) keyCache.set(key, result);
    return result;
  }

  function redactString(value: string): string {
    if (value.length < 12) return value;
    let out = value;
    if (QUICK_CHECK.test(out)) {
      for (const detector of DETECTORS) {
        detector.pattern.lastIndex = 0;
        if (!detector.pattern.test(out)) continue;
        detector.pattern.lastIndex = 0;
        const keep = detector.keep;
        out = out.replace(
          detector.pattern,
          (match) => `${keep ? keep(match) : ''}[redacted:${detector.name}]`,
        );
      }
    }
    if (entropy && out.length >= minLength && hasMixedClasses(out)) {
      out = out.replace(TOKEN, (token) =>
        looksRandom(token, minLength, threshold) ? '[redacted:entropy]' : token,
      );
    }
    return out;
  }

  function walk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
    if (typeof value === 'string') return redactString(value);
    if (value === null || typeof value !== 'object') {
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'function' || typeof value === 'symbol') return undefined;
      return value;
    }
    if (isSecret(value)) return SECRET_PLACEHOLDER;
    if (depth >= maxDepth) return '[truncated]';
    if (seen.has(value)) return '[circular]';
    seen.add(value);
    try {
      if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1, seen));
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
      if (value instanceof Error) return redactError(value, depth, seen);
      if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return '[binary]';
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        const json = (value as { toJSON?: () => unknown }).toJSON;
        if (typeof json === 'function') return walk(json.call(value), depth + 1, seen);
        if (value instanceof Map) return walk(Object.fromEntries(value), depth + 1, seen);
        if (value instanceof Set) return walk([...value], depth + 1, seen);
        if (value instanceof URL) return redactString(value.href);
      }
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        const item = (value as Record<string, unknown>)[key];
        if (item === undefined) continue;
        out[key] =
          isSecretKey(key) && item !== null && typeof item !== 'boolean'
            ? SECRET_PLACEHOLDER
            : walk(item, depth + 1, seen);
      }
      return out;
    } finally {
      seen.delete(value);
    }
  }

  function redactError(error: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
    const out: Record<string, unknown> = { name: error.name, message: redactString(error.message) };
    if (isLifelineError(error)) {
      out.code = error.code;
      out.context = walk(error.context, depth + 1, seen);
    }
    return out;
  }

  return {
    redact: <T>(value: T): T => walk(value, 0, new WeakSet()) as T,
    redactString,
    isSecretKey,
  };
}

/**
 * The redactor with default options, shared by telemetry and the audit emitter.
 *
 * @example
 * ```ts
 * defaultRedactor.redactString('token ghp_abcdefghijklmnopqrstuvwxyz0123'); // 'token [redacted:key]'
 * ```
 */
export const defaultRedactor: Redactor = createRedactor();
