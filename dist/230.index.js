export const id = 230;
export const ids = [230];
export const modules = {

/***/ 7553:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ww: () => (/* binding */ readOpenPullRequests)
/* harmony export */ });
/* unused harmony exports MAX_READ_REQUESTS, READ_BUDGET_MS, OPEN_PULL_REQUESTS_QUERY, moreCommentsQuery, commitmentsOf */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3916);
/* harmony import */ var _marker_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4329);
/**
 * SPEC section 8, the GitHub half: the open pull requests on one base branch and what their gate
 * comments commit, read through GraphQL. One query lists up to 100 pull requests with their head
 * commit and first 100 comments (and the token's own account, `viewer`, which the sticky comment
 * needs too); a second lists the next 100 comments of every pull request that has more, all of
 * them in one request through aliases. So up to 100 open pull requests with up to 200 comments
 * each cost two requests. Beyond that it pages on, bounded: at most MAX_READ_REQUESTS requests
 * (what was not reached then is said, `incomplete`, not guessed) within READ_BUDGET_MS in all
 * (past it the read failed, and the pull request is judged alone).
 * It never throws: GitHub failing is a reason, and the pull request is judged alone.
 */


/** GraphQL requests one read may send at most: 10 pages of 100 pull requests, or fewer when comments need pages. */
const MAX_READ_REQUESTS = 10;
/** The longest one read may take in all, in milliseconds, retries included; the pricing runs meanwhile. */
const READ_BUDGET_MS = 30_000;
/** Pull requests whose next comments one request asks for (100 \u00d7 100 comments: 10,000 nodes, far under GitHub's 500,000). */
const COMMENT_PAGES_PER_REQUEST = 100;
const COMMENT_FIELDS = `pageInfo { hasNextPage endCursor }
    nodes { databaseId body author { login ... on Bot { databaseId } ... on User { databaseId } } }`;
/** The open pull requests on `base`, 100 a page, each with its first 100 comments; and the token's own account. */
const OPEN_PULL_REQUESTS_QUERY = `query($owner: String!, $name: String!, $base: String!, $after: String) {
  viewer { login databaseId }
  repository(owner: $owner, name: $name) {
    pullRequests(states: [OPEN], baseRefName: $base, first: 100, after: $after, orderBy: { field: CREATED_AT, direction: ASC }) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id
        number
        headRefOid
        comments(first: 100) { ${COMMENT_FIELDS} }
      }
    }
  }
}`;
/** The next 100 comments of each of `count` pull requests (by node id and cursor), in one request. */
function moreCommentsQuery(count) {
    const variables = Array.from({ length: count }, (_, i) => `$id${i}: ID!, $after${i}: String`).join(', ');
    const fields = Array.from({ length: count }, (_, i) => `  pr${i}: node(id: $id${i}) { ... on PullRequest { comments(first: 100, after: $after${i}) { ${COMMENT_FIELDS} } } }`).join('\n');
    return `query(${variables}) {\n${fields}\n}`;
}
/**
 * Reads the open pull requests on `base` and the commitments of their gate comments: only
 * comments written by the token's own account (`viewer`, by numeric id: anyone can paste a
 * marker), with this `comment-key`; of several, the newest run's. Never throws.
 */
async function readOpenPullRequests(octokit, options) {
    const budgetMs = options.budgetMs ?? READ_BUDGET_MS;
    // One deadline for the whole read, retries included: a request in flight when it passes is aborted.
    const signal = AbortSignal.timeout(budgetMs);
    let requests = 0;
    const pullRequests = [];
    let viewer;
    const where = `the open pull requests of ${options.owner}/${options.repo} on ${options.base}`;
    try {
        let after = null;
        let morePullRequests = true;
        while (morePullRequests && requests < MAX_READ_REQUESTS) {
            requests += 1;
            const answer = await octokit.graphql(OPEN_PULL_REQUESTS_QUERY, {
                owner: options.owner,
                name: options.repo,
                base: options.base,
                after,
                request: { signal },
            });
            const page = checkedPullRequestPage(answer);
            viewer ??= page.viewer;
            pullRequests.push(...page.pullRequests);
            morePullRequests = page.hasNextPage && page.endCursor !== null;
            after = page.endCursor;
        }
        let waiting = pullRequests.filter((pr) => pr.next !== undefined);
        while (waiting.length > 0 && requests < MAX_READ_REQUESTS) {
            const batch = waiting.slice(0, COMMENT_PAGES_PER_REQUEST);
            requests += 1;
            const variables = {};
            batch.forEach((pr, i) => {
                variables[`id${i}`] = pr.id;
                variables[`after${i}`] = pr.next ?? '';
            });
            const answer = await octokit.graphql(moreCommentsQuery(batch.length), { ...variables, request: { signal } });
            batch.forEach((pr, i) => {
                const page = checkedCommentPage(answer?.[`pr${i}`]?.comments);
                pr.comments.push(...page.comments);
                pr.next = page.next;
            });
            waiting = pullRequests.filter((pr) => pr.next !== undefined);
        }
        if (viewer === undefined)
            throw new TypeError('the answer does not name the token\u2019s account (viewer)');
        const unread = pullRequests.filter((pr) => pr.next !== undefined).length;
        const incomplete = morePullRequests || unread > 0
            ? `GitHub was read for at most ${MAX_READ_REQUESTS} requests: ` +
                (morePullRequests ? `the open pull requests past the first ${pullRequests.length} were not read` : '') +
                (morePullRequests && unread > 0 ? ', and ' : '') +
                (unread > 0 ? `the comments of ${unread} pull request${unread === 1 ? '' : 's'} were not all read` : '') +
                ', so the others may commit more than shown'
            : undefined;
        const committed = commitmentsOf(pullRequests, viewer, options.key, options.debug);
        return { ok: true, pullRequests: committed, viewer, ...(incomplete !== undefined ? { incomplete } : {}) };
    }
    catch (error) {
        if (signal.aborted)
            return { ok: false, reason: `GitHub did not list ${where} within ${budgetMs / 1000} s` };
        return { ok: false, reason: readFailure(where, error) };
    }
}
/**
 * Of each pull request's comments, the newest gate comment of this key written by `viewer`, and
 * the commitment it records (pull requests without one are left out). Pure.
 */
function commitmentsOf(pullRequests, viewer, key, debug = () => { }) {
    const escapedKey = (0,_marker_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeField */ .E0)(key);
    const committed = [];
    for (const pr of pullRequests) {
        const ours = [];
        for (const comment of pr.comments) {
            // By numeric id: a login can be chosen to look like the gate's, and GraphQL spells a bot's login without "[bot]".
            if (typeof comment.author?.databaseId !== 'number' || comment.author.databaseId !== viewer.id)
                continue;
            const marker = (0,_marker_js__WEBPACK_IMPORTED_MODULE_1__/* .parseMarker */ .gY)(comment.body);
            if (!marker || (0,_marker_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeField */ .E0)(marker.key) !== escapedKey)
                continue;
            ours.push({ id: comment.databaseId ?? 0, marker, body: comment.body });
        }
        const keeper = (0,_marker_js__WEBPACK_IMPORTED_MODULE_1__/* .keeperOf */ .yD)(ours);
        if (!keeper)
            continue;
        const parsed = (0,_marker_js__WEBPACK_IMPORTED_MODULE_1__/* .parseCommitment */ .Dz)(keeper.body);
        if ('ignored' in parsed) {
            debug(`#${pr.number}: its gate comment is not counted: ${parsed.ignored}`);
            continue;
        }
        committed.push({ number: pr.number, headSha: pr.headSha, commitment: parsed.commitment });
    }
    return committed;
}
/** The first query's answer, checked: GitHub answered, but a proxy's page or a cut body is not a listing. */
function checkedPullRequestPage(answer) {
    const root = record(answer);
    const viewerNode = record(root?.['viewer']);
    const login = viewerNode?.['login'];
    const databaseId = viewerNode?.['databaseId'];
    const viewer = typeof login === 'string' && typeof databaseId === 'number' && Number.isSafeInteger(databaseId) ? { id: databaseId, login } : undefined;
    const connection = record(record(root?.['repository'])?.['pullRequests']);
    const pageInfo = record(connection?.['pageInfo']);
    const nodes = connection?.['nodes'];
    if (!connection || !pageInfo || typeof pageInfo['hasNextPage'] !== 'boolean' || !Array.isArray(nodes)) {
        throw new TypeError('the answer is not a list of pull requests (repository.pullRequests)');
    }
    const pullRequests = nodes.map((value) => {
        const node = record(value);
        const number = node?.['number'];
        const headSha = node?.['headRefOid'];
        const id = node?.['id'];
        if (typeof number !== 'number' || !Number.isSafeInteger(number) || typeof headSha !== 'string' || typeof id !== 'string') {
            throw new TypeError('a pull request in the answer has no number, id or head commit');
        }
        const page = checkedCommentPage(node?.['comments']);
        return { id, number, headSha, comments: page.comments, ...(page.next !== undefined ? { next: page.next } : {}) };
    });
    const endCursor = typeof pageInfo['endCursor'] === 'string' ? pageInfo['endCursor'] : null;
    return { ...(viewer ? { viewer } : {}), pullRequests, hasNextPage: pageInfo['hasNextPage'], endCursor };
}
function checkedCommentPage(value) {
    const page = record(value);
    const info = record(page?.pageInfo);
    if (!page || !info || typeof info['hasNextPage'] !== 'boolean' || !Array.isArray(page.nodes)) {
        throw new TypeError('the comments of a pull request in the answer are not a list (comments.nodes)');
    }
    const comments = [];
    for (const value of page.nodes) {
        const node = record(value);
        // A comment whose body is not text (a cut answer) cannot record a commitment: it is skipped, not trusted.
        if (!node || typeof node['body'] !== 'string')
            continue;
        const author = record(node['author']);
        comments.push({
            databaseId: typeof node['databaseId'] === 'number' ? node['databaseId'] : null,
            body: node['body'],
            author: author && typeof author['login'] === 'string' ? { login: author['login'], databaseId: numberOrNull(author['databaseId']) } : null,
        });
    }
    const cursor = info['endCursor'];
    return info['hasNextPage'] === true && typeof cursor === 'string' ? { comments, next: cursor } : { comments };
}
function record(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}
function numberOrNull(value) {
    return typeof value === 'number' ? value : null;
}
/** Why the read failed, in one sentence: GitHub's status or GraphQL error, else what was wrong with the answer. */
function readFailure(where, error) {
    const status = error?.status;
    const errors = error?.errors;
    if (Array.isArray(errors) && errors.length > 0) {
        const first = errors[0];
        const type = typeof first?.type === 'string' ? `${first.type}: ` : '';
        return `GitHub could not list ${where} (GraphQL ${type}${String(first?.message ?? 'an error')})`;
    }
    if (typeof status === 'number') {
        const hint = status === 401 || status === 403 ? '; the token needs `pull-requests: read`' : '';
        return `GitHub could not list ${where} (${status}): ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .describeError */ .Uc)(error)}${hint}`;
    }
    if (error instanceof TypeError || error instanceof SyntaxError) {
        return `GitHub's answer when listing ${where} is not what its API documents (${(0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .describeError */ .Uc)(error)})`;
    }
    return `GitHub could not list ${where}: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .describeError */ .Uc)(error)}`;
}


/***/ }),

/***/ 4329:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Dz: () => (/* binding */ parseCommitment),
/* harmony export */   E0: () => (/* binding */ escapeField),
/* harmony export */   Qk: () => (/* binding */ MARKER_PATTERN),
/* harmony export */   Ql: () => (/* binding */ commentMarker),
/* harmony export */   U4: () => (/* binding */ recordsSameCommitment),
/* harmony export */   VZ: () => (/* binding */ isNewerRun),
/* harmony export */   gY: () => (/* binding */ parseMarker),
/* harmony export */   n5: () => (/* binding */ COMMITMENT_PATTERN),
/* harmony export */   yD: () => (/* binding */ keeperOf)
/* harmony export */ });
/* unused harmony exports COMMITMENT_VERSION, commitmentLine */
/**
 * The hidden marker that starts every comment of the gate: which `comment-key` it belongs to, and
 * which run (id, attempt) wrote it at which head commit, so that an older run never overwrites a
 * newer one and racing runs agree on which comment stays.
 */
const MARKER_NAME = 'layer-budget-gate';
/** The marker line, anchored at the start of a body. */
const MARKER_PATTERN = new RegExp(`^<!-- ${MARKER_NAME} key=([A-Za-z0-9_.~%-]*) run=(\\d+) attempt=(\\d+) sha=([A-Za-z0-9_.~%-]*) -->`);
/**
 * Percent-encodes everything but [A-Za-z0-9_.~-], so a key cannot contain ">" (it cannot close the
 * HTML comment), whitespace (it cannot split the marker's fields) or anything Markdown would render.
 */
function escapeField(value) {
    return value.replace(/[^A-Za-z0-9_.~-]/gu, (c) => [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}
function unescapeField(value) {
    try {
        return decodeURIComponent(value);
    }
    catch {
        return value;
    }
}
/**
 * The hidden marker that starts every comment of this gate: `<!-- layer-budget-gate key=\u2026 run=\u2026 attempt=\u2026 sha=\u2026 -->`,
 * and, when the run priced its total, the commitment line after it (see `commitmentLine`).
 */
function commentMarker(key, run, commitment) {
    const line = `<!-- ${MARKER_NAME} key=${escapeField(key)} run=${run.id} attempt=${run.attempt} sha=${escapeField(run.sha)} -->`;
    return commitment === undefined ? line : `${line}\n${commitmentLine(commitment)}`;
}
/** The marker at the very start of a comment body, or undefined when the comment is not this gate's. */
function parseMarker(body) {
    const m = MARKER_PATTERN.exec(body);
    if (!m)
        return undefined;
    return { key: unescapeField(m[1] ?? ''), run: Number(m[2]), attempt: Number(m[3]), sha: unescapeField(m[4] ?? '') };
}
/** Whether the marker was written by a run newer than `run` (higher run id, or the same run's later attempt). */
function isNewerRun(marker, run) {
    return marker.run > run.id || (marker.run === run.id && marker.attempt > run.attempt);
}
/**
 * Of several comments of one key, the one that stays when runs raced: the newest run's (run id,
 * then attempt); between comments of the same run and attempt, the one GitHub numbered last.
 * Every racing run picks the same one, so they never delete each other's keeper.
 */
function keeperOf(comments) {
    let keeper;
    for (const c of comments) {
        const newer = keeper === undefined ||
            isNewerRun(c.marker, { id: keeper.marker.run, attempt: keeper.marker.attempt, sha: '' }) ||
            (c.marker.run === keeper.marker.run && c.marker.attempt === keeper.marker.attempt && c.id > keeper.id);
        if (newer)
            keeper = c;
    }
    return keeper;
}
/**
 * Why the commitment is a second HTML comment with JSON, not more `key=value` fields on the marker
 * line: the marker line stays byte for byte what version 1 wrote and parses (MARKER_PATTERN is
 * anchored on ` -->` after `sha=`), so a workflow still pinned to an older version of the action
 * keeps finding, updating and de-duplicating comments this version wrote; and JSON lets a later
 * version add fields that this one ignores, while `v` says when a field's meaning changed.
 */
const COMMITMENT_VERSION = 1;
const COMMITMENT_PREFIX = `<!-- ${MARKER_NAME}:commitment `;
/** The commitment line, anchored at the start of the text after the marker line. */
const COMMITMENT_PATTERN = new RegExp(`^${COMMITMENT_PREFIX}(\\{[^\\n]{0,2000}\\}) -->`);
/** The commitment line: `<!-- layer-budget-gate:commitment {"v":1,"ws":\u2026,"total":\u2026,"change":\u2026,"at":\u2026} -->`. */
function commitmentLine(commitment) {
    const record = {
        v: COMMITMENT_VERSION,
        ws: commitment.workspaceId,
        total: Math.max(0, commitment.total),
        change: Math.max(0, commitment.change),
        at: commitment.at,
    };
    // No ">" (or "<", "&") in the JSON: it could close the HTML comment, and a workspace id is text.
    const json = JSON.stringify(record).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    return `${COMMITMENT_PREFIX}${json} -->`;
}
/**
 * The commitment a gate comment records on the line after its marker. A comment without one (an
 * older version's, or a run that could not price) records none; a line that does not parse, an
 * unknown version, or figures that are not whole, non-negative micro-CU are ignored, never guessed.
 */
function parseCommitment(body) {
    const marker = MARKER_PATTERN.exec(body);
    if (!marker)
        return { ignored: 'the comment has no marker' };
    const rest = body.slice(marker[0].length).replace(/^\r?\n/, '');
    if (!rest.startsWith(COMMITMENT_PREFIX))
        return { ignored: 'the comment records no commitment (an older version, or nothing was priced)' };
    const m = COMMITMENT_PATTERN.exec(rest);
    if (!m)
        return { ignored: 'its commitment line is not closed on its line' };
    let record;
    try {
        record = JSON.parse(m[1] ?? '');
    }
    catch {
        return { ignored: 'its commitment is not JSON' };
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record))
        return { ignored: 'its commitment is not a JSON object' };
    const { v, ws, total, change, at } = record;
    if (v !== COMMITMENT_VERSION)
        return { ignored: `its commitment has version ${JSON.stringify(v)}, which this version does not read` };
    if (typeof ws !== 'string' || ws === '')
        return { ignored: 'its commitment names no workspace' };
    const whole = (x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
    if (!whole(total) || !whole(change))
        return { ignored: 'its commitment is not whole, non-negative micro-CU' };
    if (typeof at !== 'string' || Number.isNaN(Date.parse(at)))
        return { ignored: 'its commitment has no valid time' };
    return { commitment: { workspaceId: ws, total, change, at, sha: unescapeField(marker[4] ?? '') } };
}
/**
 * Whether a comment already records this commitment (the same workspace and figures; the time may
 * differ): a run with nothing new to say leaves the comment alone only then, so a comment that
 * records none, or other figures, is rewritten and the other pull requests read what is true now.
 */
function recordsSameCommitment(body, commitment) {
    const parsed = parseCommitment(body);
    if (!('commitment' in parsed))
        return commitment === undefined;
    const stored = parsed.commitment;
    return (commitment !== undefined &&
        stored.workspaceId === commitment.workspaceId &&
        stored.total === Math.max(0, commitment.total) &&
        stored.change === Math.max(0, commitment.change));
}


/***/ }),

/***/ 6702:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Qi: () => (/* binding */ createOctokit)
/* harmony export */ });
/* unused harmony exports DO_NOT_RETRY, TEST_WAIT_UNIT_ENV */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8298);
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1351);
/* harmony import */ var _actions_github_lib_utils__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9083);
/* harmony import */ var _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9735);
/* harmony import */ var _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(6856);
/* harmony import */ var bottleneck__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2203);
/* harmony import */ var bottleneck__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(bottleneck__WEBPACK_IMPORTED_MODULE_3__);






/**
 * Statuses plugin-retry leaves alone (it retries every other status >= 400). 403 and 429 are
 * here because plugin-throttling, which wraps this plugin, retries a rate limit, and a plain 429
 * is retried by retryPlainTooManyRequests (honouring Retry-After); a plain 403 (read-only token) is
 * final. 409 is an empty repository or a conflict.
 */
const DO_NOT_RETRY = [400, 401, 403, 404, 405, 409, 410, 413, 415, 422, 429, 451];
const coreLog = { debug: (m) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .debug */ .Yz(m), warning: (m) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(m) };
/**
 * TEST ONLY, never set on a runner: milliseconds that stand for one second of GitHub waiting in the
 * built action (retry backoff, `Retry-After`, write pacing), so its end-to-end tests do not sleep.
 * Unset or not a whole number: the production defaults above.
 */
const TEST_WAIT_UNIT_ENV = 'LAYER_BUDGET_GATE_TEST_GITHUB_WAIT_UNIT_MS';
/** The test-only wait unit from the environment, or undefined when it is unset or malformed. */
function testWaitUnitMs() {
    const value = process.env[TEST_WAIT_UNIT_ENV]?.trim();
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}
/** Builds the GitHub client once, with retries, rate-limit handling and a per-attempt timeout; everything else receives it. */
function createOctokit(token, options = {}) {
    const log = options.log ?? coreLog;
    const baseUrl = (options.baseUrl ?? process.env['GITHUB_API_URL'] ?? 'https://api.github.com').replace(/\/+$/, '');
    const testUnitMs = testWaitUnitMs();
    const retryDelayMs = options.retryDelayMs ?? testUnitMs ?? 1000;
    const rateLimitRetries = options.rateLimitRetries ?? 2;
    const maxWait = options.maxRateLimitWaitSeconds ?? 60;
    // One handler for both kinds of rate limit: retry a few times, unless GitHub asks for a long wait.
    const onLimit = (kind) => (retryAfter, request, _octokit, retryCount) => {
        const what = `${kind} rate limit on ${request.method} ${request.url}`;
        if (retryCount >= rateLimitRetries) {
            log.warning(`GitHub ${what}: giving up after ${retryCount} retries.`);
            return false;
        }
        if (retryAfter > maxWait) {
            log.warning(`GitHub ${what}: it asks to wait ${retryAfter} s, longer than ${maxWait} s; not waiting.`);
            return false;
        }
        log.warning(`GitHub ${what}: retrying in ${retryAfter} s (retry ${retryCount + 1} of ${rateLimitRetries}).`);
        return true;
    };
    // Shallow-merged over @actions/github's defaults, so its proxy-aware fetch must be carried over by hand.
    const proxyFetch = (_actions_github_lib_utils__WEBPACK_IMPORTED_MODULE_2__/* .defaults */ .NT.request?.fetch ?? globalThis.fetch);
    // Under the test unit, writes keep plugin-throttling's pacing (1 s, 3 s for writes that notify) in that unit.
    const pacing = options.writeIntervalMs !== undefined
        ? { write: options.writeIntervalMs, notifications: options.writeIntervalMs }
        : testUnitMs !== undefined
            ? { write: testUnitMs, notifications: 3 * testUnitMs }
            : undefined;
    const writeGroups = pacing === undefined
        ? {}
        : {
            write: new (bottleneck__WEBPACK_IMPORTED_MODULE_3___default().Group)({ maxConcurrent: 1, minTime: pacing.write }),
            notifications: new (bottleneck__WEBPACK_IMPORTED_MODULE_3___default().Group)({ maxConcurrent: 1, minTime: pacing.notifications }),
        };
    const octokit = (0,_actions_github__WEBPACK_IMPORTED_MODULE_1__/* .getOctokit */ .Q)(token, {
        baseUrl,
        log: {
            debug: (m) => log.debug(m),
            info: (m) => log.debug(m),
            warn: (m) => log.warning(m),
            error: (m) => log.warning(m),
        },
        request: { ..._actions_github_lib_utils__WEBPACK_IMPORTED_MODULE_2__/* .defaults */ .NT.request, fetch: withTimeout(proxyFetch, options.timeoutMs ?? 30_000) },
        retry: { doNotRetry: DO_NOT_RETRY, retries: options.retries ?? 3, retryAfterBaseValue: retryDelayMs },
        throttle: {
            onRateLimit: onLimit('primary'),
            onSecondaryRateLimit: onLimit('secondary'),
            retryAfterBaseValue: retryDelayMs,
            ...writeGroups,
        },
    }, _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_4__/* .retry */ .L, _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_5__/* .throttling */ .A);
    retryPlainTooManyRequests(octokit, { retries: rateLimitRetries, maxWait, retryDelayMs, log });
    return octokit;
}
/**
 * A 429 that is neither a secondary rate limit nor an exhausted primary one (which plugin-throttling
 * handles) reaches no plugin: plugin-throttling ignores it and plugin-retry must not retry 429s
 * blindly. Retry it here, honouring `Retry-After` in seconds (else 1 s, then 2 s), within `maxWait`.
 */
function retryPlainTooManyRequests(octokit, { retries, maxWait, retryDelayMs, log }) {
    const wrap = octokit.hook.wrap;
    wrap('request', async (request, options) => {
        for (let retry = 0;; retry++) {
            try {
                return await request(options);
            }
            catch (error) {
                const { status, response } = error;
                const headers = response?.headers ?? {};
                if (status !== 429 || headers['x-ratelimit-remaining'] === '0' || retry >= retries)
                    throw error;
                const header = headers['retry-after'];
                const seconds = header !== undefined && /^\d+$/.test(header.trim()) ? Number(header) : 2 ** retry;
                const what = `GitHub rate limit (429) on ${options.method ?? 'GET'} ${options.url ?? ''}`;
                if (seconds > maxWait) {
                    log.warning(`${what}: it asks to wait ${seconds} s, longer than ${maxWait} s; not waiting.`);
                    throw error;
                }
                log.warning(`${what}: retrying in ${seconds} s (retry ${retry + 1} of ${retries}).`);
                await new Promise((resolve) => setTimeout(resolve, seconds * retryDelayMs));
            }
        }
    });
}
/**
 * Gives every attempt its own deadline. A timeout is rethrown as a failed fetch (TypeError with a
 * cause), which @octokit/request turns into a status-500 RequestError that plugin-retry retries;
 * a plain AbortError would not be retried. An abort the caller asked for stays an abort.
 */
function withTimeout(fetchImpl, timeoutMs) {
    return async (input, init) => {
        const deadline = AbortSignal.timeout(timeoutMs);
        const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
        try {
            return await fetchImpl(input, { ...init, signal });
        }
        catch (error) {
            if (deadline.aborted && !init?.signal?.aborted) {
                // @octokit/request makes its error message from `cause.message`; the abort is kept one level down.
                throw new TypeError('fetch failed', {
                    // eslint-disable-next-line preserve-caught-error -- the abort is this cause's own cause
                    cause: new Error(`GitHub did not answer within ${timeoutMs / 1000} s`, { cause: error }),
                });
            }
            throw error;
        }
    };
}


/***/ })

};

//# sourceMappingURL=230.index.js.map