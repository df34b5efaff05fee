export const id = 285;
export const ids = [285];
export const modules = {

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

//# sourceMappingURL=285.index.js.map