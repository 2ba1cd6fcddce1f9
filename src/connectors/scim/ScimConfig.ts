import { z } from 'zod';
import { IdentityKind } from '../../model';

/** Enterprise extension attributes a kind rule may test. */
export const EnterpriseAttribute = z.enum([
  'employeeNumber',
  'costCenter',
  'organization',
  'division',
  'department',
]);
/** One of {@link EnterpriseAttribute}. */
export type EnterpriseAttribute = z.infer<typeof EnterpriseAttribute>;

const NonHumanKind = IdentityKind.exclude(['human']);
const Values = z.union([z.string().min(1).max(256), z.array(z.string().min(1).max(256)).min(1).max(64)]);

function compiles(source: string): boolean {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}

/**
 * One rule that marks SCIM users as non-human. Exactly one criterion per rule:
 * a `userType` value, an enterprise extension attribute value, or a regular
 * expression on `userName`. Values compare case-insensitively.
 *
 * @example
 * ```ts
 * const rules: KindRule[] = [
 *   { kind: 'service_account', userType: ['Service', 'ServiceAccount'] },
 *   { kind: 'bot', userNamePattern: '^bot-' },
 *   { kind: 'workload', enterprise: { attribute: 'department', values: 'Workloads' } },
 * ];
 * ```
 */
export const KindRule = z
  .strictObject({
    kind: NonHumanKind,
    userType: Values.optional(),
    enterprise: z.strictObject({ attribute: EnterpriseAttribute, values: Values }).optional(),
    userNamePattern: z
      .string()
      .min(1)
      .max(512)
      .refine(compiles, 'must be a valid regular expression (unicode mode)')
      .optional(),
  })
  .refine(
    (rule) =>
      [rule.userType, rule.enterprise, rule.userNamePattern].filter((criterion) => criterion !== undefined)
        .length === 1,
    { message: 'must set exactly one of userType, enterprise, userNamePattern' },
  );
/** One kind rule (see {@link KindRule}). */
export type KindRule = z.input<typeof KindRule>;

/** Rules applied when the config sets none: the common `userType` spellings of service accounts and bots. */
export const DEFAULT_KIND_RULES: readonly KindRule[] = [
  { kind: 'service_account', userType: ['service', 'serviceaccount', 'service_account', 'service account'] },
  { kind: 'bot', userType: ['bot'] },
];

/**
 * Config of the SCIM 2.0 connector. The bearer token comes from the credential
 * provider, never from config.
 *
 * @example
 * ```ts
 * const config: ScimConfigInput = {
 *   baseUrl: 'https://idp.example.com/scim/v2',
 *   kindRules: [{ kind: 'service_account', userNamePattern: '^svc-' }],
 * };
 * ```
 */
export const ScimConfig = z.object({
  /** The SCIM base URL, e.g. `https://host/scim/v2` (a trailing slash is dropped). */
  baseUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(2048)
    .transform((url) => url.replace(/\/+$/, '')),
  /** The tenant this binding talks to (for audit and resilience). */
  tenant: z.string().min(1).max(512).optional(),
  /** Users per page for lists (`count`). */
  pageSize: z.int().min(1).max(1000).default(100),
  /** Send `If-Match` with the resource's version on writes when the server advertises ETag support. */
  useEtag: z.boolean().default(true),
  /** PATCH use: `auto` follows /ServiceProviderConfig and falls back to PUT on 501/405; `never` always PUTs. */
  patch: z.enum(['auto', 'always', 'never']).default('auto'),
  /**
   * How a group membership is removed: `path` (`members[value eq "id"]`),
   * `valueArray` (`path: members, value: [{ value: id }]`), or `auto` (path, then the value array on 400).
   */
  memberRemoval: z.enum(['auto', 'path', 'valueArray']).default('auto'),
  /** Rules that mark users as non-human, first match wins; everyone else is `human`. */
  kindRules: z
    .array(KindRule)
    .max(64)
    .default(DEFAULT_KIND_RULES as KindRule[]),
  /** Most users scanned client-side when the server cannot filter (no filter support, or a filter it rejects). */
  scanLimit: z.int().min(1).max(1_000_000).default(10_000),
  /** Largest response body read, in bytes. */
  maxBodyBytes: z
    .int()
    .min(1024)
    .max(256 * 1024 * 1024)
    .default(10 * 1024 * 1024),
});
/** The validated config. */
export type ScimConfig = z.output<typeof ScimConfig>;
/** What `scim.with()` accepts. */
export type ScimConfigInput = z.input<typeof ScimConfig>;
