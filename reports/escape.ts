/**
 * XML 1.0 escaping, shared by the JUnit report and every HTML page and SVG drawing (HTML text
 * and attribute values need the same five entities). Characters XML cannot carry at all (most C0
 * controls) are dropped.
 */
export function esc(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
