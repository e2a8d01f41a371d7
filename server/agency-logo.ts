/**
 * The agency's logo (AGENCY_LOGO: a PNG or JPEG file) as a data: URI for the funders' report:
 * inline, so the page, the PDF (printed with every request refused) and the workbook carry it.
 * Read once; a missing, oversized or unknown file gives no logo (and one warning).
 */
import fs from 'node:fs';

const MAX_LOGO_BYTES = 200 * 1024;
let cached: { path: string | undefined; uri: string | null } | undefined;

export function agencyLogoDataUri(path: string | undefined, warn: (message: string) => void = () => undefined): string | null {
  if (cached && cached.path === path) return cached.uri;
  let uri: string | null = null;
  if (path) {
    try {
      const bytes = fs.readFileSync(path);
      const type = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) ? 'image/png' : bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff ? 'image/jpeg' : undefined;
      if (!type) warn(`AGENCY_LOGO ${path} is neither PNG nor JPEG: the reports go without a logo.`);
      else if (bytes.length > MAX_LOGO_BYTES) warn(`AGENCY_LOGO ${path} is over ${MAX_LOGO_BYTES} bytes: the reports go without a logo.`);
      else uri = `data:${type};base64,${bytes.toString('base64')}`;
    } catch (err) {
      warn(`AGENCY_LOGO ${path} cannot be read (${(err as Error).message}): the reports go without a logo.`);
    }
  }
  cached = { path, uri };
  return uri;
}
