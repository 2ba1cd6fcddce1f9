import { defineAdapter } from '../../adapters';
import {
  ScimError,
  ScimGroup,
  ScimGroupList,
  ScimResourceTypes,
  ScimSchemas,
  ScimServiceProviderConfig,
  ScimUser,
  ScimUserList,
} from './scimWire';

/** The object kinds of {@link scimAdapter}, one per SCIM payload the connector reads. */
export type ScimPayloadKind =
  | 'user'
  | 'group'
  | 'userList'
  | 'groupList'
  | 'error'
  | 'serviceProviderConfig'
  | 'resourceTypes'
  | 'schemas';

/**
 * The wire schemas of SCIM 2.0 (RFC 7643/7644) as a Lifeline adapter: every
 * payload the connector reads goes through `readPayload(scimAdapter, kind, body)`,
 * so a payload that does not fit is a `schema_drift` error with a diff and a
 * shape fingerprint, never a silent success. Mapping to the canonical model
 * happens in the connector, because it depends on config (kind rules).
 *
 * @example
 * ```ts
 * const { value } = readPayload(scimAdapter, 'user', body, { operation: 'account.get' });
 * ```
 */
export const scimAdapter = defineAdapter({
  version: 'scim-2.0',
  schemas: {
    user: ScimUser,
    group: ScimGroup,
    userList: ScimUserList,
    groupList: ScimGroupList,
    error: ScimError,
    serviceProviderConfig: ScimServiceProviderConfig,
    resourceTypes: ScimResourceTypes,
    schemas: ScimSchemas,
  },
});
