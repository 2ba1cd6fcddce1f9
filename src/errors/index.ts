export { classifyHttp, type ClassifyHttpOptions, type HttpResponseLike } from './classifyHttp';
export { classifyNetworkError, type ClassifyNetworkErrorOptions } from './classifyNetworkError';
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
export { formatIssues, issuesFromZod } from './issuesFromZod';
