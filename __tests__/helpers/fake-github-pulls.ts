/**
 * The fake GitHub's pull requests, reviews and collaborator permissions (approved exceptions, SPEC 9):
 * `GET /repos/{o}/{r}/pulls/{n}`, `GET …/pulls/{n}/reviews` (paginated with `Link` headers, in the
 * order submitted) and `GET …/collaborators/{username}/permission`, shaped like GitHub's answers
 * (@octokit/openapi-types: pull-request, pull-request-review, repository-collaborator-permission).
 * State is mutable between runs: label, push (a new head), review, dismiss, change a role.
 */

import type { components } from '@octokit/openapi-types'

type Schema = components['schemas']
/** The fields of GitHub's pull-request answer that the gate reads, typed by GitHub's own OpenAPI description. */
type PullAnswer = Pick<
  Schema['pull-request'],
  'url' | 'id' | 'node_id' | 'html_url' | 'number' | 'state' | 'title' | 'user' | 'labels' | 'draft' | 'author_association'
> & {
  // The repositories are cut to a few fields: the gate reads none of them here.
  head: Pick<Schema['pull-request']['head'], 'label' | 'ref' | 'sha' | 'user'> & { repo: Record<string, unknown> }
  base: Pick<Schema['pull-request']['base'], 'label' | 'ref' | 'sha' | 'user'> & { repo: Record<string, unknown> }
}

/** A repository role as GitHub reports it: a base role, or a custom role built on one. */
export interface FakeRole {
  /** admin, maintain, write, triage, read, none, or a custom role's name. */
  roleName: string
  /** For a custom role: the base role it is built on. */
  base?: 'read' | 'triage' | 'write' | 'maintain'
}

/** A review as the fake stores it. */
export interface FakeReview {
  id: number
  login: string | null
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING'
  commitId: string | null
  submittedAt: string
}

/** One pull request of the fake. */
export interface FakePull {
  number: number
  author: string
  headSha: string
  baseSha: string
  labels: string[]
}

/** What the fake's pull-request routes start with. */
export interface FakePullsOptions {
  pulls?: FakePull[]
  /** login -> role; anyone else is no collaborator (permission none). */
  roles?: Record<string, FakeRole | string>
  /** Leave `user.permissions` out of permission answers, as some GitHub Enterprise Servers do. */
  noGrants?: boolean
}

/** The mutable state tests drive. */
export interface FakePulls {
  pull(number: number): FakePull
  setLabels(number: number, labels: string[]): void
  /** A new push: the head moves (earlier reviews stay on their commits). */
  push(number: number, headSha: string): void
  review(number: number, login: string | null, state: FakeReview['state'], commitId?: string | null): FakeReview
  dismiss(number: number, reviewId: number): void
  setRole(login: string, role: FakeRole | string): void
  reviews(number: number): FakeReview[]
}

/** A plain answer the fake's server sends as JSON. */
export interface PullsAnswer {
  status: number
  body: unknown
  headers?: Record<string, string>
}

const SERVER_URL = 'https://github.com'
const BASE_ROLES = ['read', 'triage', 'write', 'maintain', 'admin']

/** The pull-request part of the fake: state and a router for paths under `/repos/{owner}/{repo}`. */
export function createFakePulls(
  { owner, repo, url }: { owner: string; repo: string; url: () => string },
  options: FakePullsOptions = {},
): { state: FakePulls; route(method: string, rest: string, query: Record<string, string>): PullsAnswer | undefined } {
  const pulls = new Map<number, FakePull>()
  for (const p of options.pulls ?? []) pulls.set(p.number, { ...p, labels: [...p.labels] })
  const reviews = new Map<number, FakeReview[]>()
  const roles = new Map<string, FakeRole>()
  const toRole = (role: FakeRole | string): FakeRole => (typeof role === 'string' ? { roleName: role } : role)
  for (const [login, role] of Object.entries(options.roles ?? {})) roles.set(login.toLowerCase(), toRole(role))
  let nextReview = 80_000_001
  let clock = Date.UTC(2026, 11, 1, 9, 0, 0)
  const repoApi = (): string => `${url()}/repos/${owner}/${repo}`
  const userId = (name: string): number => 583231 + [...name].reduce((sum, c) => sum + c.charCodeAt(0), 0)
  // A simple-user, every field GitHub's description requires.
  const user = (login: string): Schema['simple-user'] => {
    const api = `https://api.github.com/users/${encodeURIComponent(login)}`
    return {
      login,
      id: userId(login),
      node_id: `U_${login}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${userId(login)}?v=4`,
      gravatar_id: '',
      url: api,
      html_url: `${SERVER_URL}/${login}`,
      followers_url: `${api}/followers`,
      following_url: `${api}/following{/other_user}`,
      gists_url: `${api}/gists{/gist_id}`,
      starred_url: `${api}/starred{/owner}{/repo}`,
      subscriptions_url: `${api}/subscriptions`,
      organizations_url: `${api}/orgs`,
      repos_url: `${api}/repos`,
      events_url: `${api}/events{/privacy}`,
      received_events_url: `${api}/received_events`,
      type: login.endsWith('[bot]') ? 'Bot' : 'User',
      site_admin: false,
    }
  }
  const pullOf = (number: number): FakePull => {
    const p = pulls.get(number)
    if (!p) throw new Error(`the fake has no pull request #${number}`)
    return p
  }

  function pullJson(p: FakePull): PullAnswer & Record<string, unknown> {
    const repository = { full_name: `${owner}/${repo}`, name: repo, owner: user(owner), private: false }
    return {
      url: `${repoApi()}/pulls/${p.number}`,
      id: 1_700_000_000 + p.number,
      node_id: `PR_kwDOfake${p.number}`,
      html_url: `${SERVER_URL}/${owner}/${repo}/pull/${p.number}`,
      number: p.number,
      state: 'open',
      locked: false,
      title: `Pull request ${p.number}`,
      user: user(p.author),
      body: null,
      labels: p.labels.map((name, i) => ({
        id: 208045946 + i,
        node_id: `LA_${name}`,
        url: `${repoApi()}/labels/${encodeURIComponent(name)}`,
        name,
        description: null,
        color: 'f29513',
        default: false,
      })),
      draft: false,
      merged: false,
      head: { label: `${owner}:feature`, ref: 'feature', sha: p.headSha, user: user(p.author), repo: repository },
      base: { label: `${owner}:main`, ref: 'main', sha: p.baseSha, user: user(owner), repo: repository },
      author_association: 'CONTRIBUTOR',
    }
  }

  function reviewJson(number: number, r: FakeReview): Schema['pull-request-review'] {
    const html = `${SERVER_URL}/${owner}/${repo}/pull/${number}#pullrequestreview-${r.id}`
    return {
      id: r.id,
      node_id: `PRR_kwDOfake${r.id}`,
      user: r.login === null ? null : user(r.login),
      body: '',
      state: r.state,
      html_url: html,
      pull_request_url: `${repoApi()}/pulls/${number}`,
      _links: { html: { href: html }, pull_request: { href: `${repoApi()}/pulls/${number}` } },
      ...(r.state === 'PENDING' ? {} : { submitted_at: r.submittedAt }),
      commit_id: r.commitId,
      author_association: r.login !== null && roles.has(r.login.toLowerCase()) ? 'MEMBER' : 'CONTRIBUTOR',
    }
  }

  function permissionJson(login: string): PullsAnswer {
    const role = roles.get(login.toLowerCase()) ?? { roleName: 'none' }
    const level = BASE_ROLES.includes(role.roleName) ? role.roleName : (role.base ?? 'read')
    // The legacy field: maintain shows as write, triage as read (and custom roles as their base's).
    const permission = level === 'maintain' ? 'write' : level === 'triage' ? 'read' : level
    const at = (base: string): boolean => BASE_ROLES.indexOf(level) >= BASE_ROLES.indexOf(base)
    const grants = { admin: at('admin'), maintain: at('maintain'), push: at('write'), triage: at('triage'), pull: at('read') }
    const body: Schema['repository-collaborator-permission'] = {
      permission,
      role_name: role.roleName,
      user: { ...user(login), ...(options.noGrants ? {} : { permissions: grants }), role_name: role.roleName },
    }
    return { status: 200, body }
  }

  function listReviews(number: number, query: Record<string, string>, path: string): PullsAnswer {
    const perPage = Math.min(Math.max(Number(query['per_page'] ?? 30) || 30, 1), 100)
    const page = Math.max(Number(query['page'] ?? 1) || 1, 1)
    // GitHub does not list another user's pending review.
    const all = (reviews.get(number) ?? []).filter((r) => r.state !== 'PENDING')
    const last = Math.max(Math.ceil(all.length / perPage), 1)
    const link = (p: number, rel: string): string => `<${url()}${path}?per_page=${perPage}&page=${p}>; rel="${rel}"`
    const links: string[] = []
    if (page > 1) links.push(link(page - 1, 'prev'))
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'))
    if (page > 1) links.push(link(1, 'first'))
    const slice = all.slice((page - 1) * perPage, page * perPage).map((r) => reviewJson(number, r))
    return { status: 200, body: slice, ...(links.length > 0 ? { headers: { link: links.join(', ') } } : {}) }
  }

  const notFound: PullsAnswer = {
    status: 404,
    body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
  }

  function route(method: string, rest: string, query: Record<string, string>): PullsAnswer | undefined {
    if (method !== 'GET') return undefined
    let m = /^\/pulls\/(\d+)$/.exec(rest)
    if (m) {
      const p = pulls.get(Number(m[1]))
      return p ? { status: 200, body: pullJson(p) } : notFound
    }
    m = /^\/pulls\/(\d+)\/reviews$/.exec(rest)
    if (m) return pulls.has(Number(m[1])) ? listReviews(Number(m[1]), query, `/repos/${owner}/${repo}${rest}`) : notFound
    m = /^\/collaborators\/([^/]+)\/permission$/.exec(rest)
    if (m) return permissionJson(m[1]!)
    return undefined
  }

  const state: FakePulls = {
    pull: (number) => ({ ...pullOf(number) }),
    setLabels: (number, labels) => {
      pullOf(number).labels = [...labels]
    },
    push: (number, headSha) => {
      pullOf(number).headSha = headSha
    },
    review: (number, login, reviewState, commitId) => {
      clock += 60_000
      const review: FakeReview = {
        id: nextReview++,
        login,
        state: reviewState,
        commitId: commitId === undefined ? pullOf(number).headSha : commitId,
        submittedAt: new Date(clock).toISOString().replace('.000Z', 'Z'),
      }
      reviews.set(number, [...(reviews.get(number) ?? []), review])
      return { ...review }
    },
    dismiss: (number, reviewId) => {
      const r = reviews.get(number)?.find((x) => x.id === reviewId)
      if (!r) throw new Error(`no review ${reviewId} on #${number}`)
      r.state = 'DISMISSED'
    },
    setRole: (login, role) => {
      roles.set(login.toLowerCase(), toRole(role))
    },
    reviews: (number) => (reviews.get(number) ?? []).map((r) => ({ ...r })),
  }
  return { state, route }
}
