import { renderMessageText } from '../../core/compose/console.js';
import type { OutboundMessage } from '../../core/compose/message.js';
import type { EditOptions, SendOptions, SendResult, Sink } from './sink.js';

/**
 * Prints messages as readable text: the default without a token (`npm start`, `npm run demo`).
 * It prints every target's messages, so a channel subscription can be previewed offline.
 */
export function createConsoleSink(output: NodeJS.WritableStream = process.stdout): Sink {
  return {
    name: 'console',
    send(message: OutboundMessage, { target, nonce, label, files }: SendOptions): Promise<SendResult> {
      const where = target.kind === 'channel' ? ` → channel ${target.channelId}` : target.kind === 'webhook' ? ' → webhook' : '';
      output.write(renderMessageText(message, `${label}${where}`));
      for (const file of files ?? []) output.write(`[attached ${file.name}, ${file.data.length} bytes]\n`);
      return Promise.resolve({ messageId: `console-${nonce}` });
    },
    edit(message: OutboundMessage, { target, messageId, label }: EditOptions): Promise<SendResult> {
      const where = target.kind === 'channel' ? ` → channel ${target.channelId}` : target.kind === 'webhook' ? ' → webhook' : '';
      output.write(renderMessageText(message, `${label} (update of ${messageId})${where}`));
      return Promise.resolve({ messageId });
    },
    close(): Promise<void> {
      return Promise.resolve();
    },
  };
}
