export const id = 391;
export const ids = [391,285];
export const modules = {

/***/ 2391:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  PullRequestGitHub: () => (/* binding */ PullRequestGitHub),
  RELIST_AFTER_MS: () => (/* binding */ RELIST_AFTER_MS),
  changesGenerations: () => (/* binding */ changesGenerations)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 17 modules
var core = __webpack_require__(8298);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/report/markdown.ts
var markdown = __webpack_require__(4285);
// EXTERNAL MODULE: ./src/github/marker.ts
var github_marker = __webpack_require__(4329);
;// CONCATENATED MODULE: ./src/github/comment.ts
/**
 * The sticky pull-request comment on GitHub: find this key's comments by marker (every page, only
 * the token's own account), then update, create, delete-and-new or hide-and-new, never over a newer
 * run's comment, and settle a race after a create. Over 400 lines because those steps share the
 * private comment types and GitHub's error handling; split, each half would export them.
 */




/** GitHub refuses an issue comment body longer than this many characters. */

/** The token's own account (GraphQL `viewer`: its `databaseId` is the REST `user.id`). */
const VIEWER_QUERY = 'query { viewer { login databaseId } }';
async function viewer(octokit) {
    const answer = await octokit.graphql(VIEWER_QUERY);
    const { login, databaseId } = answer?.viewer ?? {};
    if (typeof login !== 'string' || typeof databaseId !== 'number' || !Number.isSafeInteger(databaseId)) {
        throw new TypeError("GitHub's answer to `viewer` does not name an account (login and databaseId)");
    }
    return { id: databaseId, login };
}
/** The sticky comment could not be found, written, hidden or deleted. The caller reports it as a warning. */
class CommentError extends errors/* GateError */.ue {
    status;
    name = 'CommentError';
    constructor(message, 
    /** HTTP status GitHub answered, when it answered. */
    status) {
        super(message);
        this.status = status;
    }
}
/** GitHub refused the comment for lack of permission (401/403/404): a read-only token, as on pull requests from forks. */
class CommentPermissionError extends CommentError {
    name = 'CommentPermissionError';
}
/** The body after the marker line, normalised as GitHub may store it (CRLF, trailing space). */
function content(body) {
    const m = github_marker/* MARKER_PATTERN */.Qk.exec(body);
    const afterMarker = m ? body.slice(m[0].length).replace(/^\r?\n/, '') : body;
    const commitment = github_marker/* COMMITMENT_PATTERN */.n5.exec(afterMarker);
    const rest = commitment ? afterMarker.slice(commitment[0].length).replace(/^\r?\n/, '') : afterMarker;
    const footer = rest.lastIndexOf(markdown.FOOTER_MARK);
    return (footer === -1 ? rest : rest.slice(0, footer)).replace(/\r\n/g, '\n').trimEnd();
}
/** Written by `account`: the same numeric id (a login can be chosen to look like another). */
function writtenBy(comment, account) {
    return typeof comment.user?.id === 'number' && comment.user.id === account.id;
}
/** GitHub's answer to a write, checked: a comment has a numeric id and a URL; anything else is not trusted as written. */
function checkedComment(answer, action, where) {
    const comment = answer;
    if (typeof comment === 'object' && comment !== null && typeof comment.id === 'number' && typeof comment.html_url === 'string') {
        return comment;
    }
    const shown = typeof answer === 'string' ? `"${answer.slice(0, 60)}"` : (JSON.stringify(answer)?.slice(0, 80) ?? String(answer));
    throw new CommentError(`GitHub's answer when trying to ${action} on ${where} is not a comment (${shown}), so it may not have been written; re-run the job, and check GITHUB_API_URL if it persists`);
}
function statusOf(error) {
    const status = error?.status;
    return typeof status === 'number' ? status : undefined;
}
/** GraphQL answers 200 with `errors: [{ type: "FORBIDDEN" | "NOT_FOUND", \u2026 }]` where REST would answer 403/404. */
function graphqlErrorTypes(error) {
    const errors = error?.errors;
    return Array.isArray(errors) ? errors.map((e) => String(e?.type ?? '')) : [];
}
/** Turns a failed call into a CommentError that says what failed, why, and what to do. */
function commentStop(action, where, error) {
    const status = statusOf(error) ?? (graphqlErrorTypes(error).includes('FORBIDDEN') ? 403 : undefined);
    const said = (0,errors/* describeError */.Uc)(error);
    if (status === 403 && !/rate limit/i.test(said)) {
        return new CommentPermissionError(`GitHub refused to ${action} on ${where} (403): the token is read-only, as on pull requests from forks. ` +
            'Use the pull_request_target recipe in the README, or give the job `permissions: pull-requests: write`.', 403);
    }
    if (status === 401) {
        return new CommentPermissionError(`GitHub refused to ${action} on ${where} (401): the token is invalid or expired. Check the \`github-token\` input.`, 401);
    }
    if (status === undefined && (error instanceof TypeError || error instanceof SyntaxError)) {
        // Not a RequestError: GitHub answered, but not with what its API documents (a proxy's page, a cut body).
        return new CommentError(`GitHub's answer when trying to ${action} on ${where} is not what its API documents (${said}); re-run the job, and check GITHUB_API_URL if it persists`);
    }
    if (status === 404) {
        return new CommentPermissionError(`GitHub could not ${action} on ${where} (404): the pull request does not exist or the token cannot see it. ` +
            'Check that the job runs on a pull request of this repository and that `github-token` may read it.', 404);
    }
    return new CommentError(`GitHub could not ${action} on ${where}${status ? ` (${status})` : ''}: ${said}`, status);
}
/**
 * Writes the gate's sticky comment on a pull request: finds this key's comments by their marker
 * across every page, then updates, creates, deletes or hides as `mode` says. Never touches a comment
 * written by a newer run, and does not rewrite a comment whose body would not change. After creating,
 * removes the duplicates of runs that raced it (the newest run's comment stays).
 */
async function publishComment(octokit, options) {
    if (options.mode === 'off')
        return { action: 'off' };
    return writeComment(octokit, await findComments(octokit, options), options);
}
/**
 * The first half of publishComment: this key's comments, found by their marker across every page.
 * It needs no verdict, so a run lists while Layer prices; a CommentError when GitHub cannot say.
 */
async function findComments(octokit, options) {
    return listOurs(octokit, options, options.author, options.pendingAuthor);
}
/** The second half of publishComment: writes the comment from what `findComments` found (see publishComment). */
async function writeComment(octokit, { ours }, options) {
    if (options.mode === 'off')
        return { action: 'off' };
    const { owner, repo, issueNumber: issue_number, run } = options;
    const where = `${owner}/${repo}#${issue_number}`;
    const newest = [...ours].reverse().find((c) => (0,github_marker/* isNewerRun */.VZ)(c.marker, run));
    if (newest) {
        const m = newest.marker;
        return {
            action: 'skipped-newer',
            url: newest.comment.html_url,
            message: `The pull request comment was left alone: a newer run (run ${m.run}, attempt ${m.attempt}, commit ${m.sha.slice(0, 7)}) ` +
                `already wrote it; this is run ${run.id}, attempt ${run.attempt}.`,
        };
    }
    const marker = (0,github_marker/* commentMarker */.Ql)(options.key, run, options.commitment);
    const full = options.render(false);
    // Skip a request GitHub is sure to refuse; a 422 for any other reason still falls back below.
    const tooLong = marker.length + 1 + full.length > markdown.COMMENT_MAX_CHARS;
    const first = tooLong ? options.render(true) : full;
    const write = async (action, send) => {
        let written;
        try {
            written = await send(`${marker}\n${first}`);
        }
        catch (error) {
            if (statusOf(error) !== 422 || tooLong)
                throw commentStop(action, where, error);
            try {
                written = await send(`${marker}\n${options.render(true)}`);
            }
            catch (retryError) {
                throw commentStop(action, where, retryError);
            }
        }
        return checkedComment(written, action, where);
    };
    const create = () => write('create the comment', async (body) => (await octokit.rest.issues.createComment({ owner, repo, issue_number, body })).data);
    // Comments that were there before this run wrote: what the mode keeps (`new`) is none of the race's business.
    const before = new Set(ours.map((c) => c.comment.id));
    const createSettled = async () => settleRace(octokit, options, await create(), before);
    // Same commit and same text, in any mode: leave it, rather than rewrite it or post a duplicate on a
    // re-run. The stored text may be the compact layout a 422 left, which the full one would hit again.
    // (A newer commit with the same text still writes, so the marker records it and a late older run
    // sees a newer one.)
    const latest = ours.at(-1);
    if (latest && latest.marker.sha === run.sha && (0,github_marker/* recordsSameCommitment */.U4)(latest.comment.body ?? '', options.commitment)) {
        const stored = content(latest.comment.body ?? '');
        if (stored === content(first) || (!tooLong && stored === content(options.render(true)))) {
            return { action: 'unchanged', url: latest.comment.html_url };
        }
    }
    if (!latest && options.createWhenMissing === false)
        return { action: 'not-created' };
    if (options.mode === 'update') {
        const target = latest;
        if (!target)
            return createSettled();
        try {
            const updated = await write('update the comment', async (body) => (await octokit.rest.issues.updateComment({ owner, repo, comment_id: target.comment.id, body })).data);
            return { action: 'updated', url: updated.html_url };
        }
        catch (error) {
            // Deleted between the listing and the update: write it anew.
            if (error instanceof CommentError && error.status === 404)
                return createSettled();
            throw error;
        }
    }
    // new, delete-and-new, hide-and-new: post first, then clean up, so a failure never leaves the PR without a comment.
    const created = await create();
    const old = ours.filter((c) => c.comment.id !== created.id);
    let cleanup;
    try {
        if (options.mode === 'delete-and-new')
            await deleteComments(octokit, owner, repo, old);
        if (options.mode === 'hide-and-new')
            await hideComments(octokit, old);
    }
    catch (error) {
        const failure = commentStop(options.mode === 'delete-and-new' ? 'delete an older comment' : 'hide an older comment', where, error);
        cleanup = `The new comment was posted, but older ones remain: ${failure.message}`;
    }
    const settled = await settleRace(octokit, options, created, before);
    const message = [cleanup, settled.message].filter((m) => m !== undefined).join(' ');
    return { ...settled, ...(message ? { message } : {}) };
}
/**
 * Lists this key's comments written by `author` (by default the token's own account, asked through
 * `viewer` only when some comment carries the marker), oldest first.
 */
async function listOurs(octokit, { owner, repo, issueNumber: issue_number, key }, author, pendingAuthor) {
    const where = `${owner}/${repo}#${issue_number}`;
    const escapedKey = (0,github_marker/* escapeField */.E0)(key);
    const ours = [];
    let account = author;
    try {
        const listed = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });
        if (!Array.isArray(listed) ||
            !listed.every((c) => typeof c?.id === 'number' && typeof c.html_url === 'string')) {
            throw new TypeError('the listing is not a list of comments');
        }
        for (const comment of listed) {
            const marker = comment.body === undefined ? undefined : (0,github_marker/* parseMarker */.gY)(comment.body);
            if (marker && (0,github_marker/* escapeField */.E0)(marker.key) === escapedKey)
                ours.push({ comment, marker });
        }
        // Who "we" are only matters when some comment carries the marker; the first run of a PR skips the question.
        if (ours.length > 0) {
            const own = author ?? (await pendingAuthor) ?? (await viewer(octokit));
            account = own;
            ours.splice(0, ours.length, ...ours.filter((c) => writtenBy(c.comment, own)));
        }
    }
    catch (error) {
        throw commentStop('find the comment', where, error);
    }
    return { ours: ours.sort((a, b) => a.comment.id - b.comment.id), ...(account !== undefined ? { account } : {}) };
}
/**
 * Two runs racing on one pull request can both find no comment and both create one. So after
 * creating, list again: of this key's own comments that were not there before this run wrote
 * (this run's and those of racing runs), keep the newest run's and delete the others. Every
 * racing run keeps the same one, so the pull request ends with one comment whichever lists last.
 * A failure here is a message: the comment was written.
 */
async function settleRace(octokit, options, created, before) {
    const { owner, repo, issueNumber, run } = options;
    // The account GitHub says wrote the new comment is the token's own: no need to ask `viewer`.
    const author = options.author ?? (typeof created.user?.id === 'number' ? { id: created.user.id, login: created.user.login } : undefined);
    let fresh;
    try {
        const { ours: listed } = await listOurs(octokit, options, author);
        fresh = listed.filter((c) => !before.has(c.comment.id));
        // GitHub may not list a comment the moment it is written: it is still this run's to weigh.
        if (!fresh.some((c) => c.comment.id === created.id))
            fresh.push({ comment: created, marker: { key: options.key, run: run.id, attempt: run.attempt, sha: run.sha } });
    }
    catch (error) {
        return {
            action: 'created',
            url: created.html_url,
            message: `The comment was posted, but whether a concurrent run posted one too is unknown: ${(0,errors/* describeError */.Uc)(error)}`,
        };
    }
    const keeper = (0,github_marker/* keeperOf */.yD)(fresh.map((c) => ({ ...c, id: c.comment.id })));
    if (!keeper || fresh.length === 1)
        return { action: 'created', url: created.html_url };
    const duplicates = fresh.filter((c) => c.comment.id !== keeper.id);
    let failure;
    try {
        await deleteComments(octokit, owner, repo, duplicates);
    }
    catch (error) {
        failure = commentStop('delete a duplicate comment', `${owner}/${repo}#${issueNumber}`, error).message;
    }
    const m = keeper.marker;
    const said = keeper.id === created.id
        ? `A concurrent run posted this pull request's comment too; ${failure ? 'its duplicate could not be removed' : 'its duplicate was removed'}.`
        : `A concurrent run (run ${m.run}, attempt ${m.attempt}) posted this pull request's comment too and is newer; ` +
            `${failure ? 'this run could not remove its own duplicate' : "this run's duplicate was removed"}.`;
    const message = failure ? `${said} ${failure}` : said;
    return keeper.id === created.id
        ? { action: 'created', url: created.html_url, message }
        : { action: 'skipped-newer', url: keeper.comment.html_url, message };
}
async function deleteComments(octokit, owner, repo, old) {
    for (const { comment } of old) {
        try {
            await octokit.rest.issues.deleteComment({ owner, repo, comment_id: comment.id });
        }
        catch (error) {
            if (statusOf(error) !== 404)
                throw error; // already gone is fine
        }
    }
}
const MINIMIZED_QUERY = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on IssueComment { id isMinimized } } }`;
const MINIMIZE_MUTATION = `mutation($subjectId: ID!) {
  minimizeComment(input: { subjectId: $subjectId, classifier: OUTDATED }) { minimizedComment { isMinimized } }
}`;
/** Minimises the old comments as outdated; REST does not say which are already hidden, so GraphQL is asked first. */
async function hideComments(octokit, old) {
    const hidden = new Set();
    for (let i = 0; i < old.length; i += 100) {
        const ids = old.slice(i, i + 100).map((c) => c.comment.node_id);
        const { nodes } = await octokit.graphql(MINIMIZED_QUERY, { ids });
        for (const node of nodes)
            if (node?.id && node.isMinimized)
                hidden.add(node.id);
    }
    for (const { comment } of old) {
        if (hidden.has(comment.node_id))
            continue;
        try {
            await octokit.graphql(MINIMIZE_MUTATION, { subjectId: comment.node_id });
        }
        catch (error) {
            if (!graphqlErrorTypes(error).includes('NOT_FOUND'))
                throw error; // deleted meanwhile is fine
        }
    }
}

// EXTERNAL MODULE: ./src/github/commitments.ts
var commitments = __webpack_require__(7553);
// EXTERNAL MODULE: ./src/together.ts
var together = __webpack_require__(2297);
// EXTERNAL MODULE: ./src/manifest/load.ts + 7 modules
var load = __webpack_require__(6648);
// EXTERNAL MODULE: ./src/manifest/problems.ts + 1 modules
var manifest_problems = __webpack_require__(2943);
// EXTERNAL MODULE: ./node_modules/tinyglobby/dist/index.mjs + 1 modules
var dist = __webpack_require__(3382);
;// CONCATENATED MODULE: ./src/github/contents.ts


/** The largest manifest read through the API, like the local loader's cap: a hostile file cannot exhaust memory. */
const MAX_REMOTE_FILE_BYTES = 5 * 1024 * 1024;
/** A file or listing that could not be read from GitHub; the message says which one, why, and what to do. */
class RemoteFileError extends errors/* GateError */.ue {
    status;
    name = 'RemoteFileError';
    constructor(message, 
    /** HTTP status GitHub answered, when it answered. */
    status) {
        super(message);
        this.status = status;
    }
}
function contents_statusOf(error) {
    const status = error?.status;
    return typeof status === 'number' ? status : undefined;
}
function contents_short(ref) {
    return /^[0-9a-f]{40}$/i.test(ref) ? ref.slice(0, 7) : ref;
}
/** The "why" and "what to do" of a failed read, from GitHub's status. */
function readFailure(what, error) {
    const status = contents_statusOf(error);
    const hint = status === 401
        ? 'the token is invalid or expired; check the `github-token` input'
        : status === 403
            ? 'the token may not read the repository contents; give the job `permissions: contents: read`'
            : (0,errors/* describeError */.Uc)(error);
    return new RemoteFileError(`Could not read ${what} from GitHub${status ? ` (${status})` : ''}: ${hint}.`, status);
}
/**
 * Normalises a repository-relative path or pattern and refuses one that could leave the repository
 * (absolute, drive letter, or a ".." segment). Backslashes count as separators, as on Windows runners.
 */
function insideRepo(input, what, shown = input) {
    const path = input
        .trim()
        .replace(/\\/g, '/')
        .replace(/^(\.\/)+/, '');
    if (path === '' || path === '.')
        throw new errors/* ConfigError */.xL(`${what} "${shown}" is empty: name a file inside the repository.`);
    if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.split('/').includes('..')) {
        throw new errors/* ConfigError */.xL(`${what} "${shown}" points outside the repository: use a path relative to the repository root, without "..".`);
    }
    return path;
}
/** The text of a file at a commit, or `undefined` when the file (or the commit) does not exist there. */
async function readFileAt(octokit, file) {
    const path = insideRepo(file.path, 'The manifest path');
    const where = `${path} at ${contents_short(file.ref)} in ${file.owner}/${file.repo}`;
    let data;
    try {
        ;
        ({ data } = await octokit.rest.repos.getContent({ owner: file.owner, repo: file.repo, path, ref: file.ref }));
    }
    catch (error) {
        if (contents_statusOf(error) === 404)
            return undefined;
        throw readFailure(where, error);
    }
    if (Array.isArray(data))
        throw new RemoteFileError(`${where} is a directory, not a file: name the manifest file itself or use a glob such as "${path}/*.yml".`);
    const entry = (data ?? {});
    if (entry.type === 'submodule') {
        throw new RemoteFileError(`${where} is a git submodule, not a file: the action does not read other repositories; keep the manifest in this one.`);
    }
    if (entry.type === 'symlink') {
        throw new RemoteFileError(`${where} is a symbolic link to "${String(entry.target)}", which is not a file of the repository: name the file itself.`);
    }
    if (entry.type !== 'file')
        throw new RemoteFileError(`${where} is not a file (GitHub says type "${String(entry.type)}").`);
    const size = typeof entry.size === 'number' ? entry.size : 0;
    if (size > MAX_REMOTE_FILE_BYTES)
        throw tooLarge(where, size);
    if (entry.encoding === 'base64' && typeof entry.content === 'string')
        return utf8(Buffer.from(entry.content, 'base64'), where);
    // Over 1 MB the contents API leaves `content` empty ("encoding": "none"); the raw media type still has the bytes.
    return utf8(await readRaw(octokit, file.owner, file.repo, path, file.ref, where), where);
}
async function readRaw(octokit, owner, repo, path, ref, where) {
    let data;
    try {
        ;
        ({ data } = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
            owner,
            repo,
            path,
            ref,
            headers: { accept: 'application/vnd.github.raw+json' },
        }));
    }
    catch (error) {
        throw readFailure(where, error);
    }
    // @octokit/request gives text for a text/* or utf-8 answer, bytes otherwise.
    const bytes = typeof data === 'string'
        ? Buffer.from(data, 'utf8')
        : data instanceof ArrayBuffer
            ? Buffer.from(data)
            : ArrayBuffer.isView(data)
                ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
                : undefined;
    if (bytes === undefined)
        throw new RemoteFileError(`GitHub answered ${where} with something that is not the file's bytes.`);
    if (bytes.length > MAX_REMOTE_FILE_BYTES)
        throw tooLarge(where, bytes.length);
    return bytes;
}
function tooLarge(where, size) {
    return new RemoteFileError(`${where} is ${(size / 1024 / 1024).toFixed(1)} MiB, over the ${MAX_REMOTE_FILE_BYTES / 1024 / 1024} MiB limit for a manifest: split it into several files.`);
}
function utf8(bytes, where) {
    try {
        return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    }
    catch {
        throw new RemoteFileError(`${where} is not UTF-8 text: save the manifest as UTF-8.`);
    }
}
/** Every file path at a commit (one recursive git-trees call); fails rather than return a partial list. */
async function listFilesAt(octokit, at) {
    const where = `the file list of ${at.owner}/${at.repo} at ${contents_short(at.ref)}`;
    let tree;
    let truncated;
    try {
        const { data } = await octokit.rest.git.getTree({ owner: at.owner, repo: at.repo, tree_sha: at.ref, recursive: 'true' });
        tree = data.tree;
        truncated = data.truncated;
    }
    catch (error) {
        const status = contents_statusOf(error);
        if (status === 409)
            return []; // an empty repository has no tree
        if (status === 404) {
            throw new RemoteFileError(`Could not read ${where}: GitHub knows no commit "${at.ref}" there, or the token cannot see the repository (404).`, 404);
        }
        throw readFailure(where, error);
    }
    if (truncated) {
        // Matching globs against part of the tree could silently miss a manifest: fail closed instead.
        throw new RemoteFileError(`${where[0]?.toUpperCase()}${where.slice(1)} is too large for one GitHub API answer (truncated), so globs cannot be matched reliably: list the manifest paths in \`manifest\` without wildcards.`);
    }
    // Blobs are files (symlinks included, as a local glob follows them); trees and submodules ("commit") are not.
    return tree.filter((entry) => entry.type === 'blob' && typeof entry.path === 'string').map((entry) => entry.path);
}
/**
 * The paths that `patterns` match, in the order of `paths`, with the same semantics as globbing the
 * workspace with tinyglobby (same defaults; "!pattern" excludes): tinyglobby runs over `paths` as a
 * virtual directory tree. Patterns that could leave the repository are refused.
 */
function matchFiles(paths, patterns, options = {}) {
    const checked = patterns.map((pattern) => {
        const negated = pattern.startsWith('!');
        return `${negated ? '!' : ''}${insideRepo(negated ? pattern.slice(1) : pattern, 'The manifest pattern', pattern)}`;
    });
    if (checked.length === 0 || paths.length === 0)
        return [];
    // Directory -> entries, keyed by "/"-joined repository-relative paths ("" is the root).
    const dirs = new Map([['', new Map()]]);
    for (const path of paths) {
        const parts = path.split('/');
        for (let i = 0; i < parts.length; i++) {
            const dir = parts.slice(0, i).join('/');
            let entries = dirs.get(dir);
            if (!entries)
                dirs.set(dir, (entries = new Map()));
            const isDir = i < parts.length - 1;
            entries.set(parts[i] ?? '', isDir || (entries.get(parts[i] ?? '') ?? false));
        }
    }
    const root = '/virtual-repository';
    const relative = (p) => {
        const path = String(p).replace(/\\/g, '/').replace(/\/+$/, '');
        const at = path.indexOf(root);
        return at < 0 ? path : path.slice(at + root.length).replace(/^\/+/, '');
    };
    const dirent = (name, isDir) => ({
        name,
        isFile: () => !isDir,
        isDirectory: () => isDir,
        isSymbolicLink: () => false,
    });
    const readdirSync = (p) => [...(dirs.get(relative(p)) ?? new Map())].map(([name, isDir]) => dirent(name, isDir));
    const matched = new Set((0,dist/* globSync */.AZ)(checked, {
        ...options,
        cwd: root,
        followSymbolicLinks: false,
        // The virtual tree only implements what fdir calls for a synchronous crawl without symlinks.
        fs: { readdirSync: readdirSync },
    }));
    return paths.filter((path) => matched.has(path));
}

// EXTERNAL MODULE: ./src/problem.ts
var problem = __webpack_require__(4008);
;// CONCATENATED MODULE: ./src/github/manifests.ts






/**
 * Glob semantics of the local loader (src/manifest/files.ts): dot files match, a directory is not
 * expanded, node_modules and .git are skipped. The same pattern must pick the same files at the base
 * commit as in the workspace, or the diff would call every generation of a dot directory "added".
 */
const LOCAL_GLOB = { dot: true, expandDirectories: false };
const IGNORED_SEGMENT = /(^|\/)(node_modules|\.git)\//;
function isLiteral(pattern) {
    return !pattern.startsWith('!') && !(0,dist/* isDynamicPattern */.ey)(pattern);
}
/** A literal pattern as the repository path it names ("./a\\b.yml" -> "a/b.yml"). */
function literalPath(pattern) {
    return pattern
        .trim()
        .replace(/\\/g, '/')
        .replace(/^(\.\/)+/, '');
}
/**
 * Read and parse the manifests that `patterns` match at a commit; the files are data, never run.
 * Literal paths are read directly: no tree listing, which also works in repositories too large for
 * one (truncated) listing. `missing` holds the literal patterns with no file at that commit.
 */
async function readAt(octokit, at) {
    const literal = at.patterns.every(isLiteral);
    let files;
    if (literal) {
        files = [...new Set(at.patterns.map(literalPath))].sort();
    }
    else {
        const listed = (await listFilesAt(octokit, at)).filter((path) => !IGNORED_SEGMENT.test(path));
        // One pattern at a time, as the workspace loader globs them: the union, sorted.
        files = [...new Set(at.patterns.flatMap((pattern) => matchFiles(listed, [pattern], LOCAL_GLOB)))].sort();
    }
    const into = (0,load/* gathered */.Pm)();
    const found = new Set();
    for (const file of files) {
        const text = await readFileAt(octokit, { owner: at.owner, repo: at.repo, path: file, ref: at.ref });
        if (text === undefined)
            continue;
        found.add(file);
        (0,load/* gatherManifest */.vQ)(into, file, text);
    }
    const matched = literal ? [...found] : files;
    const missing = at.patterns.filter((pattern) => isLiteral(pattern) && !matched.includes(literalPath(pattern)));
    return { files: matched, manifests: into.manifests, problems: into.problems, missing };
}
/** The head manifests at a commit (pull_request_target): every problem fails the run, like local files. */
async function loadManifestsAt(octokit, at) {
    const { files, manifests, problems, missing } = await readAt(octokit, at);
    // As in the workspace: a named file that is not there is an error, even when other patterns matched.
    if (files.length === 0 || missing.length > 0) {
        const tried = files.length === 0 ? at.patterns : missing;
        throw new errors/* ManifestError */.Sh(`no manifest found at ${tried.join(', ')} in commit ${at.ref.slice(0, 7)} (input \`manifest\`): add it to the pull request or point \`manifest\` at your file`);
    }
    return (0,load/* manifestsOrThrow */.UH)({ manifests, problems });
}
/**
 * The base manifests to diff against: missing at base means everything is added (an empty base);
 * an invalid base gives a note and no diff, never a failure.
 */
async function loadBaseManifests(octokit, at) {
    const short = at.ref.slice(0, 7);
    let read;
    try {
        read = await readAt(octokit, at);
    }
    catch (error) {
        return {
            baseNote: `The manifests at the base commit ${short} could not be read (${(0,errors/* describeError */.Uc)(error)}), so there is no change to show.`,
        };
    }
    const { manifests, problems } = read;
    if (problems.length > 0) {
        // Name the first problem: "1 problem in x.yml" alone leaves the reader guessing what is wrong at base.
        const [first] = problems;
        const more = problems.length > 1 ? `; ${(0,manifest_problems/* summarizeProblems */.GF)(problems)} in all` : '';
        const what = first ? `${(0,problem/* formatPosition */.L)({ file: first.file, line: first.line })}: ${first.message}${more}` : (0,manifest_problems/* summarizeProblems */.GF)(problems);
        return { baseNote: `The manifests at the base commit ${short} are invalid (${what}), so there is no change to show.` };
    }
    return { base: manifests };
}

// EXTERNAL MODULE: ./src/github/octokit.ts
var octokit = __webpack_require__(6702);
// EXTERNAL MODULE: ./src/approval.ts
var approval = __webpack_require__(2024);
;// CONCATENATED MODULE: ./src/github/approval.ts
/**
 * Approved exceptions (SPEC section 9), the reads: the pull request's labels and author as they are
 * now (the event's copy can be stale), its reviews, and the permission of each reviewer whose
 * approval could count. The decision is approval.ts's. A failed or malformed read is never an
 * approval: it comes back as an `unread` check, and the pull request is judged on its own figures.
 */


/** Most reviews read (100 a page): past it the latest reviews might be missed, so nothing counts. */
const MAX_REVIEW_PAGES = 30;
/** Most reviewers whose permission is read: each is one request, and one approver is enough. */
const MAX_PERMISSION_READS = 10;
/** A read that cannot be trusted (an answer not as GitHub documents it, too many reviews); its message says why. */
class Unreadable extends Error {
}
function malformed(what) {
    return new Unreadable(`GitHub's answer is not what its API documents (${what})`);
}
function record(value, what) {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw malformed(`${what} is not an object`);
    return value;
}
function approval_text(value, what) {
    if (typeof value !== 'string')
        throw malformed(`${what} is not a string`);
    return value;
}
function approval_statusOf(error) {
    const status = error?.status;
    return typeof status === 'number' ? status : undefined;
}
/** Reads what the approval decision needs and decides it; never throws. */
async function readApproval(octokit, query, redact) {
    try {
        return await read(octokit, query);
    }
    catch (error) {
        const status = approval_statusOf(error);
        const why = error instanceof Unreadable ? error.message : `GitHub answered ${status !== undefined ? `${status}: ` : ''}${(0,errors/* describeError */.Uc)(error)}`;
        return {
            kind: 'unread',
            label: query.label,
            required: query.required,
            warning: redact(`The approval (label \`${query.label}\`) could not be checked: ${why}. No approval counts: the pull request is judged on its own figures.`),
        };
    }
}
async function read(octokit, query) {
    const { owner, repo, number, label, head, required } = query;
    const pull = record((await octokit.rest.pulls.get({ owner, repo, pull_number: number })).data, 'the pull request');
    const labels = pull['labels'];
    if (!Array.isArray(labels))
        throw malformed('the pull request has no list of labels');
    const names = labels.map((l, i) => approval_text(record(l, `label ${i}`)['name'], `label ${i}'s name`));
    const author = approval_text(record(pull['user'], "the pull request's author")['login'], "the author's login");
    const currentHead = approval_text(record(pull['head'], "the pull request's head")['sha'], "the head's sha");
    const base = { label, labels: names, author, head, currentHead, required };
    if (currentHead !== head || !names.some((name) => name.toLowerCase() === label.toLowerCase())) {
        return (0,approval/* decideApproval */.gC)({ ...base, reviews: [], permissions: new Map() });
    }
    const reviews = [];
    let pages = 0;
    for await (const page of octokit.paginate.iterator(octokit.rest.pulls.listReviews, { owner, repo, pull_number: number, per_page: 100 })) {
        if (++pages > MAX_REVIEW_PAGES)
            throw new Unreadable(`the pull request has more than ${MAX_REVIEW_PAGES * 100} reviews, too many to read`);
        if (!Array.isArray(page.data))
            throw malformed('the reviews are not a list');
        for (const [i, item] of page.data.entries())
            reviews.push(reviewFact(item, i));
    }
    const permissions = new Map();
    for (const login of (0,approval/* approvalCandidates */.G2)({ author, head, reviews }).slice(0, MAX_PERMISSION_READS)) {
        permissions.set(login.toLowerCase(), await permissionOf(octokit, owner, repo, login));
    }
    return (0,approval/* decideApproval */.gC)({ ...base, reviews, permissions });
}
function reviewFact(item, i) {
    const review = record(item, `review ${i}`);
    const user = review['user'];
    const commitId = review['commit_id'];
    const submittedAt = review['submitted_at'];
    if (commitId !== null && typeof commitId !== 'string')
        throw malformed(`review ${i}'s commit_id is not a string`);
    return {
        // A deleted account leaves `user` null: nobody to hold a permission.
        ...(user === null ? {} : { login: approval_text(record(user, `review ${i}'s user`)['login'], `review ${i}'s login`) }),
        state: approval_text(review['state'], `review ${i}'s state`),
        commitId,
        url: approval_text(review['html_url'], `review ${i}'s html_url`),
        ...(typeof submittedAt === 'string' ? { submittedAt } : {}),
    };
}
async function permissionOf(octokit, owner, repo, username) {
    let data;
    try {
        data = (await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username })).data;
    }
    catch (error) {
        // Not a collaborator (or not a user any more): no permission at all.
        if (approval_statusOf(error) === 404)
            return { permission: 'none', roleName: 'none' };
        throw error;
    }
    const answer = record(data, `${username}'s permission`);
    const user = answer['user'];
    const grants = typeof user === 'object' && user !== null ? user['permissions'] : undefined;
    return {
        permission: approval_text(answer['permission'], `${username}'s permission`),
        // Older GitHub Enterprise Servers send no role_name: the legacy permission is all there is.
        roleName: typeof answer['role_name'] === 'string' ? answer['role_name'] : approval_text(answer['permission'], `${username}'s permission`),
        ...(typeof grants === 'object' && grants !== null ? { grants: booleans(grants) } : {}),
    };
}
function booleans(grants) {
    const out = {};
    for (const key of ['admin', 'maintain', 'push', 'triage', 'pull'])
        if (grants[key] === true)
            out[key] = true;
    return out;
}

;// CONCATENATED MODULE: ./src/github/pull-request.ts









/**
 * Whether the pull request adds, changes or removes a generation, as the report's diff says. A
 * report without a diff (the base was not compared, or could not be read or priced) counts as a
 * change: what is unknown is never taken for "nothing changed". A diff of no generation on either
 * side (its total delta is 0) is no change.
 */
function changesGenerations(report) {
    const compared = report.lines.length > 0 ? report.lines.every((line) => line.change !== undefined) : report.delta !== undefined;
    return !compared || report.lines.some((line) => line.change !== 'unchanged');
}
const NO_CHANGE_NO_COMMENT = 'No pull-request comment: this pull request adds, changes or removes no generation and has no gate comment yet ' +
    '(`comment-on: change`; set `comment-on: always` to comment on every pull request). The job summary and outputs have the result.';
/**
 * Everything a pull-request run does on GitHub: read manifests at the head (pull_request_target)
 * and base commits, and write the sticky comment. Loaded only on pull-request events, so other
 * runs never pay for Octokit.
 */
class PullRequestGitHub {
    config;
    redact;
    context;
    pr;
    octokit;
    /** The sticky comment's listing, started by `listComments` (while Layer prices); settled, so never an unhandled rejection. */
    lookup;
    now;
    relistAfterMs;
    /** The token's own account, when the read of the other open pull requests asked GitHub: the comment need not ask again. */
    viewer;
    /** That read while it runs: the early listing awaits its account rather than asking `viewer` beside it. */
    viewerRead;
    constructor(config, 
    /** GitHub's error texts are quoted in notes, warnings and comments; one that echoes a token (a proxy's
     * error page, a misconfigured GHES) must not publish it: comments and job summaries are not masked. */
    redact, context, pr, clock = {}) {
        this.config = config;
        this.redact = redact;
        this.context = context;
        this.pr = pr;
        this.now = clock.now ?? Date.now;
        this.relistAfterMs = clock.relistAfterMs ?? RELIST_AFTER_MS;
        this.octokit = config.githubToken ? (0,octokit/* createOctokit */.Qi)(config.githubToken) : undefined;
    }
    /** On pull_request_target the workspace holds the base branch: the PR's manifests are read at its head commit, as data. */
    async headManifests() {
        if (!this.octokit) {
            throw new errors/* GateError */.ue('on pull_request_target the manifest is read from the pull request through the GitHub API: the `github-token` input is empty');
        }
        try {
            // GitHub serves a fork's PR commits from the base repository too.
            return await loadManifestsAt(this.octokit, {
                owner: this.context.owner,
                repo: this.context.repo,
                ref: this.pr.headSha,
                patterns: this.config.manifestPatterns,
            });
        }
        catch (error) {
            if (error instanceof Error)
                error.message = this.redact(error.message);
            throw error;
        }
    }
    /** The manifests at the PR's base commit, or a note saying why there is no diff. */
    async baseManifests() {
        if (!this.octokit)
            return { baseNote: 'The base was not compared: the `github-token` input is empty.' };
        const { base, baseNote } = await loadBaseManifests(this.octokit, {
            owner: this.context.owner,
            repo: this.context.repo,
            ref: this.pr.baseSha,
            patterns: this.config.manifestPatterns,
        });
        // The note lands in the comment and the job summary, which the runner does not mask.
        return { ...(base ? { base } : {}), ...(baseNote !== undefined ? { baseNote: this.redact(baseNote) } : {}) };
    }
    /**
     * Starts listing the sticky comment now, while Layer prices; the write starts from this listing
     * (or from a fresh one when pricing outlasted it: see `current`).
     */
    listComments() {
        if (this.config.comment !== 'off' && this.octokit)
            void this.listing(this.octokit);
    }
    listing(octokit) {
        const pending = this.viewerRead ? { pendingAuthor: this.viewerRead } : {};
        this.lookup ??= findComments(octokit, { ...this.findOptions(), ...pending }).then((found) => ({ found, at: this.now() }), (error) => ({ error }));
        return this.lookup;
    }
    /**
     * What the write starts from: the early listing, or, when pricing outlasted it by more than
     * RELIST_AFTER_MS, a fresh one (the account already known), so a newer run's comment written
     * meanwhile is seen and not overwritten. A quick run keeps the listing it made while Layer priced.
     */
    async current(octokit) {
        const listed = await this.listing(octokit);
        if ('error' in listed)
            throw listed.error;
        if (this.now() - listed.at <= this.relistAfterMs)
            return listed.found;
        return findComments(octokit, { ...this.findOptions(), ...(listed.found.account ? { author: listed.found.account } : {}) });
    }
    /** The approval check of SPEC 9, or undefined when `approval-label` is off; it never rejects (a failed read is `unread`). */
    approval() {
        const label = this.config.approvalLabel;
        if (label === undefined)
            return undefined;
        const required = this.config.approvalPermission ?? 'maintain';
        if (!this.octokit) {
            return Promise.resolve({
                kind: 'unread',
                label,
                required,
                warning: 'The approval could not be checked: the `github-token` input is empty.',
            });
        }
        const { owner, repo } = this.context;
        const query = { owner, repo, number: this.pr.number, head: this.pr.headSha, label, required };
        return readApproval(this.octokit, query, this.redact);
    }
    /**
     * SPEC section 8: the other open pull requests on this one's base and what their gate comments
     * commit. Never rejects: when GitHub cannot be read it warns, and the pull request is judged alone.
     */
    async openPullRequests(mode) {
        const self = this.pr.number;
        const alone = (reason) => {
            core/* warning */.$e(`The other open pull requests were not counted, so this one is judged alone: ${reason}`);
            return { mode, self, read: { ok: false, reason } };
        };
        if (!this.octokit)
            return alone('the `github-token` input is empty.');
        if (this.pr.baseRef === undefined)
            return alone('the event payload does not name the base branch (pull_request.base.ref).');
        const reading = (0,commitments/* readOpenPullRequests */.Ww)(this.octokit, {
            owner: this.context.owner,
            repo: this.context.repo,
            base: this.pr.baseRef,
            key: this.config.commentKey,
            debug: (message) => core/* debug */.Yz(message),
        });
        this.viewerRead = reading.then((r) => (r.ok ? r.viewer : undefined), () => undefined);
        const read = await reading;
        if (!read.ok)
            return alone(this.redact(read.reason));
        this.viewer = read.viewer;
        if (read.incomplete !== undefined)
            core/* warning */.$e(read.incomplete);
        return { mode, self, read };
    }
    /** Write the sticky comment; a failure is a warning (the verdict still decides the step). Returns its URL. */
    async comment(report) {
        // Leave room for the marker lines publishComment puts first (the key's, and the commitment's).
        const createWhenMissing = this.config.commentOn === 'always' || changesGenerations(report);
        return this.publish((compact) => (0,markdown.renderComment)(report, { compact, maxChars: markdown.COMMENT_MAX_CHARS - 512 }), createWhenMissing, (0,together/* commitmentOf */.$L)(report));
    }
    /**
     * The run failed before it could price (an invalid manifest, \u2026): say so in the sticky comment, so
     * the verdict of an earlier commit does not stay on the pull request as if it still held.
     */
    async commentStop(notice) {
        // Nothing was priced, so whether anything changed is unknown: the reason is written.
        return this.publish(() => (0,markdown.renderStopComment)(notice, { maxChars: markdown.COMMENT_MAX_CHARS - 256 }), true);
    }
    async publish(render, createWhenMissing, commitment) {
        if (this.config.comment === 'off')
            return undefined;
        if (!this.octokit) {
            core/* warning */.$e('No pull-request comment: the `github-token` input is empty.');
            return undefined;
        }
        try {
            const outcome = await writeComment(this.octokit, await this.current(this.octokit), {
                ...this.findOptions(),
                mode: this.config.comment,
                run: { id: this.context.runId, attempt: this.context.runAttempt, sha: this.pr.headSha },
                // The one place every comment body passes: nothing the runner does not mask leaves with a secret.
                render: (compact) => this.redact(render(compact)),
                createWhenMissing,
                ...(commitment ? { commitment } : {}),
            });
            if (outcome.action === 'not-created')
                core/* info */.pq(NO_CHANGE_NO_COMMENT);
            else if (outcome.message)
                core/* info */.pq(outcome.message);
            else
                core/* info */.pq(`Pull-request comment ${outcome.action}${outcome.url ? `: ${outcome.url}` : ''}`);
            return outcome.url;
        }
        catch (error) {
            core/* warning */.$e(`The pull-request comment was not written: ${this.redact((0,errors/* describeError */.Uc)(error))}`);
            return undefined;
        }
    }
    findOptions() {
        return {
            owner: this.context.owner,
            repo: this.context.repo,
            issueNumber: this.pr.number,
            key: this.config.commentKey,
            // Known when the read of the other open pull requests answered first: no second `viewer` question.
            ...(this.viewer ? { author: this.viewer } : {}),
        };
    }
}
/**
 * How old the early listing may be when the comment is written. Past it a run lists again: a newer
 * run's comment written in that time would otherwise be overwritten. Below it the window is about
 * what it was when the listing followed the verdict (a listing's own round trips).
 */
const RELIST_AFTER_MS = 3_000;


/***/ }),

/***/ 4285:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   COMMENT_MAX_CHARS: () => (/* binding */ COMMENT_MAX_CHARS),
/* harmony export */   FOOTER_MARK: () => (/* binding */ FOOTER_MARK),
/* harmony export */   SUMMARY_MAX_BYTES: () => (/* binding */ SUMMARY_MAX_BYTES),
/* harmony export */   markdownTable: () => (/* binding */ markdownTable),
/* harmony export */   renderComment: () => (/* binding */ renderComment),
/* harmony export */   renderStopComment: () => (/* binding */ renderStopComment),
/* harmony export */   renderStopSummary: () => (/* binding */ renderStopSummary),
/* harmony export */   renderSummary: () => (/* binding */ renderSummary)
/* harmony export */ });
/* harmony import */ var _rows_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6425);
/* harmony import */ var _headline_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4512);
/* harmony import */ var _escape_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6412);
/* harmony import */ var _approval_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(79);
/* harmony import */ var _fit_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(877);
/* harmony import */ var _money_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4227);
/* harmony import */ var _problem_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(4008);
/* harmony import */ var _version_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(311);
/* harmony import */ var _others_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(9339);
/**
 * The layout of the pull-request comment and the job summary (SPEC section 4): the headline, what
 * the pull request changes, the groups, the breakdown (collapsed in a comment), the footer; and
 * which smaller shape to try when the full one is over GitHub's cap. Escaping is escape.ts's job,
 * the size search fit.ts's, the rows rows.ts's.
 */









/** GitHub's cap on an issue or pull-request comment body. */
const COMMENT_MAX_CHARS = 65_536;
/**
 * Starts the footer of a comment: what follows (run link, balance time) changes on every run, so the
 * sticky comment compares only what comes before it when deciding whether to rewrite.
 */
const FOOTER_MARK = '<!-- layer-budget-gate:footer -->';
/** GitHub's cap on one step's job summary, in bytes (UTF-8): past it the runner drops the whole summary. */
const SUMMARY_MAX_BYTES = 1_048_576;
/** Rows of each table in the compact comment (GitHub refused the full one). */
const COMPACT_ROWS = 20;
/** Failures listed once a comment has to shrink; the job summary lists all of them. */
const FEW_FAILURES = 10;
/** Longest manifest text shown in a cell, in characters, before escaping (names can be 10,000 long). */
const MAX_CELL = 120;
/** A GFM table from cells that are already Markdown; numeric columns right-aligned ("---:"). */
function markdownTable(header, rows, align) {
    const line = (cells) => `| ${cells.join(' | ')} |`;
    const rule = header.map((_, i) => (align[i] === 'right' ? '---:' : ':---'));
    return [line(header), line(rule), ...rows.map(line)].join('\n');
}
/** escapeText for table cells, remembered: a comment is rendered several times to fit, with the same cells. */
function cellEscaper() {
    const seen = new Map();
    return (cell) => {
        let text = seen.get(cell);
        if (text === undefined) {
            text = (0,_escape_js__WEBPACK_IMPORTED_MODULE_2__/* .escapeText */ .X1)(cell, MAX_CELL);
            seen.set(cell, text);
        }
        return text;
    };
}
/** A rows.ts table as Markdown: every cell escaped, a row's link on its first cell, subtotal rows in bold. */
function renderTable(table, cellText) {
    const rows = table.rows.map((row) => row.cells.map((cell, i) => {
        const text = cellText(cell);
        if (text === '')
            return '';
        // The text is escaped (no "]" or "[" left) and the URL percent-encoded: the link cannot break out.
        if (i === 0 && row.href !== undefined)
            return `[${text}](${row.href})`;
        if (row.kind === 'subtotal')
            return `**${text}**`;
        if (row.kind === 'more')
            return `_${text}_`;
        return text;
    }));
    return markdownTable(table.header.map((h) => (0,_escape_js__WEBPACK_IMPORTED_MODULE_2__/* .escapeText */ .X1)(h, MAX_CELL)), rows, table.align);
}
/**
 * The sticky pull-request comment. Sized in stages so it never exceeds `maxChars`, whatever the
 * input: the full comment (the breakdown folded into <details>); then the most expensive rows of
 * the breakdown with a "\u2026 N more generations (X CU)" row and a pointer to the job summary, at most
 * 10 failures, and the changed table whole; then the changed table cut too, without the group
 * table; then the compact comment; as a last resort the text is cut.
 */
function renderComment(report, options) {
    const maxChars = options.maxChars ?? COMMENT_MAX_CHARS;
    const elsewhere = 'the job summary of the workflow run has the full table';
    const prefix = options.marker ? `${options.marker}\n` : '';
    const cellText = cellEscaper();
    const render = (shape) => `${prefix}${renderBody(report, shape, 'comment', cellText)}`;
    const lines = report.entries;
    const changed = (0,_rows_js__WEBPACK_IMPORTED_MODULE_0__/* .changedLines */ .MA)(report)?.length ?? 0;
    if (!options.compact) {
        const full = render({ collapse: true, groups: true, compact: false, elsewhere });
        if (full.length <= maxChars)
            return full;
        const trimmed = (0,_fit_js__WEBPACK_IMPORTED_MODULE_6__/* .largestFitting */ .oA)((0,_fit_js__WEBPACK_IMPORTED_MODULE_6__/* .mostRows */ .ZB)(lines, maxChars), maxChars, (rowLimit) => render({ collapse: true, groups: true, rowLimit, failureLimit: FEW_FAILURES, compact: false, elsewhere }));
        if (trimmed !== undefined)
            return trimmed;
        const fewerChanges = (0,_fit_js__WEBPACK_IMPORTED_MODULE_6__/* .largestFitting */ .oA)((0,_fit_js__WEBPACK_IMPORTED_MODULE_6__/* .mostRows */ .ZB)(changed, maxChars), maxChars, (changedLimit) => render({ collapse: true, groups: false, rowLimit: 0, changedLimit, failureLimit: FEW_FAILURES, compact: false, elsewhere }));
        if (fewerChanges !== undefined)
            return fewerChanges;
    }
    const changedLimit = Math.min(COMPACT_ROWS, changed);
    const compact = (0,_fit_js__WEBPACK_IMPORTED_MODULE_6__/* .largestFitting */ .oA)(Math.min(COMPACT_ROWS, lines), maxChars, (rowLimit) => render({ collapse: true, groups: false, rowLimit, changedLimit, compact: true, elsewhere }));
    return compact ?? (0,_fit_js__WEBPACK_IMPORTED_MODULE_6__/* .cut */ .Jj)(render({ collapse: true, groups: false, rowLimit: 0, changedLimit: 0, compact: true, elsewhere }), maxChars);
}
/**
 * The sticky comment of a run that failed before it could price (an invalid manifest, a workspace
 * mismatch, too many requests): it replaces the previous verdict, which would otherwise stay on the
 * pull request as if it were still true. Lists as many problems as fit in `maxChars`.
 */
function renderStopComment(notice, options = {}) {
    const maxChars = options.maxChars ?? COMMENT_MAX_CHARS;
    const prefix = options.marker ? `${options.marker}\n` : '';
    const render = renderFailure(notice, '###', prefix);
    const text = (0,_fit_js__WEBPACK_IMPORTED_MODULE_6__/* .largestFitting */ .oA)(notice.problems.length, maxChars, render);
    return text ?? (0,_fit_js__WEBPACK_IMPORTED_MODULE_6__/* .cut */ .Jj)(render(0), maxChars);
}
/** The job summary of a run that failed before it could price: the reason and every problem, within 1 MiB. */
function renderStopSummary(notice, maxBytes = SUMMARY_MAX_BYTES) {
    const render = renderFailure(notice, '##', '');
    const text = (0,_fit_js__WEBPACK_IMPORTED_MODULE_6__/* .largestFitting */ .oA)(notice.problems.length, maxBytes, render, _fit_js__WEBPACK_IMPORTED_MODULE_6__/* .utf8Length */ .wI);
    return text ?? (0,_fit_js__WEBPACK_IMPORTED_MODULE_6__/* .cutBytes */ .Uw)(render(0), maxBytes);
}
/** A failure notice with its first `shown` problems listed. */
function renderFailure(notice, heading, prefix) {
    return (shown) => {
        const blocks = [`${heading} ${(0,_escape_js__WEBPACK_IMPORTED_MODULE_2__/* .escapeText */ .X1)('\u274c could not price the generations: the total is unknown')}`, (0,_escape_js__WEBPACK_IMPORTED_MODULE_2__/* .escapeItem */ .RM)(notice.message)];
        if (notice.problems.length > 0) {
            const problems = notice.problems.map((p) => `${(0,_problem_js__WEBPACK_IMPORTED_MODULE_7__/* .formatPosition */ .L)(p)}: ${p.message}`);
            blocks.push(problemList(problems, shown, 'the annotations of the workflow run'));
        }
        blocks.push(footer(notice));
        return `${prefix}${blocks.join('\n\n')}\n`;
    };
}
/**
 * The job summary: the same report as the comment, the breakdown open, every generation and
 * failure, within GitHub's 1 MiB cap, which counts UTF-8 bytes (past it, the most expensive rows
 * are kept with a line saying how many were left out).
 */
function renderSummary(report, maxBytes = SUMMARY_MAX_BYTES) {
    const elsewhere = 'the JSON report (report-path) has every generation';
    const cellText = cellEscaper();
    const render = (shape) => renderBody(report, shape, 'summary', cellText);
    const full = render({ collapse: false, groups: true, compact: false, elsewhere });
    if ((0,_fit_js__WEBPACK_IMPORTED_MODULE_6__/* .utf8Length */ .wI)(full) <= maxBytes)
        return full;
    const trimmed = (0,_fit_js__WEBPACK_IMPORTED_MODULE_6__/* .largestFitting */ .oA)((0,_fit_js__WEBPACK_IMPORTED_MODULE_6__/* .mostRows */ .ZB)(report.entries, maxBytes), maxBytes, (rowLimit) => render({ collapse: false, groups: true, rowLimit, failureLimit: FEW_FAILURES, compact: false, elsewhere }), _fit_js__WEBPACK_IMPORTED_MODULE_6__/* .utf8Length */ .wI);
    if (trimmed !== undefined)
        return trimmed;
    const last = { collapse: false, groups: false, rowLimit: 0, changedLimit: 0, failureLimit: 0, compact: true, elsewhere };
    return (0,_fit_js__WEBPACK_IMPORTED_MODULE_6__/* .cutBytes */ .Uw)(render(last), maxBytes);
}
function renderBody(report, shape, target, cellText) {
    const blocks = [];
    // The comment is one voice among many on the pull request; the summary owns its page.
    const [heading, section] = target === 'comment' ? ['###', '####'] : ['##', '###'];
    blocks.push(`${heading} ${(0,_escape_js__WEBPACK_IMPORTED_MODULE_2__/* .escapeText */ .X1)((0,_rows_js__WEBPACK_IMPORTED_MODULE_0__/* .headline */ .Pl)(report))}`);
    // Right under the headline, so no reader takes the figures for Layer's.
    if (report.simulated)
        blocks.push(`**${(0,_escape_js__WEBPACK_IMPORTED_MODULE_2__/* .escapeText */ .X1)(_rows_js__WEBPACK_IMPORTED_MODULE_0__/* .SIMULATED_NOTE */ .mP)}**`);
    // A headline that names a rule leaves the figures (and any other failing rule) to the lines below.
    const below = [(0,_headline_js__WEBPACK_IMPORTED_MODULE_1__/* .figures */ .u5)(report), (0,_headline_js__WEBPACK_IMPORTED_MODULE_1__/* .otherBreaches */ .mS)(report)].filter((text) => text !== undefined);
    for (const text of below)
        blocks.push((0,_escape_js__WEBPACK_IMPORTED_MODULE_2__/* .escapeText */ .X1)(text));
    // An approved exception (SPEC 9) right under the figures it lifted, with its audit trail.
    blocks.push(...(0,_approval_js__WEBPACK_IMPORTED_MODULE_3__/* .approvalBlocks */ .eQ)(report));
    // SPEC 8: what the other open pull requests commit, right after the figures this one adds to.
    blocks.push(...(0,_others_js__WEBPACK_IMPORTED_MODULE_5__/* .openPullRequestBlocks */ .z)(report, section));
    // What blocks the check comes first: it is what the author has to fix.
    if (report.failures.length > 0) {
        if (shape.compact) {
            const unpriced = (0,_rows_js__WEBPACK_IMPORTED_MODULE_0__/* .unpricedCount */ .Mf)(report);
            const what = unpriced > 0 ? `${(0,_rows_js__WEBPACK_IMPORTED_MODULE_0__/* .counted */ .hS)(unpriced, 'generation')} could not be priced` : 'Some estimates failed';
            blocks.push(`_${what}: the job summary of the workflow run says why._`);
        }
        else {
            blocks.push(`${section} Could not price\n\n${problemList(report.failures, shape.failureLimit, 'the job summary of the workflow run')}`);
        }
    }
    if (report.baseNote !== undefined)
        blocks.push(`\u2139\ufe0f ${(0,_escape_js__WEBPACK_IMPORTED_MODULE_2__/* .escapeText */ .X1)(report.baseNote)}`);
    const changed = (0,_rows_js__WEBPACK_IMPORTED_MODULE_0__/* .changedTable */ .D3)(report, shape.changedLimit === undefined ? {} : { limit: shape.changedLimit });
    if (changed !== undefined)
        blocks.push(`${section} Changed in this pull request\n\n${renderTable(changed, cellText)}`);
    const unchanged = (0,_rows_js__WEBPACK_IMPORTED_MODULE_0__/* .nothingChanged */ .Us)(report);
    if (unchanged !== undefined)
        blocks.push((0,_escape_js__WEBPACK_IMPORTED_MODULE_2__/* .escapeText */ .X1)(unchanged));
    const groups = shape.groups ? (0,_rows_js__WEBPACK_IMPORTED_MODULE_0__/* .groupTable */ .Sw)(report) : undefined;
    if (groups !== undefined)
        blocks.push(`${section} By group\n\n${renderTable(groups, cellText)}`);
    const nothing = (0,_rows_js__WEBPACK_IMPORTED_MODULE_0__/* .nothingPlanned */ .kd)(report);
    if (nothing !== undefined)
        blocks.push((0,_escape_js__WEBPACK_IMPORTED_MODULE_2__/* .escapeText */ .X1)(nothing));
    if (report.entries > 0)
        blocks.push(breakdown(report, shape, section, cellText));
    blocks.push(footer(report));
    return `${blocks.join('\n\n')}\n`;
}
/** The breakdown, with its footnote on the default batch size and, when cut, where the rest is. */
function breakdown(report, shape, section, cellText) {
    const table = (0,_rows_js__WEBPACK_IMPORTED_MODULE_0__/* .breakdownTable */ .U$)(report, shape.rowLimit === undefined ? {} : { limit: shape.rowLimit });
    const notes = [];
    const batch = (0,_rows_js__WEBPACK_IMPORTED_MODULE_0__/* .defaultBatchNote */ ._D)(report);
    if (batch !== undefined)
        notes.push(`<sub>${(0,_escape_js__WEBPACK_IMPORTED_MODULE_2__/* .escapeText */ .X1)(batch)}</sub>`);
    if (shape.rowLimit !== undefined && shape.rowLimit < report.entries) {
        const shown = (0,_rows_js__WEBPACK_IMPORTED_MODULE_0__/* .counted */ .hS)(Math.max(0, shape.rowLimit), 'most expensive generation');
        notes.push(`_Showing the ${shown} of ${(0,_money_js__WEBPACK_IMPORTED_MODULE_4__/* .formatCount */ .B4)(report.entries)}: ${shape.elsewhere}._`);
    }
    const body = [renderTable(table, cellText), ...notes].join('\n\n');
    const caption = `Breakdown: ${(0,_rows_js__WEBPACK_IMPORTED_MODULE_0__/* .counted */ .hS)(report.entries, 'generation')}${report.entries > 1 ? ', most expensive first' : ''}`;
    if (shape.collapse)
        return `<details><summary>${(0,_escape_js__WEBPACK_IMPORTED_MODULE_2__/* .escapeText */ .X1)(caption)}</summary>\n\n${body}\n\n</details>`;
    return `${section} ${(0,_escape_js__WEBPACK_IMPORTED_MODULE_2__/* .escapeText */ .X1)(caption)}\n\n${body}`;
}
/** The first `limit` problems (all without one) as a Markdown list, then how many more there are and where they are. */
function problemList(problems, limit, rest) {
    const shown = limit === undefined ? problems : problems.slice(0, limit);
    const items = shown.map((problem) => `- ${(0,_escape_js__WEBPACK_IMPORTED_MODULE_2__/* .escapeItem */ .RM)(problem)}`);
    const hidden = problems.length - shown.length;
    if (hidden > 0)
        items.push(`- _\u2026 ${(0,_rows_js__WEBPACK_IMPORTED_MODULE_0__/* .counted */ .hS)(hidden, 'more problem')}: see ${rest}._`);
    return items.join('\n');
}
function footer(report) {
    const parts = [];
    if (report.commit !== undefined) {
        const sha = report.commit.trim();
        parts.push(/^[0-9a-f]{7,64}$/i.test(sha) ? `Commit ${sha.slice(0, 7)}` : `Commit ${(0,_escape_js__WEBPACK_IMPORTED_MODULE_2__/* .escapeText */ .X1)(sha, 40)}`);
    }
    const url = (0,_escape_js__WEBPACK_IMPORTED_MODULE_2__/* .safeUrl */ .Pl)(report.runUrl);
    if (url)
        parts.push(`[Workflow run](${url})`);
    if (report.balanceAt !== undefined) {
        parts.push(`Balance as of ${(0,_escape_js__WEBPACK_IMPORTED_MODULE_2__/* .escapeText */ .X1)(balanceTime(report.balanceAt), 40)}`);
        parts.push(report.simulated ? 'Made-up prices from the local simulator, not Layer' : "Prices are Layer's estimates; actual charges may differ");
    }
    return `${FOOTER_MARK}\n<sub>${[...parts, `layer-budget-gate ${_version_js__WEBPACK_IMPORTED_MODULE_8__/* .VERSION */ .x}`].join(' \u00b7 ')}</sub>`;
}
/** "2025-06-01T12:34:56.789Z" -> "2025-06-01 12:34 UTC"; anything else as written. */
function balanceTime(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime()))
        return iso;
    return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}


/***/ })

};

//# sourceMappingURL=391.index.js.map