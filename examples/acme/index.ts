export { acmeV1, acmeV2 } from './adapters';
export { AcmeConfig, type AcmeConnectorOptions, acme, createAcmeConnector } from './connector';
