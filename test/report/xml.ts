/**
 * A tiny strict XML reader for the tests: throws on anything not well-formed (unbalanced
 * tags, raw < or stray & in text or attributes, bad entities, duplicate attributes, content
 * outside the root) and returns the element tree with entities decoded.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const name = '[A-Za-z_:][A-Za-z0-9_:.-]*';
const entity = /&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9a-fA-F]+));/y;
const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string, where: number): string {
  let out = '';
  for (let i = 0; i < raw.length; ) {
    const c = raw[i]!;
    if (c === '<') throw new Error(`raw < at ${where + i}`);
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(c)) throw new Error(`invalid character U+${c.charCodeAt(0).toString(16)} at ${where + i}`);
    if (c !== '&') { out += c; i++; continue; }
    entity.lastIndex = i;
    const m = entity.exec(raw);
    if (!m) throw new Error(`bad entity at ${where + i}`);
    out += m[1] ? named[m[1]] : String.fromCodePoint(Number.parseInt(m[2] ?? m[3]!, m[2] ? 10 : 16));
    i += m[0].length;
  }
  return out;
}

export function parseXml(src: string): XmlElement {
  let pos = 0;
  const prolog = /^<\?xml[^?]*\?>/.exec(src);
  if (prolog) pos = prolog[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const startTag = new RegExp(`<(${name})((?:\\s+${name}\\s*=\\s*(?:"[^"]*"|'[^']*'))*)\\s*(/?)>`, 'y');
  const attrRe = new RegExp(`(${name})\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'g');
  const endTag = new RegExp(`</(${name})\\s*>`, 'y');
  while (pos < src.length) {
    const lt = src.indexOf('<', pos);
    const text = src.slice(pos, lt === -1 ? src.length : lt);
    if (text) {
      if (stack.length === 0) { if (text.trim()) throw new Error(`text outside the root at ${pos}`); }
      else { if (text.includes(']]>')) throw new Error(`]]> in text at ${pos}`); stack[stack.length - 1]!.text += decode(text, pos); }
    }
    if (lt === -1) break;
    pos = lt;
    if (src.startsWith('<!--', pos)) {
      const end = src.indexOf('-->', pos + 4);
      if (end === -1) throw new Error('unclosed comment');
      pos = end + 3;
      continue;
    }
    endTag.lastIndex = pos;
    const close = endTag.exec(src);
    if (close) {
      const open = stack.pop();
      if (!open || open.name !== close[1]) throw new Error(`</${close[1]}> at ${pos} does not close <${open?.name ?? 'nothing'}>`);
      pos = endTag.lastIndex;
      continue;
    }
    startTag.lastIndex = pos;
    const start = startTag.exec(src);
    if (!start) throw new Error(`malformed markup at ${pos}: ${src.slice(pos, pos + 40)}`);
    if (root && stack.length === 0) throw new Error(`second root element at ${pos}`);
    const el: XmlElement = { name: start[1]!, attrs: {}, children: [], text: '' };
    for (const a of start[2]!.matchAll(attrRe)) {
      if (a[1]! in el.attrs) throw new Error(`duplicate attribute ${a[1]} at ${pos}`);
      el.attrs[a[1]!] = decode(a[2] ?? a[3]!, pos);
    }
    if (stack.length) stack[stack.length - 1]!.children.push(el);
    else root = el;
    if (!start[3]) stack.push(el);
    pos = startTag.lastIndex;
  }
  if (stack.length) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (!root) throw new Error('no root element');
  return root;
}

/** Every descendant element with this name, depth first. */
export function all(el: XmlElement, tag: string): XmlElement[] {
  return el.children.flatMap((c) => [...(c.name === tag ? [c] : []), ...all(c, tag)]);
}
