export const id = 855;
export const ids = [855];
export const modules = {

/***/ 5855:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   glob: () => (/* binding */ glob),
/* harmony export */   isDynamicPattern: () => (/* binding */ isDynamicPattern)
/* harmony export */ });
/* harmony import */ var tinyglobby__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3382);
/**
 * The glob library the manifest search uses (tinyglobby, with picomatch and fdir), behind a module
 * of our own so that files.ts can load it on demand by a literal path: the action's bundle then
 * holds it in a chunk of its own (dist/NNN.index.js). Functions rather than a re-export, so that the
 * bundler keeps this module where cli/git.ts imports it (the CLI's bundle then has it at hand and
 * needs no chunk: an e2e test, chunks.test.ts, holds both).
 */

/** tinyglobby's `isDynamicPattern`: whether `pattern` is a glob (or a negation) rather than a path. */
function isDynamicPattern(pattern) {
    return (0,tinyglobby__WEBPACK_IMPORTED_MODULE_0__/* .isDynamicPattern */ .ey)(pattern);
}
/** tinyglobby's `glob`: the paths that match `pattern`, relative to `options.cwd`. */
function glob(pattern, options) {
    return (0,tinyglobby__WEBPACK_IMPORTED_MODULE_0__/* .glob */ .TI)(pattern, options);
}


/***/ })

};

//# sourceMappingURL=855.index.js.map