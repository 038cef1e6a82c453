// `node infra/build-app.cjs <app>` (what `nx build <app>` runs): compiles apps/<app> with
// apps/<app>/tsconfig.build.json into dist/apps/<app>, a folder plain `node` runs with no loader hook:
//   dist/apps/<app>/main.js             from apps/<app>/src/main.ts (and so on for every file under src/)
//   dist/apps/<app>/libs/<lib>/index.js from libs/<lib>/src/index.ts, for the libraries the app imports
// The @oms/* aliases of tsconfig.base.json become relative requires; source maps point at the .ts files.
// Third-party packages still come from node_modules (the repository's, or `npm ci --omit=dev` in the image).
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const root = path.resolve(__dirname, '..');
const app = process.argv[2];
if (!app || !fs.existsSync(path.join(root, 'apps', app, 'tsconfig.build.json'))) {
  console.error('usage: node infra/build-app.cjs <app>  (an apps/<app> folder with a tsconfig.build.json)');
  process.exit(2);
}
const configFile = path.join(root, 'apps', app, 'tsconfig.build.json');
const outDir = path.join(root, 'dist', 'apps', app);

/** Where a compiled file goes: apps/<app>/src/x → x, libs/<lib>/src/x → libs/<lib>/x (paths from the root). */
function layout(fromRoot) {
  const parts = fromRoot.split(path.sep);
  if (parts[0] === 'apps' && parts[1] === app && parts[2] === 'src') return parts.slice(3).join(path.sep);
  if (parts[0] === 'libs' && parts[2] === 'src') return path.join('libs', parts[1], ...parts.slice(3));
  throw new Error(`${fromRoot} is outside apps/${app}/src and libs/*/src: the build has no place for it`);
}

const parsed = ts.getParsedCommandLineOfConfigFile(
  configFile,
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => fail([diagnostic]),
  },
);
if (parsed.errors.length > 0) fail(parsed.errors);
// tsc lays files out under outDir as they are under rootDir (the repository root); writeFile below moves them.
const options = { ...parsed.options, rootDir: root, outDir, noEmit: false, noEmitOnError: true };

// '@oms/events' → the compiled file of libs/events/src/index.ts, from tsconfig.base.json's paths.
const aliases = new Map(
  Object.entries(options.paths ?? {}).map(([alias, [target]]) => {
    if (alias.includes('*')) throw new Error(`path alias ${alias}: wildcards are not supported by the build`);
    const source = path.resolve(options.baseUrl ?? options.pathsBasePath ?? root, target);
    return [alias, path.join(outDir, layout(path.relative(root, source)).replace(/\.ts$/, '.js'))];
  }),
);

function rewriteRequires(text, file) {
  return text.replace(/\brequire\((["'])([^"']+)\1\)/g, (call, quote, specifier) => {
    const target = aliases.get(specifier);
    if (!target) {
      if (/^@oms\//.test(specifier)) throw new Error(`${file}: no path alias for require("${specifier}")`);
      return call;
    }
    let relative = path.relative(path.dirname(file), target).split(path.sep).join('/');
    if (!relative.startsWith('.')) relative = `./${relative}`;
    return `require(${quote}${relative}${quote})`;
  });
}

/** A source map's sources are relative to where tsc meant to write it: make them relative to where it goes. */
function moveSourceMap(text, meantFor, file) {
  const map = JSON.parse(text);
  map.sources = map.sources.map((source) =>
    path
      .relative(path.dirname(file), path.resolve(path.dirname(meantFor), map.sourceRoot ?? '', source))
      .split(path.sep)
      .join('/'),
  );
  delete map.sourceRoot;
  return JSON.stringify(map);
}

function fail(diagnostics) {
  const host = {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => root,
    getNewLine: () => '\n',
  };
  console.error(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
  process.exit(1);
}

fs.rmSync(outDir, { recursive: true, force: true });
const program = ts.createProgram({
  rootNames: parsed.fileNames,
  options,
  projectReferences: parsed.projectReferences,
});
const diagnostics = ts.getPreEmitDiagnostics(program);
if (diagnostics.some((d) => d.category === ts.DiagnosticCategory.Error)) fail(diagnostics);

let written = 0;
const emitted = program.emit(undefined, (meantFor, text, writeByteOrderMark) => {
  const file = path.join(outDir, layout(path.relative(outDir, meantFor)));
  if (file.endsWith('.js')) text = rewriteRequires(text, file);
  else if (file.endsWith('.js.map')) text = moveSourceMap(text, meantFor, file);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, writeByteOrderMark ? `\uFEFF${text}` : text);
  written += 1;
});
if (emitted.emitSkipped || emitted.diagnostics.length > 0) fail(emitted.diagnostics);
if (!fs.existsSync(path.join(outDir, 'main.js'))) throw new Error(`the build wrote no ${outDir}/main.js`);
console.log(
  `built ${app}: ${written} files in ${path.relative(root, outDir)}; run node ${path.relative(root, outDir)}/main.js`,
);
