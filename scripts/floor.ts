/**
 * The start-up floor of `npm run bench` (scenarios C and F), bundled with ncc like dist/ and run with
 * the action's environment: the least an honest one-generation run does with the packages the action
 * cannot start without (@actions/core, undici, zod, yaml). It reads the input token and masks it,
 * reads `.layer/generations.yml` from the workspace, parses it with yaml and checks it with a small
 * zod schema, sends the one estimate request with undici, checks the answer, and writes the total
 * as an output through @actions/core. It has none of the action's reporting (job summary, JSON
 * report, annotations), its retries or its messages: that is what the start-up ratio measures.
 */
import * as core from '@actions/core'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Agent, request } from 'undici'
import { parse } from 'yaml'
import { z } from 'zod'

const Manifest = z.object({
  version: z.literal(1),
  workspace_id: z.uuid(),
  models: z.record(z.string(), z.string()),
  defaults: z.object({ batch_size: z.int().positive() }).partial().optional(),
  generations: z.array(
    z.object({
      name: z.string(),
      model_id: z.string(),
      prompt: z.string(),
      width: z.int().positive(),
      height: z.int().positive(),
      runs: z.int().positive().default(1),
    }),
  ),
})
const Answer = z.object({ estimated_price_creative_units: z.number(), has_sufficient_creative_units: z.boolean() })

const token = core.getInput('layer-token', { required: true })
core.setSecret(token)
const apiUrl = core.getInput('api-url').replace(/\/$/, '')
const file = join(process.env.GITHUB_WORKSPACE ?? process.cwd(), '.layer', 'generations.yml')
const manifest = Manifest.parse(parse(await readFile(file, 'utf8')))
const [generation] = manifest.generations
if (generation === undefined || manifest.generations.length !== 1) throw new Error(`${file}: the floor prices one generation`)
const body = {
  model_id: manifest.models[generation.model_id] ?? generation.model_id,
  prompt: generation.prompt,
  width: generation.width,
  height: generation.height,
  batch_size: manifest.defaults?.batch_size,
}
// One connection, closed at the end as the action's client does (an idle keep-alive socket would
// otherwise hold the process open).
const agent = new Agent({ connections: 1 })
try {
  const answer = await request(`${apiUrl}/v1/workspaces/${manifest.workspace_id}/inferences/estimate`, {
    method: 'POST',
    dispatcher: agent,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  })
  if (answer.statusCode !== 200) throw new Error(`Layer answered ${answer.statusCode}`)
  const estimate = Answer.parse(await answer.body.json())
  core.setOutput('total-creative-units', String(estimate.estimated_price_creative_units * generation.runs))
  core.setOutput('sufficient', String(estimate.has_sufficient_creative_units))
} finally {
  await agent.close()
}
