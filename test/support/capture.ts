import { Writable } from 'node:stream';

/** A writable that keeps everything written to it, for asserting on log output. */
export class CaptureStream extends Writable {
  readonly chunks: string[] = [];

  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk.toString());
    done();
  }

  get text(): string {
    return this.chunks.join('');
  }

  get lines(): string[] {
    return this.text.split('\n').filter((line) => line.length > 0);
  }
}
