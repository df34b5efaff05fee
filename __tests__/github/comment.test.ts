import { afterEach, describe, expect, it } from '@jest/globals'
import {
  COMMENT_MAX_CHARS,
  CommentError,
  CommentPermissionError,
  commentMarker,
  findComments,
  isNewerRun,
  parseMarker,
  publishComment,
  type CommentMode,
  type CommentRun,
  type PublishOptions,
  writeComment,
} from '../../src/github/comment.js'
import { GateError } from '../../src/errors.js'
import { createOctokit, type Octokit } from '../../src/github/octokit.js'
import {
  badGateway,
  fastClientOptions,
  secondaryRateLimit,
  startFakeGitHub,
  type FakeGitHub,
  type FakeGitHubOptions,
} from '../helpers/fake-github.js'

const TOKEN = 'ghs_s3cretTokenValue'
const ISSUE = 7
const COMMENTS = `/repos/acme/game/issues/${ISSUE}/comments`
const BOT = 'github-actions[bot]'
const SHA_A = 'a'.repeat(40)
const SHA_B = 'b'.repeat(40)

let fake: FakeGitHub | undefined

afterEach(async () => {
  await fake?.close()
  fake = undefined
})

async function setup(options: FakeGitHubOptions = {}): Promise<{ fake: FakeGitHub; octokit: Octokit }> {
  fake = await startFakeGitHub(options)
  return { fake, octokit: createOctokit(TOKEN, fastClientOptions(fake)) }
}

function run(id: number, attempt = 1, sha = SHA_A): CommentRun {
  return { id, attempt, sha }
}

function options(overrides: Partial<PublishOptions> = {}): PublishOptions {
  return {
    owner: 'acme',
    repo: 'game',
    issueNumber: ISSUE,
    key: 'default',
    mode: 'update',
    run: run(100),
    render: (compact) => (compact ? 'compact body' : 'full body'),
    ...overrides,
  }
}

/** A comment as a previous run of the gate left it. */
function previous(body: string, r: CommentRun, key = 'default'): string {
  return `${commentMarker(key, r)}\n${body}`
}

function sent(f: FakeGitHub, method: string, path?: RegExp): number {
  return f.requests.filter((r) => r.method === method && (path === undefined || path.test(r.path))).length
}

const COMMENT_BY_ID = /^\/repos\/acme\/game\/issues\/comments\/\d+$/

describe('commentMarker / parseMarker', () => {
  it('round-trips the key, run, attempt and sha', () => {
    const marker = commentMarker('default', run(123, 2, SHA_A))
    expect(marker).toBe(`<!-- layer-budget-gate key=default run=123 attempt=2 sha=${SHA_A} -->`)
    expect(parseMarker(`${marker}\nbody`)).toEqual({ key: 'default', run: 123, attempt: 2, sha: SHA_A })
  })

  it.each(['a --> b', 'x\n<!-- y', 'with space', 'émoji 🎮', '--!>', 'per%cent', ''])('escapes key %j so it cannot break out', (key) => {
    const marker = commentMarker(key, run(1))
    expect(marker).not.toContain('\n')
    expect(marker.indexOf('>')).toBe(marker.length - 1)
    expect(marker).toMatch(/^<!-- layer-budget-gate key=\S* run=1 attempt=1 sha=a+ -->$/)
    expect(parseMarker(marker)?.key).toBe(key)
  })

  it('only reads a marker at the very start of the body', () => {
    expect(parseMarker(`quoted:\n${commentMarker('default', run(1))}`)).toBeUndefined()
    expect(parseMarker('<!-- layer-budget-gate key=default run=x attempt=1 sha=a -->')).toBeUndefined()
    expect(parseMarker('plain text')).toBeUndefined()
  })

  it('orders runs by id, then attempt', () => {
    expect(isNewerRun({ run: 101, attempt: 1 }, run(100, 3))).toBe(true)
    expect(isNewerRun({ run: 100, attempt: 2 }, run(100, 1))).toBe(true)
    expect(isNewerRun({ run: 100, attempt: 1 }, run(100, 1))).toBe(false)
    expect(isNewerRun({ run: 99, attempt: 9 }, run(100, 1))).toBe(false)
  })
})

describe('publishComment: update (default)', () => {
  it('creates the comment with the marker first when there is none', async () => {
    const { fake, octokit } = await setup()
    const result = await publishComment(octokit, options())
    const [comment] = fake.comments(ISSUE)
    expect(comment?.body).toBe(`${commentMarker('default', run(100))}\nfull body`)
    expect(comment?.login).toBe(BOT)
    expect(result).toEqual({ action: 'created', url: `https://github.com/acme/game/pull/7#issuecomment-${comment?.id}` })
  })

  it('finds its comment on page 3 of 250 and updates it in place', async () => {
    const comments = Array.from({ length: 250 }, (_, i) => ({ issue: ISSUE, body: `chatter ${i}`, login: i % 2 ? 'alice' : BOT }))
    comments[230] = { issue: ISSUE, body: previous('old body', run(90)), login: BOT }
    const { fake, octokit } = await setup({ comments })
    const target = fake.comments(ISSUE)[230]

    const result = await publishComment(octokit, options())

    expect(result.action).toBe('updated')
    expect(result.url).toContain(`#issuecomment-${target?.id}`)
    expect(fake.requests.filter((r) => r.path === COMMENTS && r.method === 'GET').map((r) => r.query['page'] ?? '1')).toEqual([
      '1',
      '2',
      '3',
    ])
    expect(fake.requests.find((r) => r.method === 'PATCH')?.path).toBe(`/repos/acme/game/issues/comments/${target?.id}`)
    expect(fake.comments(ISSUE)).toHaveLength(250)
    expect(fake.comments(ISSUE)[230]?.body).toBe(`${commentMarker('default', run(100))}\nfull body`)
  })

  it('updates the newest of several marker comments', async () => {
    const { fake, octokit } = await setup({
      comments: [
        { issue: ISSUE, body: previous('one', run(80)) },
        { issue: ISSUE, body: previous('two', run(90)) },
      ],
    })
    await publishComment(octokit, options())
    expect(fake.comments(ISSUE).map((c) => c.body.split('\n')[1])).toEqual(['one', 'full body'])
  })

  it('does not rewrite a comment whose body would not change (same commit, other run)', async () => {
    const { fake, octokit } = await setup({ comments: [{ issue: ISSUE, body: previous('full body', run(90, 1, SHA_A)) }] })
    const result = await publishComment(octokit, options({ run: run(100, 1, SHA_A) }))
    expect(result.action).toBe('unchanged')
    expect(result.url).toContain('#issuecomment-')
    expect(sent(fake, 'PATCH')).toBe(0)
    expect(sent(fake, 'POST', /comments$/)).toBe(0)
  })

  it('treats CRLF and trailing whitespace as unchanged', async () => {
    const { fake, octokit } = await setup({ comments: [{ issue: ISSUE, body: previous('line 1\r\nline 2\r\n', run(90)) }] })
    const result = await publishComment(octokit, options({ render: () => 'line 1\nline 2' }))
    expect(result.action).toBe('unchanged')
    expect(sent(fake, 'PATCH')).toBe(0)
  })

  it('does not rewrite the compact layout a 422 left, when the full one would be refused again', async () => {
    const { fake, octokit } = await setup({ maxBodyLength: 2_000, comments: [{ issue: ISSUE, body: previous('short', run(90)) }] })
    const result = await publishComment(octokit, options({ render: (compact) => (compact ? 'short' : 'x'.repeat(3_000)) }))
    expect(result.action).toBe('unchanged')
    expect(sent(fake, 'PATCH')).toBe(0)
  })

  it.each<CommentMode>(['new', 'delete-and-new', 'hide-and-new'])(
    '%s: a re-run with the same commit and text posts no duplicate',
    async (mode) => {
      const { fake, octokit } = await setup({
        comments: [
          { issue: ISSUE, body: previous('old text', run(80)) },
          { issue: ISSUE, body: previous('full body', run(90)) },
        ],
      })
      const result = await publishComment(octokit, options({ mode }))
      expect(result.action).toBe('unchanged')
      expect(fake.writes().filter((r) => r.path !== '/graphql' || JSON.stringify(r.body).includes('minimizeComment'))).toEqual([])
      // Another commit with the same text is news: it posts.
      expect((await publishComment(octokit, options({ mode, run: run(110, 1, SHA_B) }))).action).toBe('created')
    },
  )

  it('rewrites when the text changes', async () => {
    const { fake, octokit } = await setup({ comments: [{ issue: ISSUE, body: previous('old text', run(90)) }] })
    expect((await publishComment(octokit, options())).action).toBe('updated')
    expect(sent(fake, 'PATCH')).toBe(1)
  })

  it('bumps the marker when a newer commit has the same text, so a late older run still sees a newer one', async () => {
    const { fake, octokit } = await setup({ comments: [{ issue: ISSUE, body: previous('full body', run(90, 1, SHA_A)) }] })
    expect((await publishComment(octokit, options({ run: run(102, 1, SHA_B) }))).action).toBe('updated')
    expect(parseMarker(fake.comments(ISSUE)[0]?.body ?? '')).toMatchObject({ run: 102, sha: SHA_B })
    // Run 101 (an older push) finishes last: it must not overwrite.
    const late = await publishComment(octokit, options({ run: run(101, 1, 'c'.repeat(40)), render: () => 'stale' }))
    expect(late.action).toBe('skipped-newer')
    expect(fake.comments(ISSUE)[0]?.body).toContain('full body')
  })

  it('leaves a comment written by a newer run alone and says so', async () => {
    const { fake, octokit } = await setup({ comments: [{ issue: ISSUE, body: previous('newer result', run(200)) }] })
    const result = await publishComment(octokit, options({ run: run(150) }))
    expect(result.action).toBe('skipped-newer')
    expect(result.message).toContain('newer run (run 200, attempt 1, commit aaaaaaa)')
    expect(result.message).toContain('this is run 150, attempt 1')
    expect(fake.comments(ISSUE)[0]?.body).toContain('newer result')
    expect(sent(fake, 'PATCH') + sent(fake, 'DELETE') + sent(fake, 'POST', /comments$/)).toBe(0)
  })

  it('leaves a later attempt of the same run alone, but overwrites an earlier attempt', async () => {
    const { fake, octokit } = await setup({ comments: [{ issue: ISSUE, body: previous('attempt 2', run(100, 2)) }] })
    expect((await publishComment(octokit, options({ run: run(100, 1) }))).action).toBe('skipped-newer')
    expect((await publishComment(octokit, options({ run: run(100, 3) }))).action).toBe('updated')
    expect(fake.comments(ISSUE)).toHaveLength(1)
  })

  it('keeps comments of other keys apart', async () => {
    const { fake, octokit } = await setup({ comments: [{ issue: ISSUE, body: previous('other gate', run(500), 'art-budget') }] })
    const result = await publishComment(octokit, options({ key: 'default' }))
    expect(result.action).toBe('created')
    expect(fake.comments(ISSUE).map((c) => parseMarker(c.body)?.key)).toEqual(['art-budget', 'default'])
  })

  it("ignores another user's comment that carries a copied marker", async () => {
    const { fake, octokit } = await setup({
      comments: [{ issue: ISSUE, body: previous('fake "newer" run', run(999_999)), login: 'mallory' }],
    })
    const result = await publishComment(octokit, options())
    expect(result.action).toBe('created')
    expect(fake.comments(ISSUE)[0]?.body).toContain('fake "newer" run')
  })

  it('does not take a user named like the bot for the bot: the account id decides', async () => {
    // A *user* "github-actions" (not the bot "github-actions[bot]") pastes the marker with a huge run id.
    const { fake, octokit } = await setup({
      comments: [{ issue: ISSUE, body: previous('forged "newer" run', run(999_999)), login: 'github-actions' }],
    })
    const result = await publishComment(octokit, options())
    expect(result.action).toBe('created')
    expect(result.url).toContain(`#issuecomment-${fake.comments(ISSUE)[1]!.id}`) // comment-url is the gate's own
    expect(fake.comments(ISSUE)).toHaveLength(2)
    expect(fake.comments(ISSUE)[0]?.body).toContain('forged "newer" run') // left alone
  })

  it('asks GraphQL `viewer` who it is, unless told', async () => {
    const { fake, octokit } = await setup({
      login: 'gate-bot[bot]',
      comments: [{ issue: ISSUE, body: previous('x', run(1)), login: 'gate-bot[bot]' }],
    })
    expect((await publishComment(octokit, options())).action).toBe('updated')
    expect(fake.requests.filter((r) => r.path === '/graphql')).toHaveLength(1)
    const listed = await octokit.rest.issues.listComments({ owner: 'acme', repo: 'game', issue_number: ISSUE })
    const author = { login: 'gate-bot[bot]', id: listed.data[0]!.user!.id }
    await publishComment(octokit, options({ author, run: run(101), render: () => 'y' }))
    expect(fake.requests.filter((r) => r.path === '/graphql')).toHaveLength(1)
    expect(fake.comments(ISSUE)[0]?.body).toContain('\ny')
  })

  it('does not ask who it is when no comment carries the marker', async () => {
    const { fake, octokit } = await setup({ comments: [{ issue: ISSUE, body: 'hello', login: 'alice' }] })
    expect((await publishComment(octokit, options())).action).toBe('created')
    expect(fake.requests.filter((r) => r.path === '/graphql')).toHaveLength(0)
  })

  it('writes a new comment when its comment was deleted between listing and updating', async () => {
    const { fake, octokit } = await setup({ comments: [{ issue: ISSUE, body: previous('old', run(90)) }] })
    fake.fail({ method: 'PATCH', path: COMMENT_BY_ID, status: 404, body: { message: 'Not Found' } })
    const result = await publishComment(octokit, options())
    expect(result.action).toBe('created')
    expect(fake.comments(ISSUE)).toHaveLength(2)
  })
})

describe('publishComment: other modes', () => {
  async function withHistory(): Promise<{ fake: FakeGitHub; octokit: Octokit }> {
    return setup({
      comments: [
        { issue: ISSUE, body: previous('first', run(80)) },
        { issue: ISSUE, body: 'a human comment', login: 'alice' },
        { issue: ISSUE, body: previous('second', run(90)) },
        { issue: ISSUE, body: previous('other gate', run(90), 'other') },
        { issue: ISSUE, body: previous('copied marker', run(85)), login: 'mallory' },
      ],
    })
  }

  it('new: always creates, leaving the old ones', async () => {
    const { fake, octokit } = await withHistory()
    const result = await publishComment(octokit, options({ mode: 'new' }))
    expect(result.action).toBe('created')
    expect(fake.comments(ISSUE)).toHaveLength(6)
    expect(sent(fake, 'PATCH') + sent(fake, 'DELETE')).toBe(0)
  })

  it('new: does not post a stale result after a newer run', async () => {
    const { fake, octokit } = await setup({ comments: [{ issue: ISSUE, body: previous('newer', run(300)) }] })
    expect((await publishComment(octokit, options({ mode: 'new' }))).action).toBe('skipped-newer')
    expect(fake.comments(ISSUE)).toHaveLength(1)
  })

  it("delete-and-new: deletes this key's own old comments, then the new one stays", async () => {
    const { fake, octokit } = await withHistory()
    const result = await publishComment(octokit, options({ mode: 'delete-and-new' }))
    expect(result).toMatchObject({ action: 'created' })
    expect(result.message).toBeUndefined()
    expect(fake.comments(ISSUE).map((c) => c.body.split('\n').at(-1))).toEqual([
      'a human comment',
      'other gate',
      'copied marker',
      'full body',
    ])
    expect(sent(fake, 'DELETE')).toBe(2)
  })

  it("delete-and-new: never deletes a newer run's comment", async () => {
    const { fake, octokit } = await setup({
      comments: [
        { issue: ISSUE, body: previous('old', run(50)) },
        { issue: ISSUE, body: previous('newer', run(300)) },
      ],
    })
    expect((await publishComment(octokit, options({ mode: 'delete-and-new' }))).action).toBe('skipped-newer')
    expect(fake.comments(ISSUE)).toHaveLength(2)
    expect(sent(fake, 'DELETE')).toBe(0)
  })

  it('hide-and-new: minimises the old ones as OUTDATED, skipping those already hidden', async () => {
    const { fake, octokit } = await withHistory()
    const [first] = fake.comments(ISSUE)
    // An earlier hide-and-new run already hid the first one.
    await octokit.graphql(
      'mutation($subjectId: ID!) { minimizeComment(input: { subjectId: $subjectId, classifier: OUTDATED }) { minimizedComment { isMinimized } } }',
      {
        subjectId: first?.node_id,
      },
    )
    const before = fake.requests.length

    const result = await publishComment(octokit, options({ mode: 'hide-and-new' }))

    expect(result.action).toBe('created')
    const after = fake.comments(ISSUE)
    expect(after).toHaveLength(6)
    expect(after.filter((c) => c.minimizedAs).map((c) => c.body.split('\n')[1])).toEqual(['first', 'second'])
    expect(after.every((c) => c.minimizedAs === undefined || c.minimizedAs === 'OUTDATED')).toBe(true)
    const mutations = fake.requests.slice(before).filter((r) => r.path === '/graphql' && JSON.stringify(r.body).includes('minimizeComment'))
    expect(mutations).toHaveLength(1)
  })

  it('off: sends nothing at all', async () => {
    const { fake, octokit } = await withHistory()
    expect(await publishComment(octokit, options({ mode: 'off' }))).toEqual({ action: 'off' })
    expect(fake.requests).toHaveLength(0)
  })

  it('reports old comments it could not clean up, but keeps the new one', async () => {
    const { fake, octokit } = await withHistory()
    fake.fail(badGateway({ method: 'DELETE' }, 20))
    const result = await publishComment(octokit, options({ mode: 'delete-and-new' }))
    expect(result.action).toBe('created')
    expect(result.message).toBe(
      'The new comment was posted, but older ones remain: GitHub could not delete an older comment on acme/game#7 (502): Server Error',
    )
    expect(fake.comments(ISSUE)).toHaveLength(6)
  })
})

describe('publishComment: GitHub refusing or failing', () => {
  it('retries with the compact layout when GitHub answers 422 (body too long)', async () => {
    const { fake, octokit } = await setup({ maxBodyLength: 2_000 })
    const result = await publishComment(octokit, options({ render: (compact) => (compact ? 'short' : 'x'.repeat(3_000)) }))
    expect(result.action).toBe('created')
    expect(sent(fake, 'POST', /comments$/)).toBe(2)
    expect(fake.comments(ISSUE)[0]?.body).toBe(`${commentMarker('default', run(100))}\nshort`)
  })

  it('retries an update with the compact layout on 422 too', async () => {
    const { fake, octokit } = await setup({ maxBodyLength: 2_000, comments: [{ issue: ISSUE, body: previous('old', run(90)) }] })
    const result = await publishComment(octokit, options({ render: (compact) => (compact ? 'short' : 'x'.repeat(3_000)) }))
    expect(result.action).toBe('updated')
    expect(sent(fake, 'PATCH')).toBe(2)
    expect(fake.comments(ISSUE)[0]?.body).toContain('\nshort')
  })

  it('goes straight to the compact layout when the full one is over 65,536 characters', async () => {
    const { fake, octokit } = await setup()
    const result = await publishComment(octokit, options({ render: (compact) => (compact ? 'short' : 'x'.repeat(COMMENT_MAX_CHARS)) }))
    expect(result.action).toBe('created')
    expect(sent(fake, 'POST', /comments$/)).toBe(1)
  })

  it('fails with a CommentError when even the compact layout is refused', async () => {
    const { octokit } = await setup({ maxBodyLength: 10 })
    const error = await publishComment(octokit, options({ render: (compact) => (compact ? 'still too long' : 'x'.repeat(50)) })).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(CommentError)
    expect(error).not.toBeInstanceOf(CommentPermissionError)
    expect((error as CommentError).message).toContain('GitHub could not create the comment on acme/game#7 (422)')
    expect((error as CommentError).message).toContain('body is too long')
  })

  it('turns a read-only token (403) into a CommentPermissionError that says what to do', async () => {
    const { fake, octokit } = await setup({ readOnly: true })
    const error = await publishComment(octokit, options()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CommentPermissionError)
    expect(error).toBeInstanceOf(GateError)
    expect((error as CommentPermissionError).status).toBe(403)
    expect((error as Error).message).toBe(
      'GitHub refused to create the comment on acme/game#7 (403): the token is read-only, as on pull requests from forks. ' +
        'Use the pull_request_target recipe in the README, or give the job `permissions: pull-requests: write`.',
    )
    expect((error as Error).message).not.toContain(TOKEN)
    expect(sent(fake, 'POST', /comments$/)).toBe(1) // a 403 is not retried
  })

  it('refuses an update with a read-only token the same way', async () => {
    const { octokit } = await setup({ readOnly: true, comments: [{ issue: ISSUE, body: previous('old', run(90)) }] })
    await expect(publishComment(octokit, options())).rejects.toThrow(/refused to update the comment .* \(403\)/)
  })

  it('turns a 404 on the pull request into a CommentPermissionError', async () => {
    const { fake, octokit } = await setup()
    fake.fail({ method: 'GET', path: COMMENTS, status: 404, body: { message: 'Not Found' } })
    const error = await publishComment(octokit, options()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CommentPermissionError)
    expect((error as Error).message).toContain('GitHub could not find the comment on acme/game#7 (404)')
  })

  it('does not lose the comment to a 502: the retry creates exactly one', async () => {
    const { fake, octokit } = await setup()
    fake.fail(badGateway({ method: 'POST', path: COMMENTS }, 1))
    const result = await publishComment(octokit, options())
    expect(result.action).toBe('created')
    expect(sent(fake, 'POST', /comments$/)).toBe(2)
    expect(fake.comments(ISSUE)).toHaveLength(1)
  })

  it('waits out a secondary rate limit on the update and succeeds', async () => {
    const { fake, octokit } = await setup({ comments: [{ issue: ISSUE, body: previous('old', run(90)) }] })
    fake.fail(secondaryRateLimit({ method: 'PATCH' }, 1, 1))
    const started = Date.now()
    expect((await publishComment(octokit, options())).action).toBe('updated')
    expect(Date.now() - started).toBeLessThan(1000)
    expect(sent(fake, 'PATCH')).toBe(2)
  })

  it('reports a secondary rate limit that never lifts as a plain CommentError, not a permission problem', async () => {
    const { fake, octokit } = await setup()
    fake.fail(secondaryRateLimit({ method: 'POST', path: COMMENTS }, 20, 1))
    const error = await publishComment(octokit, options()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CommentError)
    expect(error).not.toBeInstanceOf(CommentPermissionError)
    expect((error as Error).message).toContain('secondary rate limit')
  })

  it.each([
    ['malformed JSON', 200, '{"id": 5, "html_'],
    ['a body missing the URL', 201, '{"id": 5}'],
    ['an id of the wrong type', 201, '{"id": "5", "html_url": "https://github.com/acme/game/pull/7#issuecomment-5"}'],
  ])('does not call a comment written when GitHub answers the create with %s', async (_label, status, text) => {
    const { fake, octokit } = await setup()
    fake.fail({ method: 'POST', path: COMMENTS, status, text })
    const error = await publishComment(octokit, options()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CommentError)
    expect((error as Error).message).toMatch(
      /^GitHub's answer when trying to create the comment on acme\/game#7 is not a comment \(.*\), so it may not have been written; re-run the job/,
    )
  })

  it('says plainly when the listing is not what GitHub documents', async () => {
    const { fake, octokit } = await setup()
    fake.fail({ method: 'GET', path: COMMENTS, status: 200, text: '{not json' })
    const error = await publishComment(octokit, options()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CommentError)
    expect((error as Error).message).toMatch(
      /^GitHub's answer when trying to find the comment on acme\/game#7 is not what its API documents \(.*\); re-run the job/,
    )
    expect(sent(fake, 'POST', /comments$/)).toBe(0)
  })

  it.each<CommentMode>(['new', 'delete-and-new', 'hide-and-new'])('%s with a read-only token deletes and hides nothing', async (mode) => {
    const { fake, octokit } = await setup({ readOnly: true, comments: [{ issue: ISSUE, body: previous('old', run(90)) }] })
    await expect(publishComment(octokit, options({ mode }))).rejects.toBeInstanceOf(CommentPermissionError)
    expect(fake.comments(ISSUE)).toHaveLength(1)
    expect(fake.comments(ISSUE)[0]?.minimizedAs).toBeUndefined()
  })
})

describe('findComments, then writeComment (the listing runs while Layer prices)', () => {
  it('writes from the listing it is given, without listing again', async () => {
    const { fake, octokit } = await setup({ comments: [{ issue: ISSUE, body: `${commentMarker('default', run(90))}\nold` }] })
    const found = await findComments(octokit, options())
    expect(found.ours.map((c) => c.marker.run)).toEqual([90])
    const listings = fake.requests.length
    // What happens on GitHub meanwhile is not seen: the write starts from the listing.
    fake.addComment(ISSUE, `${commentMarker('default', run(95))}\nwritten meanwhile`)
    expect(await writeComment(octokit, found, options())).toMatchObject({ action: 'updated' })
    expect(fake.requests.slice(listings).map((r) => r.method)).toEqual(['PATCH'])
    expect(fake.comments(ISSUE).map((c) => c.body)).toEqual([
      `${commentMarker('default', run(100))}\nfull body`,
      `${commentMarker('default', run(95))}\nwritten meanwhile`,
    ])
  })

  it('is what publishComment does in one step', async () => {
    const { fake, octokit } = await setup({ comments: [{ issue: ISSUE, body: `${commentMarker('default', run(90))}\nold` }] })
    expect(await writeComment(octokit, await findComments(octokit, options()), options())).toMatchObject({ action: 'updated' })
    const split = fake.requests.map((r) => `${r.method} ${r.path}`)
    fake.requests.length = 0
    expect(await publishComment(octokit, options({ run: run(101), render: () => 'newer body' }))).toMatchObject({ action: 'updated' })
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(split)
  })

  it('says why it cannot list, as publishComment does', async () => {
    const { octokit } = await setup({ failures: [{ method: 'GET', path: COMMENTS, status: 404, times: 10 }] })
    await expect(findComments(octokit, options())).rejects.toThrow(CommentPermissionError)
  })
})
