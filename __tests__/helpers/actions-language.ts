/**
 * Validates workflow and action files with GitHub's Actions language service (the engine of the
 * official editor extension), in a child process run by tsx: the service imports JSON without import
 * attributes, which Node's ESM and Jest's module system refuse (Jest warns today and throws in its
 * next major); tsx's loader accepts them. Reads an ActionsLanguageRequest as JSON on stdin and
 * writes one list of diagnostics per document as JSON on stdout.
 */
import { validate, type ActionsMetadataProvider } from '@actions/languageservice'

/** What the service needs to know of an action a step uses; without `inputs`, its inputs are not checked. */
export interface KnownAction {
  name: string
  description: string
  inputs?: Record<string, { description: string; required?: boolean; default?: string; deprecationMessage?: string }>
  outputs?: Record<string, { description: string }>
}

export interface ActionsLanguageRequest {
  /** uri decides the kind: a path ending in action.yml is an action, anything else a workflow. */
  documents: { uri: string; text: string }[]
  /** "owner/name" (or "owner/name/path") -> its metadata; a step using any other action is an error. */
  actions: Record<string, KnownAction>
}

/** The lean shape of the service's Diagnostic that the tests read. */
export interface ActionsDiagnostic {
  severity?: number
  message: string
  range: { start: { line: number; character: number } }
}

async function main(): Promise<void> {
  let input = ''
  for await (const chunk of process.stdin) input += String(chunk)
  const request = JSON.parse(input) as ActionsLanguageRequest
  const actionsMetadataProvider: ActionsMetadataProvider = {
    fetchActionMetadata: async (action) => {
      const key = [action.owner, action.name, action.path].filter(Boolean).join('/')
      return Object.hasOwn(request.actions, key) ? request.actions[key] : undefined
    },
  }
  const results: ActionsDiagnostic[][] = []
  for (const [index, document] of request.documents.entries()) {
    // The service caches a parse by uri: each document gets one of its own (a folder per document
    // keeps the file name, which decides the kind). validate() reads uri and getText() only; the
    // full TextDocument type is the editor's.
    const uri = document.uri.replace(/^file:\/\/\//, `file:///${index}/`)
    const textDocument = { uri, getText: () => document.text } as Parameters<typeof validate>[0]
    const diagnostics = await validate(textDocument, { actionsMetadataProvider })
    results.push(
      diagnostics.map(({ severity, message, range }) => ({
        severity,
        message: typeof message === 'string' ? message : message.value,
        range,
      })),
    )
  }
  process.stdout.write(JSON.stringify(results))
}

await main()
