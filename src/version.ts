/** The action's version, sent to Layer in the User-Agent. Kept in step with package.json by a test. */
export const VERSION = '0.1.0'
export const USER_AGENT = `layer-budget-gate/${VERSION} (+https://github.com/marketplace/actions/layer-budget-gate)`
