import type { z } from 'zod';
import { isLifelineError } from '../../errors';
import type { ScimHttp } from './ScimHttp';
import {
  SCIM_URN,
  type ScimResourceType,
  type ScimSchemaDefinition,
  type ScimServiceProviderConfig,
} from './scimWire';

/** What a SCIM server can do, from /ServiceProviderConfig and /ResourceTypes. */
export interface ScimCapabilities {
  /** Whether /ServiceProviderConfig answered (false: defaults were assumed). */
  readonly discovered: boolean;
  /** PATCH is supported (config `patch` overrides; turned off at run time after a 501/405). */
  patch: boolean;
  /** ETags are supported: writes send `If-Match` (unless config `useEtag` is false). */
  readonly etag: boolean;
  /** Filters are supported; otherwise lookups scan pages client-side. */
  readonly filter: boolean;
  /** The server's `filter.maxResults`, when it said. */
  readonly filterMaxResults: number | undefined;
  readonly sort: boolean;
  readonly bulk: boolean;
  /** The Users endpoint, e.g. `/Users`. */
  readonly userEndpoint: string;
  /** The Groups endpoint, or undefined when the server has no Group resource type. */
  readonly groupEndpoint: string | undefined;
  /** Whether the User resource type declares the enterprise extension. */
  readonly enterpriseExtension: boolean;
  /** Authentication scheme types the server advertises. */
  readonly authenticationSchemes: readonly string[];
}

type ResourceType = z.output<typeof ScimResourceType>;
type SchemaDefinition = z.output<typeof ScimSchemaDefinition>;

const cache = new WeakMap<object, Promise<ScimCapabilities>>();

const PLAIN_PATH = /^\/[A-Za-z0-9._~-]{1,128}$/;

function itemsOf<T>(value: T[] | { Resources?: T[] | undefined }): T[] {
  return Array.isArray(value) ? value : (value.Resources ?? []);
}

async function optional<T>(load: () => Promise<T>): Promise<T | undefined> {
  try {
    return await load();
  } catch (error) {
    // Servers that do not implement a discovery endpoint: assume the RFC defaults.
    if (isLifelineError(error, 'not_found') || isLifelineError(error, 'unsupported')) return undefined;
    if (isLifelineError(error, 'permanent') && error.context.status === 405) return undefined;
    throw error;
  }
}

/** Reads /ServiceProviderConfig and /ResourceTypes (each optional) into capabilities. */
async function discover(http: ScimHttp): Promise<ScimCapabilities> {
  const spc = await optional(
    async () =>
      (
        await http.read<ScimServiceProviderConfig>(
          { method: 'GET', path: '/ServiceProviderConfig' },
          'serviceProviderConfig',
        )
      ).value,
  );
  const types = await optional(async () =>
    itemsOf(
      (
        await http.read<ResourceType[] | { Resources?: ResourceType[] }>(
          { method: 'GET', path: '/ResourceTypes' },
          'resourceTypes',
        )
      ).value,
    ),
  );
  const user = types?.find((t) => t.schema === SCIM_URN.user || t.name === 'User');
  const group = types?.find((t) => t.schema === SCIM_URN.group || t.name === 'Group');
  const endpoint = (t: ResourceType | undefined, fallback: string) =>
    t !== undefined && PLAIN_PATH.test(t.endpoint) ? t.endpoint : fallback;
  const { config } = http.ctx;
  return {
    discovered: spc !== undefined,
    patch:
      config.patch === 'never' ? false : config.patch === 'always' ? true : (spc?.patch?.supported ?? true),
    etag: spc?.etag?.supported ?? false,
    filter: spc?.filter?.supported ?? true,
    filterMaxResults: spc?.filter?.maxResults,
    sort: spc?.sort?.supported ?? false,
    bulk: spc?.bulk?.supported ?? false,
    userEndpoint: endpoint(user, '/Users'),
    groupEndpoint:
      types === undefined ? '/Groups' : group === undefined ? undefined : endpoint(group, '/Groups'),
    enterpriseExtension:
      user?.schemaExtensions?.some((e) => e.schema === SCIM_URN.enterpriseUser) ?? types === undefined,
    authenticationSchemes: (spc?.authenticationSchemes ?? []).flatMap((s) =>
      s.type === undefined ? [] : [s.type],
    ),
  };
}

/**
 * The capabilities of the server a binding talks to, discovered once per
 * binding (keyed by its validated config object) and shared by concurrent
 * calls. A failed discovery is not cached; `refresh` discovers again.
 *
 * @example
 * ```ts
 * const caps = await scimCapabilities(http);
 * if (caps.patch) await patchUser(); else await putUser();
 * ```
 */
export function scimCapabilities(
  http: ScimHttp,
  options: { refresh?: boolean } = {},
): Promise<ScimCapabilities> {
  const key = http.ctx.config as object;
  const cached = cache.get(key);
  if (cached !== undefined && options.refresh !== true) return cached;
  const pending = discover(http);
  cache.set(key, pending);
  pending.catch(() => {
    if (cache.get(key) === pending) cache.delete(key);
  });
  return pending;
}

/** Names of the User schema's attributes from /Schemas (empty when the server has no /Schemas). */
export async function scimUserAttributes(http: ScimHttp): Promise<string[]> {
  const schemas = await optional(async () =>
    itemsOf(
      (
        await http.read<SchemaDefinition[] | { Resources?: SchemaDefinition[] }>(
          { method: 'GET', path: '/Schemas' },
          'schemas',
        )
      ).value,
    ),
  );
  const user = schemas?.find((s) => s.id === SCIM_URN.user);
  return (user?.attributes ?? []).map((a) => a.name);
}
