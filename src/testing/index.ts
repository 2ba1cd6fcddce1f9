/**
 * Test utilities for connector authors (`lifeline/testing`): the fault-injecting
 * fake target and conformance checks live here.
 */
export { VERSION } from '../version';
