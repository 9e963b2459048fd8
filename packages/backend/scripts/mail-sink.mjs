#!/usr/bin/env node
/*
 * A sendmail stand-in for local development: the notifications e-mail
 * processor hands it each message (as it would to /usr/sbin/sendmail, with
 * `-i -f <sender> <recipient>`), and it only logs the message, never sends it.
 *
 * The log is the file named by LLM_USAGE_MAIL_LOG, else `mail-sink.log` next
 * to packages/backend (git-ignored): one summary line per mail, then the
 * message as it would have been sent.
 */
import { appendFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LOG =
  process.env.LLM_USAGE_MAIL_LOG ||
  join(dirname(fileURLToPath(import.meta.url)), '..', 'mail-sink.log');

/** `=?UTF-8?B?…?=` / `=?UTF-8?Q?…?=` words of a header, decoded for reading. */
function decodeHeader(value) {
  return value.replace(
    /=\?([^?]+)\?([BbQq])\?([^?]*)\?=\s*/g,
    (_word, _charset, encoding, text) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex) =>
                String.fromCharCode(parseInt(hex, 16)),
              ),
            'latin1',
          ).toString('utf8'),
  );
}

/** A header of the message's head, unfolded. */
function header(head, name) {
  const match = head.match(
    new RegExp(`^${name}:[ \\t]*((?:.*)(?:\\r?\\n[ \\t].*)*)`, 'im'),
  );
  return match ? decodeHeader(match[1].replace(/\r?\n[ \t]+/g, ' ')) : '';
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const message = Buffer.concat(chunks).toString('utf8');
const head = message.split(/\r?\n\r?\n/, 1)[0];

// sendmail's arguments: options first, recipients last.
const args = process.argv.slice(2);
const recipients = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '-f') i += 1;
  else if (!args[i].startsWith('-')) recipients.push(args[i]);
}

appendFileSync(
  LOG,
  `${new Date().toISOString()} mail to ${recipients.join(', ')}: ${header(
    head,
    'Subject',
  )}\n${message.replace(/\r\n/g, '\n')}\n\n`,
);
