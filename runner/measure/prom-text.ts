/** Parser for the Prometheus text exposition format (what a /metrics endpoint serves). */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseValue(s: string): number {
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  return Number(s);
}

/** Reads `{a="x",b="y"}` starting at `i` (the `{`); returns the labels and the index after `}`. */
function parseLabels(line: string, i: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  i++;
  for (;;) {
    while (line[i] === ' ' || line[i] === ',') i++;
    if (line[i] === '}') return [labels, i + 1];
    const eq = line.indexOf('=', i);
    if (eq < 0 || line[eq + 1] !== '"') throw new Error(`bad labels at column ${i + 1}`);
    const key = line.slice(i, eq).trim();
    let value = '';
    let j = eq + 2;
    for (; j < line.length && line[j] !== '"'; j++) {
      if (line[j] === '\\') {
        const c = line[++j];
        value += c === 'n' ? '\n' : c;
      } else value += line[j];
    }
    if (j >= line.length) throw new Error('unterminated label value');
    labels[key] = value;
    i = j + 1;
  }
}

/** Every sample in `text`; lines that do not parse are reported in `bad`. */
export function parseExposition(text: string): { samples: Sample[]; bad: number } {
  const samples: Sample[] = [];
  let bad = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    try {
      const m = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
      if (!m) throw new Error('no metric name');
      let i = m[0].length;
      let labels: Record<string, string> = {};
      if (line[i] === '{') [labels, i] = parseLabels(line, i);
      const value = parseValue(line.slice(i).trim().split(/\s+/)[0] ?? '');
      if (Number.isNaN(value) && !/NaN/.test(line.slice(i))) throw new Error('bad value');
      samples.push({ name: m[0], labels, value });
    } catch {
      bad++;
    }
  }
  return { samples, bad };
}
