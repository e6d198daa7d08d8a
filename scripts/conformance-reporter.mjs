// This file is a Node test reporter for the conformance suite: it reads the tests named `ROW · PROVIDER`
// (test/providers/conformance/suite.ts) and prints, at the end, the table scenario × provider in Markdown:
// pass, FAIL, or exempt with its reason (as a numbered note under the table).
/** @param {AsyncIterable<{ type: string, data: { name: string, skip?: string | boolean } }>} source */
export default async function* conformanceTable(source) {
  const rows = new Map();
  const providers = [];
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const match = /^(.+) · (\S+)$/.exec(event.data.name);
    if (!match) continue;
    const [, row, provider] = match;
    if (!providers.includes(provider)) providers.push(provider);
    if (!rows.has(row)) rows.set(row, new Map());
    const skip = event.data.skip;
    const cell =
      event.type === 'test:fail'
        ? { text: '**FAIL**' }
        : typeof skip === 'string'
          ? { text: 'exempt', reason: skip.replace(/^exempt: /, '') }
          : { text: 'pass' };
    rows.get(row).set(provider, cell);
  }
  const titles = await scenarioTitles();
  // The rows in the order of the scenario list (tests end in any order: files run in parallel), modes as listed.
  const order = [...titles.keys()];
  const rank = (row) => {
    const at = order.indexOf(row.replace(/ \(.*\)$/, ''));
    return (at < 0 ? order.length : at) * 2 + (row.endsWith('(chunks)') ? 1 : 0);
  };
  const sorted = [...rows].sort(([a], [b]) => rank(a) - rank(b));
  const reasons = [];
  const lines = [
    `| scenario | ${providers.join(' | ')} |`,
    `| --- | ${providers.map(() => '---').join(' | ')} |`,
  ];
  for (const [row, cells] of sorted) {
    const id = row.replace(/ \(.*\)$/, '');
    const title = titles.get(id);
    const shown = providers.map((provider) => {
      const cell = cells.get(provider);
      if (!cell) return '—';
      if (!cell.reason) return cell.text;
      let n = reasons.indexOf(cell.reason) + 1;
      if (n === 0) n = reasons.push(cell.reason);
      return `${cell.text} (${n})`;
    });
    lines.push(`| ${row}${title ? `: ${title}` : ''} | ${shown.join(' | ')} |`);
  }
  lines.push('', ...reasons.map((reason, i) => `(${i + 1}) ${reason}`));
  yield `${lines.join('\n')}\n`;
}

/** Scenario id → title, in the order of the compiled scenario list (empty before a build: rows show ids alone). */
async function scenarioTitles() {
  const titles = new Map();
  try {
    const { SCENARIOS } = await import('../dist/test/providers/conformance/scenarios.js');
    for (const s of SCENARIOS) titles.set(s.id, s.title);
  } catch {
    // No build: ids only.
  }
  return titles;
}
