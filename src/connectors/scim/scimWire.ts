import { z } from 'zod';

/** Schema URNs of RFC 7643 / 7644. */
export const SCIM_URN = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
} as const;

const Str = z.string().max(4096);
const Ident = z.string().min(1).max(512);

/** A non-negative integer sent as a number or a numeric string. */
const Count = z.union([
  z.int().min(0),
  z
    .string()
    .regex(/^\d{1,12}$/)
    .transform(Number),
]);

/** `true`/`false`, also sent as the strings `"true"`/`"false"` (any case) by some servers. */
const Bool = z.union([
  z.boolean(),
  z
    .string()
    .regex(/^(true|false)$/i)
    .transform((s) => s.toLowerCase() === 'true'),
]);

/** `meta` of a resource; `location` may be relative (RFC 7643 §3.1 says URI, servers send paths). */
export const ScimMeta = z.looseObject({
  resourceType: Str.optional(),
  created: Str.optional(),
  lastModified: Str.optional(),
  location: z.string().max(4096).optional(),
  version: z.string().max(1024).optional(),
});

/** One value of a multi-valued attribute (`groups`, `roles`, `entitlements`, `members`). */
export const ScimMultiValue = z.looseObject({
  value: Ident,
  display: Str.optional(),
  type: Str.optional(),
  primary: Bool.optional(),
  $ref: Str.optional(),
});
/** The parsed {@link ScimMultiValue}. */
export type ScimMultiValue = z.output<typeof ScimMultiValue>;

const MultiValued = z.array(ScimMultiValue).max(100_000);

/** The enterprise extension (RFC 7643 §4.3). */
export const ScimEnterpriseUser = z.looseObject({
  employeeNumber: Str.optional(),
  costCenter: Str.optional(),
  organization: Str.optional(),
  division: Str.optional(),
  department: Str.optional(),
  manager: z.looseObject({ value: Str.optional(), displayName: Str.optional() }).optional(),
});

/**
 * A SCIM User (RFC 7643 §4.1). Loose: attributes the connector does not model
 * are kept, so a PUT sends the resource back whole.
 */
export const ScimUser = z.looseObject({
  schemas: z.array(Str).max(64).optional(),
  id: Ident,
  externalId: Str.optional(),
  userName: Ident,
  displayName: Str.optional(),
  name: z.looseObject({ formatted: Str.optional() }).optional(),
  userType: Str.optional(),
  active: Bool.optional(),
  groups: MultiValued.optional(),
  roles: MultiValued.optional(),
  entitlements: MultiValued.optional(),
  meta: ScimMeta.optional(),
  [SCIM_URN.enterpriseUser]: ScimEnterpriseUser.optional(),
});
/** The parsed {@link ScimUser}. */
export type ScimUser = z.output<typeof ScimUser>;

/** A SCIM Group (RFC 7643 §4.2). */
export const ScimGroup = z.looseObject({
  schemas: z.array(Str).max(64).optional(),
  id: Ident,
  displayName: Str,
  members: MultiValued.optional(),
  meta: ScimMeta.optional(),
});
/** The parsed {@link ScimGroup}. */
export type ScimGroup = z.output<typeof ScimGroup>;

/**
 * A ListResponse (RFC 7644 §3.4.2). `itemsPerPage` is read but never trusted
 * (servers get it wrong); `Resources` may be absent when there are none.
 */
export function scimListOf<T extends z.ZodType>(resource: T) {
  return z.looseObject({
    schemas: z.array(Str).max(64).optional(),
    totalResults: Count.optional(),
    startIndex: Count.optional(),
    itemsPerPage: z.unknown().optional(),
    Resources: z.array(resource).max(100_000).optional(),
  });
}

/** A ListResponse of users. */
export const ScimUserList = scimListOf(ScimUser);
/** A ListResponse of groups. */
export const ScimGroupList = scimListOf(ScimGroup);

/** A SCIM error (RFC 7644 §3.12): `status` arrives as a string or a number. */
export const ScimError = z.looseObject({
  schemas: z
    .array(Str)
    .max(64)
    .refine((s) => s.includes(SCIM_URN.error), 'must name the Error schema'),
  status: z.union([
    z.int().min(100).max(599),
    z
      .string()
      .regex(/^\s*\d{3}\s*$/)
      .transform((s) => Number(s)),
  ]),
  scimType: z.string().max(128).optional(),
  detail: Str.optional(),
});
/** The parsed {@link ScimError}. */
export type ScimError = z.output<typeof ScimError>;

const Supported = z.looseObject({ supported: Bool });

/** /ServiceProviderConfig (RFC 7643 §5). */
export const ScimServiceProviderConfig = z.looseObject({
  patch: Supported.optional(),
  bulk: Supported.optional(),
  filter: z.looseObject({ supported: Bool, maxResults: Count.optional() }).optional(),
  changePassword: Supported.optional(),
  sort: Supported.optional(),
  etag: Supported.optional(),
  authenticationSchemes: z
    .array(z.looseObject({ type: Str.optional(), name: Str.optional() }))
    .max(64)
    .optional(),
});
/** The parsed {@link ScimServiceProviderConfig}. */
export type ScimServiceProviderConfig = z.output<typeof ScimServiceProviderConfig>;

/** One resource type (RFC 7643 §6). */
export const ScimResourceType = z.looseObject({
  id: Str.optional(),
  name: Str,
  endpoint: Str,
  schema: Str,
  schemaExtensions: z
    .array(z.looseObject({ schema: Str, required: Bool.optional() }))
    .max(64)
    .optional(),
});
/** /ResourceTypes: a ListResponse, or a bare array on some servers. */
export const ScimResourceTypes = z.union([z.array(ScimResourceType).max(1000), scimListOf(ScimResourceType)]);

/** One attribute definition of a schema (RFC 7643 §7). */
export const ScimAttributeDefinition = z.looseObject({
  name: Str,
  type: Str.optional(),
  multiValued: Bool.optional(),
  mutability: Str.optional(),
});
/** One schema definition (RFC 7643 §7). */
export const ScimSchemaDefinition = z.looseObject({
  id: Str,
  name: Str.optional(),
  attributes: z.array(ScimAttributeDefinition).max(10_000).optional(),
});
/** /Schemas: a ListResponse, or a bare array on some servers. */
export const ScimSchemas = z.union([
  z.array(ScimSchemaDefinition).max(1000),
  scimListOf(ScimSchemaDefinition),
]);
