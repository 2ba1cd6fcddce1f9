export { type BindInput, type BoundConnector, bindConnector, type CallOptions } from './BoundConnector';
export { type ClassifiedFetch, type ClassifiedFetchOptions, createClassifiedFetch } from './classifiedFetch';
export * from './credentials';
export {
  type BindOptions,
  type Connector,
  type ConnectorDefinition,
  defineConnector,
  type OperationDefinition,
  type OperationHandler,
  type OperationImplementations,
  type ResolvedOperation,
} from './defineConnector';
export { type LogFields, type Logger, noopLogger } from './Logger';
export { type NodeHttpFetchOptions, nodeHttpFetch } from './nodeHttpFetch';
export type { OperationContext } from './OperationContext';
export {
  AccountRef,
  CredentialRef,
  EntitlementRef,
  isOperationName,
  OPERATION_NAMES,
  OPERATIONS,
  type OperationArgs,
  type OperationInput,
  type OperationName,
  type OperationOutput,
  type OperationResult,
  SessionRef,
} from './operations';
