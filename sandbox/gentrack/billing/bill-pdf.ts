/**
 * A bill's image as Gentrack's bill print would give it: a one-page PDF (1.4, Helvetica, text only) with the bill's
 * figures. Built by hand because it is small and must be a real PDF that a browser or `pdftotext` opens.
 */

/** Text in a PDF string: backslash and parentheses escaped, anything outside printable ASCII replaced. */
function pdfText(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?').replace(/([\\()])/g, '\\$1');
}

/** Lines from the top of an A4 page, 16 points apart; a line starting with '#' is a heading. */
function contentStream(lines: readonly string[]): string {
  const commands = ['BT', '/F1 11 Tf', '56 780 Td', '16 TL'];
  for (const line of lines) {
    const heading = line.startsWith('#');
    commands.push(heading ? '/F2 14 Tf' : '/F1 11 Tf', `(${pdfText(heading ? line.slice(1).trim() : line)}) Tj`, 'T*');
  }
  commands.push('ET');
  return commands.join('\n');
}

export function renderPdf(lines: readonly string[], title: string): Buffer {
  const content = contentStream(lines);
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    `<< /Title (${pdfText(title)}) /Producer (Gentrack sandbox) >>`,
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${index + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info ${objects.length} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}
