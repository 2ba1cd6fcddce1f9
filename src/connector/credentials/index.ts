export type { CredentialProvider, GetCredentialOptions } from './CredentialProvider';
export { type OAuth2ClientCredentialsOptions, oauth2ClientCredentials } from './oauth2ClientCredentials';
export { staticCredential } from './staticCredential';
