import type * as Yauzl from "yauzl";
import { errorMessage } from "../../catalog/parse.js";
import { lazy } from "../../lazy.js";
import { FeedError } from "../errors.js";
import type { OsvRecord } from "../osv.js";
import { parseOsvRecord } from "./osv-record.js";

const yauzl = lazy<typeof Yauzl>("yauzl");

/** One OSV record is a few KB; Linux kernel records reach a few hundred. Anything past this is not a record. */
const MAX_RECORD_BYTES = 32 * 1024 * 1024;

/**
 * Streams the OSV records of an osv.dev `all.zip` (one `<ID>.json` per record) one at a time, so memory stays
 * flat however big the ecosystem is. yauzl reads the central directory and checks each entry's real size
 * against the declared one, which is what defeats a zip bomb; entries past MAX_RECORD_BYTES are refused before
 * inflating. Every problem is a FeedError naming the file and entry.
 */
export async function* readOsvZip(path: string): AsyncGenerator<OsvRecord> {
  const zip = await new Promise<Yauzl.ZipFile>((resolve, reject) =>
    yauzl().open(path, { lazyEntries: true, autoClose: false, strictFileNames: true }, (err, z) =>
      err || !z ? reject(new FeedError(`${path}: not a valid zip archive: ${errorMessage(err)}`)) : resolve(z),
    ),
  );
  try {
    for (;;) {
      const entry = await nextEntry(zip, path);
      if (!entry) return;
      if (entry.fileName.endsWith("/") || !entry.fileName.endsWith(".json")) continue;
      const where = `${path}: ${entry.fileName}`;
      if (entry.uncompressedSize > MAX_RECORD_BYTES)
        throw new FeedError(
          `${where}: entry declares ${entry.uncompressedSize} bytes, over the ${MAX_RECORD_BYTES} limit`,
        );
      const bytes = await readEntry(zip, entry, where);
      yield parseOsvRecord(bytes.toString("utf8"), where);
    }
  } finally {
    zip.close();
  }
}

function nextEntry(zip: Yauzl.ZipFile, path: string): Promise<Yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const onEntry = (e: Yauzl.Entry) => done(() => resolve(e));
    const onEnd = () => done(() => resolve(undefined));
    const onError = (err: Error) => done(() => reject(new FeedError(`${path}: damaged zip archive: ${err.message}`)));
    const done = (f: () => void) => {
      zip.off("entry", onEntry).off("end", onEnd).off("error", onError);
      f();
    };
    zip.on("entry", onEntry).on("end", onEnd).on("error", onError);
    zip.readEntry();
  });
}

function readEntry(zip: Yauzl.ZipFile, entry: Yauzl.Entry, where: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(new FeedError(`${where}: cannot read: ${errorMessage(err)}`));
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("error", (e) => reject(new FeedError(`${where}: damaged entry: ${e.message}`)));
      stream.on("end", () => resolve(Buffer.concat(chunks)));
    });
  });
}
