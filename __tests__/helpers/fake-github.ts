/**
 * A fake GitHub (REST + GraphQL) on 127.0.0.1 that answers what the action uses, the way GitHub does:
 * issue comments (paginated with `Link` headers), create / update / delete, GraphQL `viewer`, `nodes`
 * and `minimizeComment`, the contents API (base64 JSON, the empty-content answer over 1 MiB, the raw
 * media type) and recursive git trees. Knobs make it read-only, cap the body length, truncate trees
 * and fail the next N requests of a route (502, rate limits, slow answers), or answer a route slowly
 * for good (`slow`: what GitHub says is already out of date when it lands, as when two runs race).
 * Every request is logged.
 *
 * Use `fake.url` as the Octokit `baseUrl` or as GITHUB_API_URL (GraphQL is at `${url}/graphql`).
 */
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createFakePulls, type FakePulls, type FakePullsOptions } from './fake-github-pulls.js'
import { executeGraphql, isExecutedQuery, type FakePullRequest } from './fake-github-graphql.js'

export type { FakePullRequest }

/** An issue comment as the fake stores it. */
export interface FakeComment {
  id: number
  node_id: string
  issue: number
  body: string
  login: string
  created_at: string
  updated_at: string
  /** Set by GraphQL minimizeComment (e.g. "OUTDATED"). */
  minimizedAs?: string
}

/** A file at a ref: text or bytes, or a submodule / symlink entry. */
export type FakeFile = string | Buffer | { submodule: string } | { symlink: string }

/** Answer the next `times` requests that match with this instead of the real answer. */
export interface FailureRule {
  /** HTTP method to match (any when unset). */
  method?: string
  /** Pathname to match: exact string, or a RegExp (any when unset). */
  path?: string | RegExp
  /** How many matching requests to fail (default 1). */
  times?: number
  /** Status to answer; unset: answer normally (after `delayMs`). */
  status?: number
  headers?: Record<string, string>
  /** JSON body (default `{ message: "Server Error" }`-like for the status). */
  body?: unknown
  /** A body sent as is, with a JSON content type (e.g. a cut or malformed answer); wins over `body`. */
  text?: string
  /** Wait before answering, in ms (to exercise client timeouts). */
  delayMs?: number
}

/**
 * Every matching request is answered `delayMs` late, with what was true when it ARRIVED: a listing
 * sent slowly does not show a comment created while it travelled (two racing runs both miss the other's).
 */
export interface SlowRoute {
  /** HTTP method to match (any when unset). */
  method?: string
  /** Pathname to match: exact string, or a RegExp (any when unset). */
  path?: string | RegExp
  delayMs: number
}

/** One request the fake received. */
export interface LoggedRequest {
  method: string
  /** Decoded pathname, e.g. "/repos/acme/game/issues/7/comments". */
  path: string
  query: Record<string, string>
  headers: Record<string, string | string[] | undefined>
  /** Parsed JSON body, the raw text, or undefined. */
  body: unknown
  /** Status the fake answered. */
  status: number
  /** When it arrived (ms since epoch), to measure the waits between attempts. */
  at: number
}

export interface FakeGitHubOptions {
  owner?: string
  repo?: string
  /** Login of the token's user: author of the comments it creates (default "github-actions[bot]"). */
  login?: string
  /** When set, any other token gets 401 "Bad credentials". */
  token?: string
  /** Comments present from the start, in order (ids ascending). `login` defaults to the token's user. */
  comments?: { issue: number; body: string; login?: string }[]
  /** Writes answer 403 "Resource not accessible by integration", as with a fork's read-only token. */
  readOnly?: boolean
  /** Longest accepted comment body (GitHub: 65,536). */
  maxBodyLength?: number
  /** Files per ref (branch name or SHA): path -> file. */
  files?: Record<string, Record<string, FakeFile>>
  /** Git trees answer `truncated: true` (as for a tree over 100,000 entries). */
  truncatedTrees?: boolean
  /** Content-Type of raw file answers (default "application/vnd.github.raw; charset=utf-8"). */
  rawContentType?: string
  failures?: FailureRule[]
  /** Routes that answer slowly on every request. */
  slow?: SlowRoute[]
  // --- Approved exceptions (SPEC 9): pull requests, reviews, collaborator permissions (fake-github-pulls.ts).
  approvals?: FakePullsOptions
  /** Open pull requests (SPEC section 8), answered through GraphQL (fake-github-graphql.ts). */
  pullRequests?: PullRequestSeed[]
}

/** A pull request to start with: base defaults to "main", state to OPEN. */
export type PullRequestSeed = Pick<FakePullRequest, 'number' | 'headSha'> & Partial<FakePullRequest>

/** A running fake; `close()` it in afterEach/afterAll. */
export interface FakeGitHub {
  url: string
  graphqlUrl: string
  owner: string
  repo: string
  login: string
  /** Every request, in arrival order. */
  requests: LoggedRequest[]
  /** Requests other than GET; GraphQL queries count too (they are POSTs to /graphql). */
  writes(): LoggedRequest[]
  /** Mutable: flips write permission for the next requests. */
  readOnly: boolean
  comments(issue?: number): FakeComment[]
  addComment(issue: number, body: string, login?: string): FakeComment
  setFiles(ref: string, files: Record<string, FakeFile>): void
  fail(rule: FailureRule): void
  close(): Promise<void>
  // --- Approved exceptions (SPEC 9): labels, pushes, reviews and roles, changed between runs.
  pulls: FakePulls
  /** SPEC section 8: the fake's pull requests (GraphQL `repository.pullRequests`, `node`). */
  pullRequests(): FakePullRequest[]
  addPullRequest(pr: PullRequestSeed): void
  /** A push (a new head) or a close/merge. */
  updatePullRequest(number: number, change: Partial<Omit<FakePullRequest, 'number'>>): void
}

/** A 502 Bad Gateway for the next `times` matching requests. */
export function badGateway(match: Pick<FailureRule, 'method' | 'path'>, times = 1): FailureRule {
  return { ...match, times, status: 502, body: { message: 'Server Error' } }
}

/** GitHub's secondary rate limit (403 with `retry-after`) for the next `times` matching requests. */
export function secondaryRateLimit(match: Pick<FailureRule, 'method' | 'path'>, times = 1, retryAfterSeconds = 1): FailureRule {
  return {
    ...match,
    times,
    status: 403,
    headers: { 'retry-after': String(retryAfterSeconds) },
    body: {
      message:
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000.',
      documentation_url:
        'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      status: '403',
    },
  }
}

/** GitHub's primary rate limit (403, x-ratelimit-remaining: 0, reset now) for the next `times` matching requests. */
export function primaryRateLimit(match: Pick<FailureRule, 'method' | 'path'>, times = 1): FailureRule {
  return {
    ...match,
    times,
    status: 403,
    headers: {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-used': '5000',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)),
    },
    body: {
      message: 'API rate limit exceeded for installation ID 1.',
      documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
      status: '403',
    },
  }
}

const MAX_CONTENT_OBJECT_BYTES = 1024 * 1024
const SERVER_URL = 'https://github.com'
const DOCS = 'https://docs.github.com/rest'

class HttpAnswer {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

function notFound(message = 'Not Found'): HttpAnswer {
  return new HttpAnswer(404, { message, documentation_url: DOCS, status: '404' })
}

function gitBlobSha(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex')
}

/** Base64 the way GitHub's contents API does: lines of 60 characters, each ended by "\n". */
function githubBase64(bytes: Buffer): string {
  const flat = bytes.toString('base64')
  let out = ''
  for (let i = 0; i < flat.length; i += 60) out += `${flat.slice(i, i + 60)}\n`
  return out
}

/** Starts the fake on 127.0.0.1 on a free port. */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const owner = options.owner ?? 'acme'
  const repo = options.repo ?? 'game'
  const login = options.login ?? 'github-actions[bot]'
  const maxBodyLength = options.maxBodyLength ?? 65_536
  const rawContentType = options.rawContentType ?? 'application/vnd.github.raw; charset=utf-8'
  const failures: FailureRule[] = [...(options.failures ?? [])]
  const files = new Map<string, Map<string, FakeFile>>()
  for (const [ref, byPath] of Object.entries(options.files ?? {})) files.set(ref, new Map(Object.entries(byPath)))
  const comments: FakeComment[] = []
  const pulls: FakePullRequest[] = (options.pullRequests ?? []).map((pr) => ({ base: 'main', state: 'OPEN', ...pr }))
  const requests: LoggedRequest[] = []
  const timers = new Set<NodeJS.Timeout>()
  let nextId = 1_000_001
  let url = ''

  const userId = (name: string): number => 41898282 + [...name].reduce((sum, c) => sum + c.charCodeAt(0), 0)
  const repoPath = `/repos/${owner}/${repo}`
  // --- Approved exceptions (SPEC 9): the pull-request routes live in fake-github-pulls.ts.
  const fakePulls = createFakePulls({ owner, repo, url: () => url }, options.approvals)

  function addComment(issue: number, body: string, author = login): FakeComment {
    const now = new Date(Date.UTC(2025, 0, 1) + (nextId - 1_000_000) * 1000).toISOString()
    const id = nextId++
    const comment: FakeComment = { id, node_id: `IC_kwDOfake${id}`, issue, body, login: author, created_at: now, updated_at: now }
    comments.push(comment)
    return comment
  }
  for (const c of options.comments ?? []) addComment(c.issue, c.body, c.login)

  function commentJson(c: FakeComment): Record<string, unknown> {
    const isBot = c.login.endsWith('[bot]')
    return {
      url: `${url}${repoPath}/issues/comments/${c.id}`,
      html_url: `${SERVER_URL}/${owner}/${repo}/pull/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${url}${repoPath}/issues/${c.issue}`,
      id: c.id,
      node_id: c.node_id,
      user: { login: c.login, id: userId(c.login), node_id: `U_${c.login}`, type: isBot ? 'Bot' : 'User', site_admin: false },
      created_at: c.created_at,
      updated_at: c.updated_at,
      author_association: isBot ? 'NONE' : 'MEMBER',
      body: c.body,
      performed_via_github_app: null,
    }
  }

  function forbidden(docs: string): HttpAnswer {
    return new HttpAnswer(403, { message: 'Resource not accessible by integration', documentation_url: docs, status: '403' })
  }

  function bodyTooLong(docs: string): HttpAnswer {
    return new HttpAnswer(422, {
      message: 'Validation Failed',
      errors: [
        { resource: 'IssueComment', code: 'custom', field: 'body', message: `body is too long (maximum is ${maxBodyLength} characters)` },
      ],
      documentation_url: docs,
      status: '422',
    })
  }

  function touch(c: FakeComment): void {
    c.updated_at = new Date(Math.max(Date.parse(c.updated_at) + 1000, Date.now())).toISOString()
  }

  function readBodyText(body: unknown): string | undefined {
    if (typeof body !== 'object' || body === null) return undefined
    const text = (body as Record<string, unknown>)['body']
    return typeof text === 'string' ? text : undefined
  }

  function listComments(issue: number, query: Record<string, string>, path: string): HttpAnswer {
    const perPage = Math.min(Math.max(Number(query['per_page'] ?? 30) || 30, 1), 100)
    const page = Math.max(Number(query['page'] ?? 1) || 1, 1)
    const all = comments.filter((c) => c.issue === issue)
    const last = Math.max(Math.ceil(all.length / perPage), 1)
    const slice = all.slice((page - 1) * perPage, page * perPage)
    const link = (p: number, rel: string): string => `<${url}${path}?per_page=${perPage}&page=${p}>; rel="${rel}"`
    const links: string[] = []
    if (page > 1) links.push(link(page - 1, 'prev'))
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'))
    if (page > 1) links.push(link(1, 'first'))
    return new HttpAnswer(200, slice.map(commentJson), links.length > 0 ? { link: links.join(', ') } : {})
  }

  function filesAt(ref: string | undefined): Map<string, FakeFile> | undefined {
    return files.get(ref ?? 'main')
  }

  function entryJson(path: string, file: FakeFile | 'dir', ref: string): Record<string, unknown> {
    const name = path.split('/').pop() ?? path
    const self = `${url}${repoPath}/contents/${path}?ref=${ref}`
    const base = { name, path, url: self, _links: { self } }
    if (file === 'dir') return { ...base, type: 'dir', size: 0, sha: gitBlobSha(Buffer.from(path)), content: undefined }
    if (typeof file === 'object' && 'submodule' in file) {
      return { ...base, type: 'submodule', size: 0, sha: gitBlobSha(Buffer.from(file.submodule)), submodule_git_url: file.submodule }
    }
    if (typeof file === 'object' && 'symlink' in file) {
      return { ...base, type: 'symlink', size: file.symlink.length, sha: gitBlobSha(Buffer.from(file.symlink)), target: file.symlink }
    }
    const bytes = Buffer.from(file)
    return {
      ...base,
      type: 'file',
      size: bytes.length,
      sha: gitBlobSha(bytes),
      html_url: `${SERVER_URL}/${owner}/${repo}/blob/${ref}/${path}`,
      download_url: `https://raw.githubusercontent.com/${owner}/${repo}/${ref}/${path}`,
    }
  }

  function getContents(path: string, query: Record<string, string>, accept: string): HttpAnswer | { raw: Buffer } {
    const ref = query['ref'] ?? 'main'
    const tree = filesAt(ref)
    if (!tree) return notFound(`No commit found for the ref ${ref}`)
    const file = tree.get(path)
    if (file !== undefined) {
      const json = entryJson(path, file, ref)
      const isBlob = typeof file === 'string' || Buffer.isBuffer(file)
      if (isBlob && /\braw\b/.test(accept)) return { raw: Buffer.from(file) }
      if (isBlob) {
        const bytes = Buffer.from(file)
        // Over 1 MB GitHub still answers the object, with empty content and encoding "none".
        if (bytes.length > MAX_CONTENT_OBJECT_BYTES) return new HttpAnswer(200, { ...json, content: '', encoding: 'none' })
        return new HttpAnswer(200, { ...json, content: githubBase64(bytes), encoding: 'base64' })
      }
      return new HttpAnswer(200, json)
    }
    const prefix = path === '' ? '' : `${path}/`
    const children = new Map<string, FakeFile | 'dir'>()
    for (const [p, f] of tree) {
      if (!p.startsWith(prefix)) continue
      const rest = p.slice(prefix.length).split('/')
      const child = `${prefix}${rest[0]}`
      children.set(child, rest.length > 1 ? 'dir' : f)
    }
    if (children.size === 0) return notFound()
    return new HttpAnswer(
      200,
      [...children].map(([p, f]) => entryJson(p, f, ref)),
    )
  }

  function getTree(ref: string, recursive: boolean): HttpAnswer {
    const tree = filesAt(ref)
    if (!tree) return notFound()
    const entries = new Map<string, Record<string, unknown>>()
    for (const [path, file] of tree) {
      const parts = path.split('/')
      for (let i = 1; i < parts.length; i++) {
        const dir = parts.slice(0, i).join('/')
        if (!entries.has(dir)) entries.set(dir, { path: dir, mode: '040000', type: 'tree', sha: gitBlobSha(Buffer.from(dir)) })
      }
      if (typeof file === 'object' && 'submodule' in file) {
        entries.set(path, { path, mode: '160000', type: 'commit', sha: gitBlobSha(Buffer.from(file.submodule)) })
      } else {
        const bytes = typeof file === 'object' && 'symlink' in file ? Buffer.from(file.symlink) : Buffer.from(file)
        const mode = typeof file === 'object' && 'symlink' in file ? '120000' : '100644'
        entries.set(path, { path, mode, type: 'blob', sha: gitBlobSha(bytes), size: bytes.length })
      }
    }
    const tree_ = [...entries.values()]
      .filter((e) => recursive || !String(e['path']).includes('/'))
      .sort((a, b) => String(a['path']).localeCompare(String(b['path'])))
      .map((e) => ({ ...e, url: `${url}${repoPath}/git/${e['type'] === 'tree' ? 'trees' : 'blobs'}/${String(e['sha'])}` }))
    return new HttpAnswer(200, {
      sha: gitBlobSha(Buffer.from(ref)),
      url: `${url}${repoPath}/git/trees/${ref}`,
      tree: tree_,
      truncated: options.truncatedTrees === true,
    })
  }

  function graphql(body: unknown): HttpAnswer {
    const request = (typeof body === 'object' && body !== null ? body : {}) as { query?: unknown; variables?: Record<string, unknown> }
    const query = typeof request.query === 'string' ? request.query : ''
    const variables = request.variables ?? {}
    // SPEC section 8's reads are executed against GitHub's schema (fake-github-graphql.ts).
    if (isExecutedQuery(query)) {
      return new HttpAnswer(
        200,
        executeGraphql({ owner, repo, login, userId, pullRequests: () => pulls, comments: () => comments }, query, variables),
      )
    }
    const data: Record<string, unknown> = {}
    const errors: Record<string, unknown>[] = []
    // As GitHub: the viewer's databaseId is the REST user.id of the same account.
    if (/\bviewer\b/.test(query)) data['viewer'] = { login, databaseId: userId(login) }
    if (/\bnodes\s*\(/.test(query)) {
      const ids = Array.isArray(variables['ids']) ? (variables['ids'] as unknown[]) : []
      data['nodes'] = ids.map((id) => {
        const c = comments.find((x) => x.node_id === id)
        return c ? { id: c.node_id, isMinimized: c.minimizedAs !== undefined, minimizedReason: c.minimizedAs?.toLowerCase() ?? null } : null
      })
    }
    if (/\bminimizeComment\b/.test(query)) {
      const input = (variables['input'] ?? {}) as Record<string, unknown>
      const subjectId = variables['subjectId'] ?? variables['id'] ?? input['subjectId'] ?? /subjectId:\s*"([^"]+)"/.exec(query)?.[1]
      const classifier = String(variables['classifier'] ?? input['classifier'] ?? /classifier:\s*(\w+)/.exec(query)?.[1] ?? '')
      const c = comments.find((x) => x.node_id === subjectId)
      if (state.readOnly) {
        data['minimizeComment'] = null
        errors.push({ type: 'FORBIDDEN', path: ['minimizeComment'], message: 'Resource not accessible by integration' })
      } else if (!c) {
        data['minimizeComment'] = null
        errors.push({
          type: 'NOT_FOUND',
          path: ['minimizeComment'],
          message: `Could not resolve to a node with the global id of '${String(subjectId)}'`,
        })
      } else {
        c.minimizedAs = classifier
        data['minimizeComment'] = { minimizedComment: { isMinimized: true, minimizedReason: classifier.toLowerCase() } }
      }
    }
    if (Object.keys(data).length === 0 && errors.length === 0) {
      errors.push({ message: `fake GitHub does not know this query: ${query.slice(0, 80)}` })
    }
    return new HttpAnswer(200, errors.length > 0 ? { data, errors } : { data })
  }

  function route(method: string, path: string, query: Record<string, string>, body: unknown, accept: string): HttpAnswer | { raw: Buffer } {
    if (method === 'POST' && path === '/graphql') return graphql(body)
    if (!path.startsWith(`${repoPath}/`)) return notFound()
    const rest = path.slice(repoPath.length)
    // --- Approved exceptions (SPEC 9).
    const pullsAnswer = fakePulls.route(method, rest, query)
    if (pullsAnswer) return new HttpAnswer(pullsAnswer.status, pullsAnswer.body, pullsAnswer.headers)
    let m = /^\/issues\/(\d+)\/comments$/.exec(rest)
    if (m) {
      const issue = Number(m[1])
      const docs = `${DOCS}/issues/comments#create-an-issue-comment`
      if (method === 'GET') return listComments(issue, query, path)
      if (method === 'POST') {
        if (state.readOnly) return forbidden(docs)
        const text = readBodyText(body)
        if (text === undefined)
          return new HttpAnswer(422, { message: 'Invalid request.\n\n"body" wasn\'t supplied.', documentation_url: docs, status: '422' })
        if (text.length > maxBodyLength) return bodyTooLong(docs)
        return new HttpAnswer(201, commentJson(addComment(issue, text)))
      }
    }
    m = /^\/issues\/comments\/(\d+)$/.exec(rest)
    if (m) {
      const c = comments.find((x) => x.id === Number(m?.[1]))
      const docs = `${DOCS}/issues/comments#update-an-issue-comment`
      if (method === 'GET') return c ? new HttpAnswer(200, commentJson(c)) : notFound()
      if (method === 'PATCH') {
        if (state.readOnly) return forbidden(docs)
        if (!c) return notFound()
        const text = readBodyText(body)
        if (text === undefined) return new HttpAnswer(422, { message: 'Invalid request.', documentation_url: docs, status: '422' })
        if (text.length > maxBodyLength) return bodyTooLong(docs)
        c.body = text
        touch(c)
        return new HttpAnswer(200, commentJson(c))
      }
      if (method === 'DELETE') {
        if (state.readOnly) return forbidden(`${DOCS}/issues/comments#delete-an-issue-comment`)
        if (!c) return notFound()
        comments.splice(comments.indexOf(c), 1)
        return new HttpAnswer(204, undefined)
      }
    }
    m = /^\/contents(?:\/(.*))?$/.exec(rest)
    if (m && method === 'GET') return getContents(m[1] ?? '', query, accept)
    m = /^\/git\/trees\/(.+)$/.exec(rest)
    if (m && method === 'GET')
      return getTree(m[1] ?? '', query['recursive'] !== undefined && query['recursive'] !== '0' && query['recursive'] !== 'false')
    return notFound()
  }

  function takeFailure(method: string, path: string): FailureRule | undefined {
    const rule = failures.find((r) => matches(r, method, path))
    if (!rule) return undefined
    rule.times = (rule.times ?? 1) - 1
    if (rule.times <= 0) failures.splice(failures.indexOf(rule), 1)
    return rule
  }

  function send(res: ServerResponse, logged: LoggedRequest, answer: HttpAnswer | { raw: Buffer }): void {
    const common = {
      'x-github-api-version-selected': '2022-11-28',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-github-request-id': `FAKE:${requests.length}`,
    }
    if ('raw' in answer) {
      logged.status = 200
      res.writeHead(200, { ...common, 'content-type': rawContentType, 'content-length': answer.raw.length })
      res.end(answer.raw)
      return
    }
    logged.status = answer.status
    if (answer.body === undefined) {
      res.writeHead(answer.status, { ...common, ...answer.headers })
      res.end()
      return
    }
    const text = JSON.stringify(answer.body)
    res.writeHead(answer.status, {
      ...common,
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      ...answer.headers,
    })
    res.end(text)
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    const parsedUrl = new URL(req.url ?? '/', 'http://127.0.0.1')
    const method = (req.method ?? 'GET').toUpperCase()
    // Octokit sends `{path}` percent-encoded (slashes as %2F); GitHub decodes it.
    const path = parsedUrl.pathname.split('/').map(decodeURIComponent).join('/')
    let body: unknown = undefined
    if (text !== '') {
      try {
        body = JSON.parse(text)
      } catch {
        body = text
      }
    }
    const logged: LoggedRequest = {
      method,
      path,
      query: Object.fromEntries(parsedUrl.searchParams),
      headers: req.headers,
      body,
      status: 0,
      at: Date.now(),
    }
    requests.push(logged)

    if (options.token !== undefined && req.headers.authorization !== `token ${options.token}`) {
      send(res, logged, new HttpAnswer(401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' }))
      return
    }
    const failure = takeFailure(method, path)
    if (failure?.delayMs !== undefined) {
      await wait(failure.delayMs)
      if (res.destroyed || req.socket.destroyed) {
        logged.status = -1 // the client gave up before the answer
        return
      }
    }
    if (failure?.status !== undefined && failure.text !== undefined) {
      logged.status = failure.status
      res.writeHead(failure.status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(failure.text),
        ...failure.headers,
      })
      res.end(failure.text)
      return
    }
    if (failure?.status !== undefined) {
      send(res, logged, new HttpAnswer(failure.status, failure.body ?? { message: `fake failure ${failure.status}` }, failure.headers))
      return
    }
    const answer = route(method, path, logged.query, body, String(req.headers.accept ?? ''))
    const slow = options.slow?.find((r) => matches(r, method, path))
    if (slow) {
      await wait(slow.delayMs)
      if (res.destroyed || req.socket.destroyed) {
        logged.status = -1
        return
      }
    }
    send(res, logged, answer)
  }

  function matches(rule: Pick<FailureRule, 'method' | 'path'>, method: string, path: string): boolean {
    return (
      (rule.method === undefined || rule.method.toUpperCase() === method) &&
      (rule.path === undefined || (typeof rule.path === 'string' ? rule.path === path : rule.path.test(path)))
    )
  }

  function wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer)
        resolve()
      }, ms)
      timers.add(timer)
    })
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ message: `fake GitHub crashed: ${String(error)}` }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const state: FakeGitHub = {
    url,
    graphqlUrl: `${url}/graphql`,
    owner,
    repo,
    login,
    requests,
    writes: () => requests.filter((r) => r.method !== 'GET'),
    readOnly: options.readOnly === true,
    comments: (issue) => comments.filter((c) => issue === undefined || c.issue === issue).map((c) => ({ ...c })),
    addComment: (issue, body, author) => ({ ...addComment(issue, body, author) }),
    setFiles: (ref, byPath) => {
      files.set(ref, new Map(Object.entries(byPath)))
    },
    fail: (rule) => {
      failures.push({ ...rule })
    },
    pulls: fakePulls.state,
    pullRequests: () => pulls.map((pr) => ({ ...pr })),
    addPullRequest: (pr) => {
      pulls.push({ base: 'main', state: 'OPEN', ...pr })
    },
    updatePullRequest: (number, change) => {
      const pr = pulls.find((p) => p.number === number)
      if (!pr) throw new Error(`the fake has no pull request #${number}`)
      Object.assign(pr, change)
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      server.closeAllConnections()
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())))
    },
  }
  return state
}

/** Options for `createOctokit` that point it at the fake and make every wait tiny (retries ~1 ms, no write pacing). */
export function fastClientOptions(
  fake: Pick<FakeGitHub, 'url'>,
  lines: string[] = [],
): {
  baseUrl: string
  retryDelayMs: number
  writeIntervalMs: number
  log: { debug(m: string): void; warning(m: string): void }
} {
  return {
    baseUrl: fake.url,
    retryDelayMs: 1,
    writeIntervalMs: 0,
    log: { debug: (m) => lines.push(`debug: ${m}`), warning: (m) => lines.push(`warning: ${m}`) },
  }
}
