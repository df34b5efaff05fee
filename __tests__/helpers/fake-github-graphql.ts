/**
 * The fake GitHub's open pull requests, answered through GraphQL by EXECUTING the query against
 * GitHub's published schema (@octokit/graphql-schema) with the `graphql` package: a query the
 * real GitHub would refuse (an unknown field, a missing argument, a wrong type) is refused here
 * the same way, and only what the query asks for is answered. Resolvers read the fake's state:
 * its pull requests and the same issue comments the REST routes serve. Connections page as
 * GitHub's do (`first` of 1 to 100 required, opaque `after` cursors, `pageInfo`), and
 * `repository.pullRequests` filters on `states` and `baseRefName`.
 */
import { buildClientSchema, graphqlSync, GraphQLError, type GraphQLSchema, type IntrospectionQuery } from 'graphql'
import { schema as published } from '@octokit/graphql-schema'
import type { FakeComment } from './fake-github.js'

/** A pull request as the fake stores it. */
export interface FakePullRequest {
  number: number
  /** The branch it merges into (default "main"). */
  base: string
  headSha: string
  state: 'OPEN' | 'CLOSED' | 'MERGED'
}

/** A comment as the resolvers need it: the fake's own (a type-only import, so no cycle at run time). */
export type GraphqlComment = FakeComment

/** What the resolvers read from the fake. */
export interface GraphqlState {
  owner: string
  repo: string
  login: string
  userId(login: string): number
  pullRequests(): FakePullRequest[]
  comments(): GraphqlComment[]
}

let schema: GraphQLSchema | undefined
/** GitHub's schema, built once per test file (the same JSON that `validate` of @octokit/graphql-schema uses). */
export function githubSchema(): GraphQLSchema {
  // The package types its JSON loosely; it is the introspection result its own `validate` builds from.
  schema ??= buildClientSchema(published.json as unknown as IntrospectionQuery)
  return schema
}

/** Whether the fake answers this query by execution (the pull-request reads), not by its older pattern matching. */
export function isExecutedQuery(query: string): boolean {
  return /\brepository\s*\(|\bnode\s*\(/.test(query)
}

/** A GitHub-like node id of a pull request. */
export function pullRequestNodeId(number: number): string {
  return `PR_kwDOfake${number}`
}

interface ConnectionArgs {
  first?: number | null
  last?: number | null
  after?: string | null
  before?: string | null
}

/** A connection as GitHub pages it: `first` (1–100) is required here (the gate never asks `last`), cursors are opaque. */
function connection<T>(items: T[], args: ConnectionArgs, field: string): Record<string, unknown> {
  if (args.last !== undefined && args.last !== null) throw new GraphQLError(`the fake does not page \`${field}\` backwards`)
  const first = args.first
  if (first === undefined || first === null) {
    throw new GraphQLError(`You must provide a \`first\` or \`last\` value to properly paginate the \`${field}\` connection.`, {
      extensions: { type: 'MISSING_PAGINATION_BOUNDARIES' },
    })
  }
  if (first < 0 || first > 100) {
    throw new GraphQLError(`Requesting ${first} records on the \`${field}\` connection exceeds the \`first\` limit of 100 records.`, {
      extensions: { type: 'EXCESSIVE_PAGINATION' },
    })
  }
  let start = 0
  if (args.after) {
    const decoded = /^cursor:v2:(\d+)$/.exec(Buffer.from(args.after, 'base64').toString('utf8'))
    if (!decoded)
      throw new GraphQLError(`\`${args.after}\` does not appear to be a valid cursor.`, {
        extensions: { type: 'INVALID_CURSOR_ARGUMENTS' },
      })
    start = Number(decoded[1]) + 1
  }
  const slice = items.slice(start, start + first)
  const cursor = (i: number): string => Buffer.from(`cursor:v2:${i}`).toString('base64')
  return {
    totalCount: items.length,
    nodes: slice,
    edges: slice.map((node, i) => ({ node, cursor: cursor(start + i) })),
    pageInfo: {
      hasNextPage: start + first < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length > 0 ? cursor(start) : null,
      endCursor: slice.length > 0 ? cursor(start + slice.length - 1) : null,
    },
  }
}

function actor(state: GraphqlState, login: string): Record<string, unknown> {
  // GraphQL spells a bot's login without the "[bot]" REST adds; its databaseId is the REST user.id.
  const bot = login.endsWith('[bot]')
  return { __typename: bot ? 'Bot' : 'User', login: bot ? login.slice(0, -'[bot]'.length) : login, databaseId: state.userId(login) }
}

function commentNode(state: GraphqlState, c: GraphqlComment): Record<string, unknown> {
  return {
    __typename: 'IssueComment',
    id: c.node_id,
    databaseId: c.id,
    body: c.body,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
    isMinimized: c.minimizedAs !== undefined,
    minimizedReason: c.minimizedAs?.toLowerCase() ?? null,
    url: `https://github.com/${state.owner}/${state.repo}/pull/${c.issue}#issuecomment-${c.id}`,
    author: actor(state, c.login),
    viewerDidAuthor: c.login === state.login,
  }
}

function pullRequestNode(state: GraphqlState, pr: FakePullRequest): Record<string, unknown> {
  return {
    __typename: 'PullRequest',
    id: pullRequestNodeId(pr.number),
    number: pr.number,
    headRefOid: pr.headSha,
    baseRefName: pr.base,
    state: pr.state,
    comments: (args: ConnectionArgs) =>
      connection(
        state
          .comments()
          .filter((c) => c.issue === pr.number)
          .map((c) => commentNode(state, c)),
        args,
        'comments',
      ),
  }
}

/** Executes a query against GitHub's schema over the fake's state; the answer's `errors` are shaped as GitHub's (with `type`). */
export function executeGraphql(state: GraphqlState, query: string, variables: Record<string, unknown>): Record<string, unknown> {
  const rootValue = {
    viewer: () => ({ __typename: 'User', login: state.login, databaseId: state.userId(state.login) }),
    repository: ({ owner, name }: { owner: string; name: string }) => {
      if (owner.toLowerCase() !== state.owner.toLowerCase() || name.toLowerCase() !== state.repo.toLowerCase()) {
        throw new GraphQLError(`Could not resolve to a Repository with the name '${owner}/${name}'.`, { extensions: { type: 'NOT_FOUND' } })
      }
      return {
        __typename: 'Repository',
        pullRequests: (args: ConnectionArgs & { states?: string[] | null; baseRefName?: string | null }) =>
          connection(
            state
              .pullRequests()
              .filter((pr) => !args.states || args.states.includes(pr.state))
              .filter((pr) => args.baseRefName === undefined || args.baseRefName === null || pr.base === args.baseRefName)
              .sort((a, b) => a.number - b.number)
              .map((pr) => pullRequestNode(state, pr)),
            args,
            'pullRequests',
          ),
      }
    },
    node: ({ id }: { id: string }) => {
      const pr = state.pullRequests().find((p) => pullRequestNodeId(p.number) === id)
      if (pr) return pullRequestNode(state, pr)
      const c = state.comments().find((x) => x.node_id === id)
      if (c) return commentNode(state, c)
      throw new GraphQLError(`Could not resolve to a node with the global id of '${id}'`, { extensions: { type: 'NOT_FOUND' } })
    },
  }
  const result = graphqlSync({ schema: githubSchema(), source: query, rootValue, variableValues: variables })
  const answer: Record<string, unknown> = { data: result.data ?? null }
  if (result.errors && result.errors.length > 0) {
    answer['errors'] = result.errors.map((e) => ({
      ...(typeof e.extensions?.['type'] === 'string' ? { type: e.extensions['type'] } : {}),
      message: e.message,
      ...(e.path ? { path: e.path } : {}),
      ...(e.locations ? { locations: e.locations } : {}),
    }))
    // A query that does not validate gets no `data` at all from GitHub.
    if (result.data === undefined) delete answer['data']
  }
  return answer
}
