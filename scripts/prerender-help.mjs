// This file renders, at build time, what every command line that asks only for help or the version prints, for
// bin/vupload.cjs to print without loading the bundle (dist/src/cli/help.jsonl; docs/development.md "Start-up",
// issue 15).
//
// Why: loading the bundle (reading it and its code cache, running its top level, building the commander program)
// costs `vupload --help` ~15 ms over `node -e 0`, and issue 15 allows it 1.3× that start. The text is the bundle's own:
// each form is run through its run() here, as a pipe gets it (commander wraps help at 80 columns when stdout is not a
// terminal), once in a UTF-8 locale and once in another (ASCII typography, src/cli/terminal.ts).
import { Writable } from 'node:stream';
import { helpForms } from '../dist/src/cli/help-forms.js';
import { buildProgram } from '../dist/src/cli/program.js';

/** The environment each locale is rendered in, added to the build's own context. */
const LOCALES = [{ LANG: 'C.UTF-8' }, {}];

/** A non-TTY stream that keeps what is written to it. */
function capture() {
  const stream = new Writable({
    write: (chunk, _encoding, done) => {
      stream.text += chunk.toString();
      done();
    },
  });
  stream.text = '';
  return stream;
}

/**
 * The lines of help.jsonl: first `{ version, forms }`, where forms maps a command line (its words joined by NUL, which
 * no argument can hold) to the numbers of the lines after it that hold its output in a UTF-8 locale and in any other;
 * then each distinct output, a JSON string on a line of its own (so that a start parses only the one it prints).
 * `run` is the bundle's; `context(env, stdout, stderr)` makes a context for it. Every form must print on stdout only
 * and exit 0: help.jsonl holds nothing else.
 */
export async function prerenderHelp(run, context, version) {
  const texts = [];
  const forms = {};
  const program = await buildProgram(context({}, capture(), capture()));
  for (const argv of helpForms(program)) {
    const lines = [];
    for (const env of LOCALES) {
      const stdout = capture();
      const stderr = capture();
      const code = await run(argv, context(env, stdout, stderr));
      if (code !== 0 || stderr.text !== '')
        throw new Error(
          `vupload ${argv.join(' ')} exited ${code} with ${JSON.stringify(stderr.text)} on stderr`,
        );
      if (!texts.includes(stdout.text)) texts.push(stdout.text);
      lines.push(1 + texts.indexOf(stdout.text));
    }
    forms[argv.join('\0')] = lines;
  }
  return [{ version, forms }, ...texts].map((line) => `${JSON.stringify(line)}\n`).join('');
}
