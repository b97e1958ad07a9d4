package io.ctiserver.server.gateway.bench;

import io.ctiserver.server.bench.Pacing;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The floor of a fan-out on this machine: the same number of frames of the same size over as many loopback TCP
 * connections, with no gateway, no WebSocket and no Netty: one writer thread per core writes a message carrying its
 * {@code nanoTime()} to its share of the sockets (blocking writes of a heap buffer, as Netty's would be of a direct
 * one), two reader threads (as the bench client's two event
 * loops) select and read, and the latency is taken at each read. What the gateway adds is what it takes above this.
 * The writers' side is measured too, as the gateway's is ({@link FanoutProbe}): from the round's start to each
 * {@code write} returning (the bytes are the kernel's), and per round to its last socket.
 */
final class SocketFloor implements AutoCloseable {

    private static final int MAX_SAMPLES = 1 << 20;

    private final ServerSocketChannel listener;
    private final List<SocketChannel> writers = new ArrayList<>();
    private final List<SocketChannel> readers = new ArrayList<>();
    private final Selector[] selectors = new Selector[2];
    private final Thread[] readerThreads = new Thread[2];
    private final long[] samples = new long[MAX_SAMPLES];
    private final AtomicInteger count = new AtomicInteger();
    private final long[] writeSamples = new long[MAX_SAMPLES];
    private final AtomicInteger writeCount = new AtomicInteger();
    private final long[] roundSamples = new long[MAX_SAMPLES];
    private final AtomicInteger roundCount = new AtomicInteger();
    private volatile boolean running = true;
    /** One writer thread per core, each with the connections of its share (as the gateway's event loops have). */
    private final ExecutorService[] writerPool;

    SocketFloor(int connections) throws IOException {
        writerPool = new ExecutorService[Runtime.getRuntime().availableProcessors()];
        for (int i = 0; i < writerPool.length; i++) {
            writerPool[i] = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "floor-writer");
                t.setDaemon(true);
                return t;
            });
        }
        listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0), 4096);
        for (int i = 0; i < selectors.length; i++) {
            selectors[i] = Selector.open();
        }
        for (int i = 0; i < connections; i++) {
            SocketChannel r = SocketChannel.open(listener.getLocalAddress());
            SocketChannel w = listener.accept();
            r.setOption(StandardSocketOptions.TCP_NODELAY, true);
            w.setOption(StandardSocketOptions.TCP_NODELAY, true);
            r.configureBlocking(false);
            r.register(selectors[i % selectors.length], SelectionKey.OP_READ);
            readers.add(r);
            writers.add(w);
        }
        for (int i = 0; i < selectors.length; i++) {
            Selector sel = selectors[i];
            readerThreads[i] = new Thread(() -> read(sel), "floor-reader-" + i);
            readerThreads[i].setDaemon(true);
            readerThreads[i].start();
        }
    }

    private void read(Selector sel) {
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 16);
        try {
            while (running) {
                sel.select(100);
                for (Iterator<SelectionKey> it = sel.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey k = it.next();
                    it.remove();
                    buf.clear();
                    int n = ((SocketChannel) k.channel()).read(buf);
                    long now = System.nanoTime();
                    if (n >= Long.BYTES) {
                        int slot = count.getAndIncrement();
                        if (slot < MAX_SAMPLES) {
                            samples[slot] = now - buf.getLong(0);
                        }
                    }
                }
            }
        } catch (IOException e) {
            if (running) {
                System.err.println("floor reader failed: " + e);
            }
        }
    }

    /** Per frame read (the desktops' side), per frame written (the writers' side), per round to its last socket. */
    record Result(Percentiles read, Percentiles written, Percentiles lastSocket) {
    }

    /**
     * {@code rate} rounds a second for {@code seconds} (after {@code warmup} seconds not counted), each a message of
     * {@code bytes} to every connection.
     */
    Result measure(int rate, int seconds, int warmup, int bytes) throws InterruptedException {
        Pacing.paced(rate, warmup, () -> round(bytes));
        Thread.sleep(200);
        count.set(0);
        writeCount.set(0);
        roundCount.set(0);
        Pacing.paced(rate, seconds, () -> round(bytes));
        Thread.sleep(300);
        return new Result(taken(samples, count), taken(writeSamples, writeCount), taken(roundSamples, roundCount));
    }

    private static Percentiles taken(long[] samples, AtomicInteger count) {
        return Percentiles.of(Arrays.copyOf(samples, Math.min(count.get(), MAX_SAMPLES)));
    }

    /** One message to every connection, the connections split among the writer threads. */
    private void round(int bytes) {
        long sent = System.nanoTime();
        int threads = writerPool.length;
        List<Future<Long>> done = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            int first = t;
            done.add(writerPool[t].submit(() -> {
                ByteBuffer msg = ByteBuffer.allocate(bytes);
                long last = 0;
                for (int i = first; i < writers.size(); i += threads) {
                    msg.clear();
                    msg.putLong(0, sent);
                    try {
                        while (msg.hasRemaining()) {
                            writers.get(i).write(msg);
                        }
                    } catch (IOException e) {
                        throw new IllegalStateException("floor write failed", e);
                    }
                    last = System.nanoTime() - sent;
                    int slot = writeCount.getAndIncrement();
                    if (slot < MAX_SAMPLES) {
                        writeSamples[slot] = last;
                    }
                }
                return last;
            }));
        }
        long last = 0;
        for (Future<Long> f : done) {
            try {
                last = Math.max(last, f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        int slot = roundCount.getAndIncrement();
        if (slot < MAX_SAMPLES) {
            roundSamples[slot] = last;
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        for (ExecutorService e : writerPool) {
            e.shutdownNow();
        }
        for (Thread t : readerThreads) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Selector s : selectors) {
            s.close();
        }
        for (SocketChannel c : readers) {
            c.close();
        }
        for (SocketChannel c : writers) {
            c.close();
        }
        listener.close();
    }
}
