/**
 * Lifeline: the identity connector SDK that assumes the connector will fail.
 * The root entry re-exports the public API; it never imports an optional backend.
 */
export * from './adapters';
export * from './audit';
export * from './connector';
export * from './errors';
export * from './lifecycle';
export * from './model';
export * from './resilience';
export * from './revocation';
export * from './stores';
export * from './telemetry';
export { PACKAGE_NAME, VERSION } from './version';
