// Batch oracle for tests/test_math_differential.py: the real renderers' verdicts.
//
// Usage: node render.js RENDERERS_DIR < in.json > out.json
// in.json:  [{"tex": "...", "display": true}, ...]
// out.json: [{"katex": null | "error message", "mathjax": null | "error message"}, ...]
//
// KaTeX: katex.renderToString(tex, {throwOnError: true, displayMode}).
// MathJax 3: TeX input with the packages a browser gets from tex-mml-chtml.js (base, ams,
// newcommand, configmacros and what autoload brings in), without noerrors/noundefined, and
// formatError rethrowing, so an error is raised instead of drawn in red.
'use strict';
console.log = console.warn = console.info = (...a) => process.stderr.write(a.join(' ') + '\n');
const path = require('path');
const fs = require('fs');

const dir = path.resolve(process.argv[2] || '.');
const need = (name) => require(path.join(dir, 'node_modules', name));

const katex = need('katex');
const {mathjax} = need('mathjax-full/js/mathjax.js');
const {TeX} = need('mathjax-full/js/input/tex.js');
const {liteAdaptor} = need('mathjax-full/js/adaptors/liteAdaptor.js');
const {RegisterHTMLHandler} = need('mathjax-full/js/handlers/html.js');
const {STATE} = need('mathjax-full/js/core/MathItem.js');
need('mathjax-full/js/input/tex/AllPackages.js');

const MATHJAX_PACKAGES = [
  'base', 'ams', 'newcommand', 'configmacros', 'action', 'amscd', 'bbox', 'boldsymbol',
  'braket', 'cancel', 'color', 'enclose', 'extpfeil', 'html', 'mhchem',
  'unicode', 'verb',
];

const adaptor = liteAdaptor();
RegisterHTMLHandler(adaptor);

function mathjaxDocument() {
  const tex = new TeX({
    packages: MATHJAX_PACKAGES,
    formatError: (_jax, err) => { throw err; },
  });
  return mathjax.document('', {InputJax: tex});
}

let doc = mathjaxDocument();

function runMathjax(tex, display) {
  try {
    doc.convert(tex, {display, end: STATE.CONVERT});
    return null;
  } catch (err) {
    // A fresh document so that \newcommand or state from one formula never leaks.
    doc = mathjaxDocument();
    return String(err && err.message ? err.message : err);
  }
}

function runKatex(tex, display) {
  try {
    katex.renderToString(tex, {throwOnError: true, displayMode: display, strict: 'ignore'});
    return null;
  } catch (err) {
    return String(err && err.message ? err.message : err);
  }
}

const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const out = input.map(({tex, display}) => ({
  katex: runKatex(tex, !!display),
  mathjax: runMathjax(tex, !!display),
}));
process.stdout.write(JSON.stringify(out));
