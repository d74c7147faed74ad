/** True for application/json and structured +json types, with or without parameters (charset). */
export function isJsonMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const mediaType = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

function acceptsRange(range: string): boolean {
  const [type, ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
  const refused = parameters.some((parameter) => /^q=0(?:\.0{0,3})?$/.test(parameter));
  if (refused) return false;
  return type === '*/*' || type === 'application/*' || type === 'application/json' || type!.endsWith('+json');
}

/** Whether the Accept header allows a JSON answer (no header means anything goes). */
export function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept === '' || accept === 'application/json' || accept === '*/*') return true;
  return accept.split(',').some(acceptsRange);
}
