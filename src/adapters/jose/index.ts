export { createTokenVerifier, explainTokenError, type TokenVerifier, type TokenVerifierOptions } from './verifier.ts';
export { issueToken, type IssueTokenOptions } from './issue.ts';
