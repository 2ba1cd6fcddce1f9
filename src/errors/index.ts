export { type ClassifyHttpOptions, classifyHttp, type HttpResponseLike } from './classifyHttp';
export { type ClassifyNetworkErrorOptions, classifyNetworkError } from './classifyNetworkError';
export { formatIssues, issuesFromZod } from './issuesFromZod';
export {
  ERROR_CODES,
  type ErrorCode,
  type ErrorContext,
  isLifelineError,
  LifelineError,
  type LifelineErrorOptions,
} from './LifelineError';
export { MAX_RETRY_AFTER_MS, parseRetryAfter } from './retryAfter';
export { sanitizeUrl } from './sanitizeUrl';
export * from './taxonomy';
