import type { ExportedFile } from '../api';

/** Hands a downloaded file to the browser as a download. */
export function saveFile(file: ExportedFile) {
  const url = URL.createObjectURL(file.blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = file.filename;
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  // The browser reads the blob after the click returns; free it a bit later.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
