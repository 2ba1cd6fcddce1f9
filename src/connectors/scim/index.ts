export { classifyScimError, type ScimFailure, scimTypeOf } from './classifyScimError';
export {
  createScimConnector,
  SCIM_CONNECTOR_VERSION,
  type ScimConnectorOptions,
  scim,
} from './createScimConnector';
export { decodeListCursor, encodeListCursor, type ListCursor } from './listCursor';
export { resolveAccountKind, userTypeFor } from './resolveAccountKind';
export type { ScimCapabilities } from './ScimCapabilities';
export {
  DEFAULT_KIND_RULES,
  EnterpriseAttribute,
  KindRule,
  ScimConfig,
  type ScimConfigInput,
} from './ScimConfig';
export { type ScimPayloadKind, scimAdapter } from './scimAdapter';
export { sameUserName, scimEq, scimString } from './scimFilter';
export {
  SCIM_URN,
  ScimEnterpriseUser,
  ScimError,
  ScimGroup,
  ScimGroupList,
  ScimMultiValue,
  ScimResourceTypes,
  ScimSchemas,
  ScimServiceProviderConfig,
  ScimUser,
  ScimUserList,
  scimListOf,
} from './scimWire';
export { toAccount } from './toAccount';
