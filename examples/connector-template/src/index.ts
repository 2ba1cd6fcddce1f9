export { connectorTemplateV1, connectorTemplateV2 } from './adapters';
export { CONNECTOR_ID, ConnectorTemplateConfig, connectorTemplate } from './connector';
