// Regenerates the command tables in qalint/latex/data/ from the real renderers.
//
// Usage: node dump_tables.js RENDERERS_DIR > tables.json   (then: python -m qalint.latex.gen)
// For every control sequence either renderer knows (MathJax's symbol maps for the packages a
// browser loads; every "\name" literal in KaTeX's sources), ask each renderer whether it is
// defined, and how many brace arguments it needs (the least k for which "\name{x}..." renders).
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
const {ConfigurationHandler} = need('mathjax-full/js/input/tex/Configuration.js');
const {MapHandler} = need('mathjax-full/js/input/tex/MapHandler.js');
need('mathjax-full/js/input/tex/AllPackages.js');

const PACKAGES = [
  'base', 'ams', 'newcommand', 'configmacros', 'action', 'amscd', 'bbox', 'boldsymbol',
  'braket', 'cancel', 'color', 'enclose', 'extpfeil', 'html', 'mhchem', 'unicode', 'verb',
];
RegisterHTMLHandler(liteAdaptor());
let doc;
const fresh = () => {
  doc = mathjax.document('', {InputJax: new TeX({
    packages: PACKAGES, formatError: (_j, e) => { throw e; }})});
};
fresh();
const mj = (tex, display = false) => {
  try { doc.convert(tex, {display, end: STATE.CONVERT}); return null; } catch (e) {
    fresh(); return String(e.message || e);
  }
};
const kx = (tex, display = false) => {
  try { katex.renderToString(tex, {throwOnError: true, displayMode: display, strict: 'ignore'});
    return null; } catch (e) { return String(e.message || e); }
};

const mjMacros = new Set();
const mjEnvs = new Set();
const mjDelims = new Set();
for (const pkg of PACKAGES) {
  const conf = ConfigurationHandler.get(pkg);
  if (!conf) continue;
  const h = conf.handler || {};
  for (const [kind, into] of [['macro', mjMacros], ['environment', mjEnvs], ['delimiter', mjDelims]]) {
    for (const mapName of h[kind] || []) {
      const map = MapHandler.getMap(mapName);
      if (map && map.map) for (const key of map.map.keys()) into.add(key);
    }
  }
}

const kxNames = new Set();
const kxEnvs = new Set();
const srcDir = path.join(dir, 'node_modules', 'katex', 'src');
const walk = (d) => fs.readdirSync(d, {withFileTypes: true}).flatMap((e) =>
  e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]);
for (const file of walk(srcDir)) {
  if (!/\.(ts|js)$/.test(file)) continue;
  const text = fs.readFileSync(file, 'utf8');
  for (const m of text.matchAll(/["']\\\\([a-zA-Z]+|[^a-zA-Z\\]|\\\\)["']/g)) {
    kxNames.add(m[1] === '\\\\' ? '\\' : m[1]);
  }
  if (file.includes('environments')) {
    for (const m of text.matchAll(/names:\s*\[([^\]]*)\]/g)) {
      for (const n of m[1].matchAll(/["']([a-zA-Z*]+)["']/g)) kxEnvs.add(n[1]);
    }
  }
}

const FILLS = ['x', '1em', 'red', 'c'];
function arity(run, name) {
  for (let k = 0; k <= 4; k++) {
    for (const fill of FILLS) {
      if (run('\\' + name + ('{' + fill + '}').repeat(k)) === null) return k;
    }
  }
  return null;
}

const candidates = new Set([...mjMacros, ...kxNames]);
const result = {mathjax: {commands: {}, environments: {}}, katex: {commands: {}, environments: {}}};
// A command that is refused on its own in math mode and never renders with arguments either
// (\( \) \[ \] in both renderers, \/ \< \. in MathJax) is not known in math.
const REFUSED = /Undefined control sequence|Can't use function .* in math mode/;
const known = (run, name, k) => k !== null || name.startsWith('\\') ||
  !REFUSED.test(run('\\' + name) || '');
for (const name of [...candidates].sort()) {
  if (!name) continue;
  const kErr = kx('\\' + name);
  const kKnown = !(kErr && /Undefined control sequence/.test(kErr));
  if (kKnown) {
    const k = arity(kx, name);
    if (known(kx, name, k)) result.katex.commands[name] = k;
  }
  if (mjMacros.has(name)) {
    const k = arity(mj, name);
    if (known(mj, name, k)) result.mathjax.commands[name] = k;
  }
}
const envBody = (env) => ['array', 'darray', 'subarray', 'alignat', 'alignat*', 'alignedat']
  .includes(env) ? '{c}' : '';
for (const env of [...new Set([...mjEnvs, ...kxEnvs])].sort()) {
  const tex = `\\begin{${env}}${envBody(env)}a\\end{${env}}`;
  const kErr = kx(tex, true);
  if (!(kErr && /No such environment/.test(kErr))) {
    result.katex.environments[env] = {display_only: !!(kx(tex, false) && !kErr), error: kErr};
  }
  if (mjEnvs.has(env)) {
    result.mathjax.environments[env] = {display_only: false, error: mj(tex, true)};
  }
}
const delimCandidates = new Set([...mjDelims, ...'()[]<>|/.\\{}'.split('')]);
for (const name of candidates) if (/^[a-zA-Z]+$|^[{}|]$/.test(name)) delimCandidates.add('\\' + name);
for (const [key, run] of [['mathjax', mj], ['katex', kx]]) {
  result[key].delimiters = [...delimCandidates].sort().filter(
    (d) => d && run('\\left' + d + (/^\\[a-zA-Z]+$/.test(d) ? ' ' : '') + 'a\\right.') === null);
}
// Which commands may not follow ^ or _ without braces, which accept \limits, which work in text.
const argsOf = (k) => '{x}'.repeat(k || 0);
for (const [key, run] of [['mathjax', mj], ['katex', kx]]) {
  const table = result[key];
  table.script_refused = [];
  table.limits = [];
  table.text_commands = [];
  for (const [name, k] of Object.entries(table.commands)) {
    if (!/^[a-zA-Z]+$/.test(name)) continue;
    const script = '\\' + name + argsOf(k);
    if (k !== null && run('x^' + script) !== null && run('x^{' + script + '}') === null) {
      table.script_refused.push(name);  // refused as a script only without braces
    }
    if (k === 0 && run('\\' + name + '\\limits^2') === null) table.limits.push(name);
    if (k !== null && run('\\text{\\' + name + argsOf(k) + '}') === null) table.text_commands.push(name);
  }
}
result.mathjax.version = need('mathjax-full/package.json').version;
result.katex.version = need('katex/package.json').version;
process.stdout.write(JSON.stringify(result, null, 1));
