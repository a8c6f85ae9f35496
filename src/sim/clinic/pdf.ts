// Tiny but valid PDF files for the simulated document store, and OSCAR's page counting
// (contract 7.26: saveDocumentToDemographic counts PDF pages and stores number_of_pages).

function pdfString(text: string): string {
  // PDF literal strings: ASCII only here, with \ ( ) escaped.
  const ascii = text.normalize('NFD').replace(/[^\x20-\x7e]/g, '');
  return `(${ascii.replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

/**
 * A PDF 1.4 file with `pages` pages (≥ 1), each showing one line of `title` and its page number.
 * Cross-reference offsets are exact, so strict readers accept it.
 */
export function makePdf(pages: number, title: string): Buffer {
  const n = Math.max(1, Math.floor(pages));
  const objects: string[] = [];
  const kids: string[] = [];
  objects.push('<< /Type /Catalog /Pages 2 0 R >>');
  objects.push(''); // 2: page tree, filled in below
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  for (let i = 0; i < n; i++) {
    const pageObj = 4 + i * 2;
    kids.push(`${pageObj} 0 R`);
    const content = `BT /F1 12 Tf 72 720 Td ${pdfString(title)} Tj 0 -18 Td ${pdfString(`Synthetic test document - page ${i + 1} of ${n}`)} Tj ET`;
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageObj + 1} 0 R >>`);
    objects.push(`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`);
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${n} >>`;

  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/**
 * Page count of a PDF the way a simple reader counts it: the largest `/Count` of a page tree,
 * else the number of `/Type /Page` objects. 0 when the bytes are not a PDF.
 */
export function pdfPageCount(bytes: Buffer): number {
  if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') return 0;
  const text = bytes.toString('latin1');
  let max = 0;
  for (const m of text.matchAll(/\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)|\/Count\s+(\d+)[^>]*?\/Type\s*\/Pages\b/g)) {
    max = Math.max(max, Number(m[1] ?? m[2]));
  }
  if (max > 0) return max;
  return [...text.matchAll(/\/Type\s*\/Page(?![a-zA-Z])/g)].length;
}
