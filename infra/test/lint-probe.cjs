// Lints snippets as if they were files at given paths, in a plain Node process (ESLint loads its flat
// config with a dynamic import, which Jest's module sandbox cannot do). Reads [{filePath, code}] as JSON
// on stdin, prints the module-boundary and layer-order messages per snippet as JSON on stdout.
const { ESLint } = require('eslint');

let input = '';
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', async () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const out = [];
  for (const { filePath, code } of JSON.parse(input)) {
    const [result] = await eslint.lintText(code, { filePath });
    out.push(
      (result?.messages ?? [])
        .filter((m) => m.ruleId === '@nx/enforce-module-boundaries' || m.ruleId === 'rooms/layer-order')
        .map((m) => m.message),
    );
  }
  process.stdout.write(JSON.stringify(out));
});
