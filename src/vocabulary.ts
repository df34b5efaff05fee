/**
 * Who a message speaks to. The action's user sets inputs and a secret in a workflow; the CLI's user
 * sets flags and an environment variable in a shell. Shared code (config, workspace, layer, plan)
 * words its messages through one of these rather than keeping a copy of each message per audience.
 * This module imports nothing.
 */
export interface Vocabulary {
  /** A setting in running text: "`api-url`" for the action, "`--api-url`" for the CLI. */
  setting(name: string): string
  /** A setting named as what it is: "the `workspace-id` input", "`--workspace-id`". */
  named(name: string): string
  /** Where the Layer token is set. */
  token: string
  /** The token's setting by its bare name: "`layer-token`", "LAYER_API_TOKEN". */
  tokenName: string
  /** A rule's setting in the parenthesis after a verdict's figures: "max-total", "--max-total". */
  rule(name: string): string
  /** How to price more generations than one run may: several jobs, or several runs of the CLI. */
  split: string
  /** What to do again after a passing trouble: "re-run the job", "run it again". */
  rerun: string
  /** Whose network a connection failure points at. */
  network: string
  /** What the user runs: "the action", "the CLI". */
  tool: string
}

/** The action's words: inputs, the `layer-token` secret, the job. */
export const ACTION_WORDS: Vocabulary = {
  setting: (name) => `\`${name}\``,
  named: (name) => `the \`${name}\` input`,
  token: 'the `layer-token` secret (LAYER_API_TOKEN for the CLI)',
  tokenName: '`layer-token`',
  rule: (name) => name,
  split: 'split them across several jobs, each with its own `manifest` input',
  rerun: 're-run the job',
  network: "the runner's network",
  tool: 'the action',
}

/** The CLI's words: flags, LAYER_API_TOKEN, the command. */
export const CLI_WORDS: Vocabulary = {
  setting: (name) => `\`--${name}\``,
  named: (name) => `\`--${name}\``,
  token: 'LAYER_API_TOKEN',
  tokenName: 'LAYER_API_TOKEN',
  rule: (name) => `--${name}`,
  split: 'split them across several runs of the CLI, each naming its own manifests',
  rerun: 'run it again',
  network: 'your network',
  tool: 'the CLI',
}
