/** Writ's version, reported by `/openapi.json` and `writ --version`. */
export const WRIT_VERSION = '0.1.0';
