/**
 * Test utilities for connector authors (`lifeline/testing`): the shared store
 * conformance suite, and (as they land) the fault-injecting fake target and
 * the connector conformance kit.
 */

export { VERSION } from '../version';
export * from './conformance';
export * from './fakeTarget';
export * from './storeConformance';
