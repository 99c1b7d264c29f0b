/**
 * Command templates from stand files: `{{name}}` is replaced by a shell-quoted value.
 * A template starting with `local:` runs on the runner machine instead of on the node.
 */

export type Vars = Record<string, string | number>;

const placeholder = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const safeWord = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** POSIX shell quoting; plain words stay readable. */
export function shellQuote(value: string | number): string {
  const s = String(value);
  if (s !== '' && safeWord.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Names a template refers to. */
export function templateVars(template: string): string[] {
  return [...new Set([...template.matchAll(placeholder)].map((m) => m[1]!))];
}

export interface Rendered {
  /** run on the runner (`local:` prefix) rather than on the node */
  local: boolean;
  command: string;
}

export function isLocal(template: string): boolean {
  return /^\s*local:/.test(template);
}

/** Fills in a template; a name without a value is an error (checked at load time too). */
export function render(template: string, vars: Vars): Rendered {
  const local = isLocal(template);
  const body = local ? template.replace(/^\s*local:\s*/, '') : template;
  const command = body.replace(placeholder, (_, name: string) => {
    const v = vars[name];
    if (v === undefined) throw new Error(`template variable {{${name}}} has no value`);
    return shellQuote(v);
  });
  return { local, command };
}

/**
 * Problems with templates before anything runs: unknown command names and
 * variables a host does not define. `extra` lists each command's own variables.
 */
export function checkTemplates(
  commands: Record<string, string>,
  known: Record<string, readonly string[]>,
  hosts: Record<string, Vars>,
): string[] {
  const problems: string[] = [];
  for (const [name, template] of Object.entries(commands)) {
    const own = known[name];
    if (!own) {
      problems.push(`commands.${name}: unknown command (known: ${Object.keys(known).join(', ')})`);
      continue;
    }
    for (const v of templateVars(template)) {
      if (own.includes(v)) continue;
      const missing = Object.entries(hosts).filter(([, h]) => h[v] === undefined).map(([n]) => n);
      if (missing.length) problems.push(`commands.${name}: {{${v}}} is not set for host ${missing.join(', ')}`);
    }
  }
  return problems;
}
