/**
 * What a generation of the bench's manifests sends to Layer beside the model and the defaults
 * (batch_size 2), by its variant: scripts/bench.ts writes it as YAML for the action, and
 * scripts/bare-client.ts sends it as is, so both price the same bodies.
 */
export function variantFields(variant: number): { prompt: string; width: number; height: number } {
  return { prompt: `concept art variant ${variant}`, width: 512 + (variant % 4) * 128, height: 1024 }
}

/** The defaults every bench manifest sets (and the bare client sends). */
export const BENCH_BATCH_SIZE = 2
