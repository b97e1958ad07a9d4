package io.ctiserver.server.storage.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only local journal of lines (one JSON entry per line), in numbered segment files
 * {@code journal-0000000000000001.jnl}. One thread appends ({@link #append}: write, then fsync, so a group of entries
 * costs one fsync); one other thread reads behind it ({@link #read}) and, once what it read is safely elsewhere,
 * {@link #commit}s, which deletes the segments it has finished.
 *
 * <p>What is durable is what {@link #append} returned from: the reader never reads past it. At start-up every
 * segment left by the previous run is read again from its beginning (the consumer must be idempotent). A segment that
 * ends without a newline was cut by a crash mid-write: its last, partial line is skipped with a warning and everything
 * before it is read.
 */
public final class Journal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final String PREFIX = "journal-";
    private static final String SUFFIX = ".jnl";
    private static final int READ_CHUNK = 1 << 20;
    /** A line longer than this is not an entry we wrote: skipped as corrupt. */
    public static final int MAX_LINE = 4 << 20;

    private final Path dir;
    private final long segmentBytes;

    // appender side (one thread)
    private FileChannel out;
    private long outSegment;
    private long outSize;

    // what the reader may read: the appender publishes it after each fsync
    private volatile Position durable;
    private volatile long appendedLines;

    // reader side (one thread)
    private Position readPos;
    private Position committedPos;
    private long committedLines;
    private long readLines;
    private final ByteBuffer buf = ByteBuffer.allocate(READ_CHUNK);
    private long skippedTorn;

    /** A place in the journal: a segment and a byte offset in it (always at a line start). */
    public record Position(long segment, long offset) {
    }

    public Journal(Path dir, long segmentBytes) throws IOException {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        Files.createDirectories(dir);
        List<Long> existing = segments();
        long pending = 0;
        for (long s : existing) {
            pending += countLines(file(s));
        }
        long first = existing.isEmpty() ? 1 : existing.get(0);
        outSegment = existing.isEmpty() ? 1 : existing.get(existing.size() - 1) + 1;
        openSegment(outSegment);
        appendedLines = pending;
        durable = new Position(outSegment, 0);
        readPos = new Position(first, 0);
        committedPos = readPos;
        if (pending > 0) {
            LOG.info("journal {}: {} entries from the previous run in {} segment(s), to be written again", dir,
                    pending, existing.size());
        }
    }

    // ---- appender ------------------------------------------------------------------------------------------------

    /** Appends whole lines (each ending with '\n') and forces them to disk. Appender thread only. */
    public void append(List<byte[]> lines) throws IOException {
        if (lines.isEmpty()) {
            return;
        }
        if (outSize >= segmentBytes) {
            out.close();
            openSegment(outSegment + 1);
        }
        long total = 0;
        for (byte[] l : lines) {
            total += l.length;
        }
        ByteBuffer[] bufs = new ByteBuffer[lines.size()];
        for (int i = 0; i < bufs.length; i++) {
            bufs[i] = ByteBuffer.wrap(lines.get(i));
        }
        long written = 0;
        while (written < total) {
            written += out.write(bufs);
        }
        out.force(false);
        outSize += total;
        appendedLines += lines.size();
        durable = new Position(outSegment, outSize);
    }

    private void openSegment(long segment) throws IOException {
        out = FileChannel.open(file(segment), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        outSegment = segment;
        outSize = out.size();
    }

    // ---- reader --------------------------------------------------------------------------------------------------

    /**
     * Up to {@code max} whole lines after the read position, without the newline; empty when the reader has caught
     * up with what is durable. Reader thread only.
     */
    public List<String> read(int max) throws IOException {
        List<String> lines = new ArrayList<>(Math.min(max, 4096));
        Position limit = durable;
        while (lines.size() < max) {
            long seg = readPos.segment();
            boolean active = seg == limit.segment();
            Path f = file(seg);
            if (!active && !Files.exists(f)) {
                if (seg > limit.segment()) {
                    break;
                }
                readPos = new Position(seg + 1, 0); // a gap in the numbering: nothing was ever written there
                continue;
            }
            long end = active ? limit.offset() : Files.size(f);
            if (readPos.offset() >= end) {
                if (active) {
                    break;
                }
                readPos = new Position(seg + 1, 0);
                continue;
            }
            long offset = readLinesFrom(f, readPos.offset(), end, max - lines.size(), lines);
            if (offset == readPos.offset()) {
                // no newline between here and the end of a finished segment: a line torn by a crash
                if (!active) {
                    skippedTorn++;
                    LOG.warn("journal {}: {} bytes at the end of {} are a line cut by a crash; skipped", dir,
                            end - offset, f.getFileName());
                    readPos = new Position(seg + 1, 0);
                    continue;
                }
                break;
            }
            readPos = new Position(seg, offset);
        }
        readLines += lines.size();
        return lines;
    }

    /** Reads whole lines from [from, end) into {@code into}; returns the offset after the last whole line read. */
    private long readLinesFrom(Path f, long from, long end, int max, List<String> into) throws IOException {
        long pos = from;
        int taken = 0;
        try (FileChannel in = FileChannel.open(f, StandardOpenOption.READ)) {
            byte[] pending = new byte[0];
            long chunkStart = from;
            while (chunkStart < end && taken < max) {
                buf.clear();
                buf.limit((int) Math.min(buf.capacity(), end - chunkStart));
                int n = in.read(buf, chunkStart);
                if (n <= 0) {
                    break;
                }
                byte[] data = concat(pending, buf.array(), n);
                int lineStart = 0;
                for (int i = 0; i < data.length && taken < max; i++) {
                    if (data[i] == '\n') {
                        into.add(new String(data, lineStart, i - lineStart, java.nio.charset.StandardCharsets.UTF_8));
                        taken++;
                        pos += i + 1 - lineStart;
                        lineStart = i + 1;
                    }
                }
                if (taken >= max) {
                    break;
                }
                pending = java.util.Arrays.copyOfRange(data, lineStart, data.length);
                if (pending.length > MAX_LINE) {
                    throw new IOException("journal line longer than " + MAX_LINE + " bytes in " + f);
                }
                chunkStart += n;
            }
        }
        return pos;
    }

    private static byte[] concat(byte[] a, byte[] b, int bLen) {
        byte[] r = new byte[a.length + bLen];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, bLen);
        return r;
    }

    /** Everything read so far is safe elsewhere: forget it, deleting finished segments. Reader thread only. */
    public void commit() throws IOException {
        for (long s = committedPos.segment(); s < readPos.segment(); s++) {
            Files.deleteIfExists(file(s));
        }
        committedPos = readPos;
        committedLines = readLines;
        committedLinesVolatile = committedLines;
    }

    /** What was read since the last commit will be read again (the write failed). Reader thread only. */
    public void rewind() {
        readPos = committedPos;
        readLines = committedLines;
    }

    /** Entries durable in the journal and not yet committed: the backlog. Any thread. */
    public long depth() {
        return Math.max(0, appendedLines - committedLinesVolatile);
    }

    private volatile long committedLinesVolatile;

    public long appendedLines() {
        return appendedLines;
    }

    public long tornLinesSkipped() {
        return skippedTorn;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
        }
    }

    // ---- files ---------------------------------------------------------------------------------------------------

    private Path file(long segment) {
        return dir.resolve(String.format("%s%016d%s", PREFIX, segment, SUFFIX));
    }

    private List<Long> segments() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(PREFIX) && n.endsWith(SUFFIX))
                    .map(n -> Long.parseLong(n.substring(PREFIX.length(), n.length() - SUFFIX.length())))
                    .sorted().toList();
        }
    }

    private static long countLines(Path f) throws IOException {
        long n = 0;
        try (FileChannel in = FileChannel.open(f, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(1 << 16);
            while (in.read(b) > 0) {
                b.flip();
                while (b.hasRemaining()) {
                    if (b.get() == '\n') {
                        n++;
                    }
                }
                b.clear();
            }
        }
        return n;
    }
}
