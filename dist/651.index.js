export const id = 651;
export const ids = [651];
export const modules = {

/***/ 651:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   readBoard: () => (/* binding */ readBoard)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8298);
/* harmony import */ var _commitments_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7553);
/* harmony import */ var _octokit_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6702);
/**
 * The budget board (SPEC section 8): a `workflow_dispatch` or `schedule` audit lists every open
 * pull request into the audited branch and what it commits. Loaded only on those runs, with a
 * token, so other runs never pay for Octokit.
 */



/** Reads the open pull requests into the audited branch. Never rejects: a failure is a warning, and the board says so. */
async function readBoard(config, context, redact) {
    const unread = (reason) => {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`The budget board could not list the open pull requests: ${reason}`);
        return { mode: 'board', read: { ok: false, reason } };
    };
    if (context.branch === undefined)
        return unread('the run is not on a branch (GITHUB_REF is not refs/heads/\u2026).');
    const read = await (0,_commitments_js__WEBPACK_IMPORTED_MODULE_1__/* .readOpenPullRequests */ .Ww)((0,_octokit_js__WEBPACK_IMPORTED_MODULE_2__/* .createOctokit */ .Qi)(config.githubToken), {
        owner: context.owner,
        repo: context.repo,
        base: context.branch,
        key: config.commentKey,
        debug: (message) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .debug */ .Yz(message),
    });
    if (!read.ok)
        return unread(redact(read.reason));
    if (read.incomplete !== undefined)
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(read.incomplete);
    return { mode: 'board', read };
}


/***/ })

};

//# sourceMappingURL=651.index.js.map